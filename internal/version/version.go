// Package version says which fluxlint is running: the module version,
// commit, commit date and Go version, read from the build information Go
// records in every binary (runtime/debug.ReadBuildInfo), so that a binary
// installed with "go install ...@v1.2.3" knows it is v1.2.3. A release
// build may set Version with -ldflags -X.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version overrides the module version when set at build time:
// -ldflags "-X github.com/fluxlint/fluxlint/internal/version.Version=v1.2.3".
var Version = ""

// Info is what fluxlint knows of its own build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion"`
}

// Get reads the build information.
func Get() Info {
	info := Info{Version: "(devel)", GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" {
			info.Version = v
		}
		info.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.Date = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if Version != "" {
		info.Version = Version
	}
	return info
}

// Short is the version alone, for JSON and SARIF.
func Short() string { return Get().Version }

// String is the one-line description "fluxlint version" prints.
func (i Info) String() string {
	s := "fluxlint " + i.Version
	if i.Commit != "" {
		c := i.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (commit " + c
		if i.Modified {
			s += ", modified"
		}
		if i.Date != "" {
			s += ", " + i.Date
		}
		s += ")"
	}
	return s + fmt.Sprintf(", built with %s", i.GoVersion)
}
