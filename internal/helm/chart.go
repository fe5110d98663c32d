package helm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"
)

// Chart is a loaded chart. It is read-only: every render works on a copy
// of the parts rendering changes.
type Chart struct {
	chart *chart.Chart
	// Digest is the SHA-256 of the archive ("sha256:..."), for a chart
	// loaded from one.
	Digest string
}

// Name and Version are the chart's metadata.
func (c *Chart) Name() string    { return c.chart.Metadata.Name }
func (c *Chart) Version() string { return c.chart.Metadata.Version }

// WithValues returns a chart whose default values are replaced by vals, as
// source-controller does with a HelmChart's spec.valuesFiles.
func (c *Chart) WithValues(vals map[string]any) *Chart {
	n := copyChart(c.chart)
	n.Values = vals
	return &Chart{chart: n, Digest: c.Digest}
}

// File returns the content of a file of the chart archive by its path in
// the chart ("values.yaml", "values-prod.yaml"), from the raw files.
func (c *Chart) File(name string) ([]byte, bool) {
	for _, f := range c.chart.Raw {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// Loader loads each chart once per run, however many releases use it:
// directories by path, archives by path and digest. It is safe for
// concurrent use.
type Loader struct {
	mu     sync.Mutex
	charts map[string]*loaded
	// Loads counts the charts actually parsed, for tests.
	Loads int
}

type loaded struct {
	once  sync.Once
	chart *Chart
	err   error
}

// recover turns a panic of Helm's loader on a malformed chart into the
// entry's error, so that the chart is never left loaded as nil.
func (e *loaded) recover() {
	if rec := recover(); rec != nil {
		e.chart, e.err = nil, fmt.Errorf("loading the chart failed: %v", rec)
	}
}

func (l *Loader) entry(key string) *loaded {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.charts == nil {
		l.charts = map[string]*loaded{}
	}
	e := l.charts[key]
	if e == nil {
		e = &loaded{}
		l.charts[key] = e
	}
	return e
}

// LoadDir loads a chart directory (honouring its .helmignore), with its
// charts/ subcharts.
func (l *Loader) LoadDir(dir string) (*Chart, error) {
	e := l.entry("dir\x00" + dir)
	e.once.Do(func() {
		defer e.recover()
		l.count()
		ch, err := loader.LoadDir(dir)
		if err != nil {
			e.err = err
			return
		}
		e.chart = &Chart{chart: ch}
	})
	return e.chart, e.err
}

// LoadArchive loads a packaged chart (.tgz).
func (l *Loader) LoadArchive(file string) (*Chart, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	digest := Digest(b)
	e := l.entry("tgz\x00" + file + "\x00" + digest)
	e.once.Do(func() {
		defer e.recover()
		l.count()
		ch, err := loader.LoadArchive(bytesReader(b))
		if err != nil {
			e.err = fmt.Errorf("%s: %w", file, err)
			return
		}
		e.chart = &Chart{chart: ch, Digest: digest}
	})
	return e.chart, e.err
}

func (l *Loader) count() {
	l.mu.Lock()
	l.Loads++
	l.mu.Unlock()
}

// Digest is the "sha256:<hex>" digest of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// File is a file of a chart directory: its path relative to the chart
// root (slash-separated) and its content.
type File struct {
	Name string
	Data []byte
}

// LoadFiles loads a chart directory from files read elsewhere (the
// repository's artifact view, which holds no symbolic link and nothing
// outside the repository), honouring the chart's .helmignore as
// loader.LoadDir does. key names the directory for the cache; read is
// called once.
func (l *Loader) LoadFiles(key string, read func() ([]File, error)) (*Chart, error) {
	e := l.entry("files\x00" + key)
	e.once.Do(func() {
		defer e.recover()
		l.count()
		files, err := read()
		if err != nil {
			e.err = err
			return
		}
		rules := ignore.Empty()
		for _, f := range files {
			if f.Name == ignore.HelmIgnore {
				if rules, err = ignore.Parse(bytes.NewReader(f.Data)); err != nil {
					e.err = err
					return
				}
			}
		}
		rules.AddDefaults()
		var buf []*loader.BufferedFile
		for _, f := range files {
			if ignored(rules, f) {
				continue
			}
			buf = append(buf, &loader.BufferedFile{Name: f.Name, Data: bytes.TrimPrefix(f.Data, []byte("\xef\xbb\xbf"))})
		}
		ch, err := loader.LoadFiles(buf)
		if err != nil {
			e.err = err
			return
		}
		e.chart = &Chart{chart: ch}
	})
	return e.chart, e.err
}

// ignored applies .helmignore rules to a file and to each directory
// above it, as a directory walk would.
func ignored(rules *ignore.Rules, f File) bool {
	parts := strings.Split(f.Name, "/")
	for i := 1; i < len(parts); i++ {
		if rules.Ignore(strings.Join(parts[:i], "/"), fileInfo{name: parts[i-1], dir: true}) {
			return true
		}
	}
	return rules.Ignore(f.Name, fileInfo{name: parts[len(parts)-1], size: int64(len(f.Data))})
}

// fileInfo describes a file or directory to .helmignore rules.
type fileInfo struct {
	name string
	dir  bool
	size int64
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return f.size }
func (f fileInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }

// Dependency is a dependency a chart's Chart.yaml (or requirements.yaml)
// lists and its charts/ directory does not hold, which source-controller
// fetches before it packages the chart.
type Dependency struct {
	Name string
	// Version is the version Chart.lock pins, else the constraint of
	// Chart.yaml.
	Version string
	// Repository is where it comes from: "file://../dir", an HTTP chart
	// repository or an oci:// one.
	Repository string
}

// MissingDependencies lists the dependencies the chart does not vendor.
func (c *Chart) MissingDependencies() []Dependency {
	var out []Dependency
	for _, d := range c.chart.Metadata.Dependencies {
		found := false
		for _, sub := range c.chart.Dependencies() {
			if sub.Name() == d.Name {
				found = true
				break
			}
		}
		if found {
			continue
		}
		dep := Dependency{Name: d.Name, Version: d.Version, Repository: d.Repository}
		if c.chart.Lock != nil {
			for _, l := range c.chart.Lock.Dependencies {
				if l.Name == d.Name && l.Repository == d.Repository {
					dep.Version = l.Version
				}
			}
		}
		out = append(out, dep)
	}
	return out
}

// WithDependencies returns the chart with subcharts added, as
// source-controller's dependency manager vendors them.
func (c *Chart) WithDependencies(subs ...*Chart) *Chart {
	n := copyChart(c.chart)
	for _, s := range subs {
		n.AddDependency(copyChart(s.chart))
	}
	return &Chart{chart: n, Digest: c.Digest}
}
