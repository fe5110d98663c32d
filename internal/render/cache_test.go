package render_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// dump is everything a render says: each object with where it came from,
// and each problem.
func dump(t *testing.T, res *render.Result) string {
	t.Helper()
	var b bytes.Buffer
	groups, _ := res.Groups("")
	if err := render.WriteYAML(&b, res, groups); err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		b.WriteString(o.Pos().String() + " " + o.ID() + " " + o.Generated.String() + "\n")
	}
	for _, p := range res.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// A cache never changes what a render says: every corpus repository
// renders the same without a cache, with an empty one, with a warm one in
// memory, and with one read back from disk.
func TestCacheAgrees(t *testing.T) {
	corpus := corpusDir(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		dir := filepath.Join(corpus, e.Name())
		if !e.IsDir() || e.Name() == "reference-renders" {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			render1 := func(c *render.BuildCache) string {
				res, err := render.Render(render.Options{Dir: dir, Cache: c})
				if err != nil {
					t.Fatal(err)
				}
				return dump(t, res)
			}
			want := render1(nil)
			c := &render.BuildCache{Dir: t.TempDir()}
			if got := render1(c); got != want {
				t.Fatalf("with an empty cache the render differs:\n%s", rewrite.Diff("render", []byte(want), []byte(got)))
			}
			h1, m1 := c.Stats()
			if got := render1(c); got != want {
				t.Fatalf("with a warm cache the render differs:\n%s", rewrite.Diff("render", []byte(want), []byte(got)))
			}
			h2, _ := c.Stats()
			stored, written := c.Stored()
			if stored == 0 || h2-h1 < stored {
				t.Errorf("the second render hit %d times; the first stored %d builds", h2-h1, stored)
			}
			// A run where nothing changed builds nothing, and so loads no
			// Kubernetes schema.
			kubeschema.Reset()
			installs := kubeschema.Installs()
			disk := &render.BuildCache{Dir: c.Dir}
			if got := render1(disk); got != want {
				t.Fatalf("with the cache read back from disk the render differs:\n%s", rewrite.Diff("render", []byte(want), []byte(got)))
			}
			if h, _ := disk.Stats(); written == 0 || h < written {
				t.Errorf("from disk: %d hits; %d builds were written", h, written)
			}
			if _, m := disk.Stats(); m == 0 && (kubeschema.Installed() || kubeschema.Installs() != installs) {
				t.Errorf("a render that ran no build loaded the Kubernetes schema (%v, %d installs)", kubeschema.Installed(), kubeschema.Installs()-installs)
			}
			t.Logf("%d builds looked up, %d kept in memory, %d on disk", h1+m1, stored, written)
		})
	}
}

// The disk cache stays under its bound, keeping what was used last, and a
// corrupt entry is a miss that the next build writes again.
func TestCacheBoundAndCorruption(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "onedr0p__home-ops")
	c := &render.BuildCache{Dir: t.TempDir(), MaxBytes: 1}
	if _, err := render.Render(render.Options{Dir: dir, Cache: c}); err != nil {
		t.Fatal(err)
	}
	var size int64
	var files []string
	filepath.WalkDir(c.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			size += info.Size()
			files = append(files, p)
		}
		return err
	})
	if _, written := c.Stored(); written < 10 || len(files) >= written {
		t.Errorf("a 1-byte cache kept %d of %d entries (%d bytes)", len(files), written, size)
	}
	// Corrupt every entry left: the next render misses on them and agrees.
	for _, f := range files {
		os.WriteFile(f, []byte("{not: [yaml"), 0o644)
	}
	want, err := render.Render(render.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	again := &render.BuildCache{Dir: c.Dir}
	got, err := render.Render(render.Options{Dir: dir, Cache: again})
	if err != nil {
		t.Fatal(err)
	}
	if dump(t, got) != dump(t, want) {
		t.Error("a render over corrupt entries differs")
	}
	if h, _ := again.Stats(); h != 0 {
		t.Errorf("%d corrupt entries were taken", h)
	}
}
