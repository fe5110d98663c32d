package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"
)

// LockFile is the name of the lock file "fluxlint charts pull" writes at
// the repository root, and that render and check read there.
const LockFile = "fluxlint-charts.lock"

// CacheDir is the default chart cache: $XDG_CACHE_HOME/fluxlint/charts, or
// the user cache directory's fluxlint/charts.
func CacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		var err error
		if base, err = os.UserCacheDir(); err != nil {
			base = os.TempDir()
		}
	}
	return filepath.Join(base, "fluxlint", "charts")
}

// Cache is a directory of packaged charts, one directory per chart
// repository: <dir>/<repository key>/<chart>-<version>.tgz.
type Cache struct{ Dir string }

// RepoKey turns a chart repository URL into a relative directory:
// "https://charts.example.com/stable" → "https/charts.example.com/stable",
// "oci://ghcr.io/org/charts" → "oci/ghcr.io/org/charts".
func RepoKey(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		scheme, rest = "unknown", url
	}
	rest = strings.Trim(rest, "/")
	var parts []string
	for _, p := range strings.Split(rest, "/") {
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
				return r
			}
			return '_'
		}, p))
	}
	return filepath.Join(append([]string{strings.ToLower(scheme)}, parts...)...)
}

// Path is where a chart version is cached.
func (c Cache) Path(repoURL, chart, version string) string {
	return filepath.Join(c.Dir, RepoKey(repoURL), chart+"-"+version+".tgz")
}

// Find returns the cached archive of a chart for a version or a semver
// range ("" and "*" mean the latest stable): the version the lock
// resolved the range to when it has the chart, else the highest cached
// version that satisfies it. ok is false when nothing cached fits.
func (c Cache) Find(repoURL, chart, version string, lock *Lock) (file, resolved string, ok bool) {
	if c.Dir == "" {
		return "", "", false
	}
	if e := lock.Find(repoURL, chart, version); e != nil {
		f := c.Path(repoURL, chart, e.Version)
		if _, err := os.Stat(f); err == nil {
			return f, e.Version, true
		}
		return "", e.Version, false
	}
	if f := c.Path(repoURL, chart, version); version != "" && version != "*" {
		if _, err := os.Stat(f); err == nil {
			return f, version, true
		}
	}
	entries, err := os.ReadDir(filepath.Join(c.Dir, RepoKey(repoURL)))
	if err != nil {
		return "", "", false
	}
	var versions []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, chart+"-") || !strings.HasSuffix(name, ".tgz") {
			continue
		}
		versions = append(versions, strings.TrimSuffix(strings.TrimPrefix(name, chart+"-"), ".tgz"))
	}
	best, err := Resolve(version, versions)
	if err != nil {
		return "", "", false
	}
	return c.Path(repoURL, chart, best), best, true
}

// Resolve picks the version a HelmRelease's spec.chart.spec.version means
// among versions, as source-controller does: an exact match first, then
// the highest version the range allows ("" and "*": the latest stable).
func Resolve(constraint string, versions []string) (string, error) {
	for _, v := range versions {
		if v == constraint {
			return v, nil
		}
	}
	if constraint == "" {
		constraint = "*"
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return "", fmt.Errorf("version %q: %w", constraint, err)
	}
	var ok []*semver.Version
	byVer := map[*semver.Version]string{}
	for _, s := range versions {
		v, err := semver.NewVersion(s)
		if err != nil || !c.Check(v) {
			continue
		}
		ok = append(ok, v)
		byVer[v] = s
	}
	if len(ok) == 0 {
		return "", fmt.Errorf("no version matches %q", constraint)
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].GreaterThan(ok[j]) })
	return byVer[ok[0]], nil
}

// Lock records the charts "fluxlint charts pull" fetched: the version a
// HelmRelease's version (or range) resolved to, and the archive's digest.
type Lock struct {
	Charts []LockEntry `json:"charts"`
}

// LockEntry is one chart of the lock.
type LockEntry struct {
	Repository string `json:"repository"`
	Chart      string `json:"chart"`
	// Requested is the version as the HelmRelease writes it, when it is a
	// range or empty; Version what it resolved to.
	Requested string `json:"requested,omitempty"`
	Version   string `json:"version"`
	Digest    string `json:"digest"`
}

// ReadLock reads a lock file; a missing file is an empty lock.
func ReadLock(file string) (*Lock, error) {
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return &Lock{}, nil
	}
	if err != nil {
		return nil, err
	}
	var l Lock
	if err := yaml.UnmarshalStrict(b, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &l, nil
}

// Write writes the lock, sorted.
func (l *Lock) Write(file string) error {
	sort.Slice(l.Charts, func(i, j int) bool {
		a, b := l.Charts[i], l.Charts[j]
		if a.Repository != b.Repository {
			return a.Repository < b.Repository
		}
		if a.Chart != b.Chart {
			return a.Chart < b.Chart
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Requested < b.Requested
	})
	b, err := yaml.Marshal(l)
	if err != nil {
		return err
	}
	head := "# Written by \"fluxlint charts pull\": the chart versions the HelmReleases resolve to,\n# and the digest of each archive. A cached chart whose digest differs is refused.\n"
	return os.WriteFile(file, append([]byte(head), b...), 0o644)
}

// Find returns the entry for a chart at a requested version or range.
func (l *Lock) Find(repoURL, chart, requested string) *LockEntry {
	if l == nil {
		return nil
	}
	for i, e := range l.Charts {
		if e.Repository != repoURL || e.Chart != chart {
			continue
		}
		if e.Version == requested || (e.Requested != "" && e.Requested == requested) || (requested == "" && e.Requested == "*") {
			return &l.Charts[i]
		}
	}
	return nil
}

// Put records an entry, replacing the one for the same chart and request.
func (l *Lock) Put(e LockEntry) {
	for i, x := range l.Charts {
		if x.Repository == e.Repository && x.Chart == e.Chart && x.Requested == e.Requested && (e.Requested != "" || x.Version == e.Version) {
			l.Charts[i] = e
			return
		}
	}
	l.Charts = append(l.Charts, e)
}

func parseStrict(v string) (*semver.Version, error) {
	return semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
}
