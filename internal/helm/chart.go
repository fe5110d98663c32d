package helm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
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
