package render_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/synth"
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
	if written := c.Writes(); written < 10 || len(files) >= written {
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

// TestCacheInvalidates changes one input at a time, in a repository of an
// entry point, a group Kustomization and three applications with
// postBuild substitution, and counts the lookups that missed: exactly the
// builds that read what changed, and the substitutions whose inputs
// changed, run again. Each render also says what an uncached one says.
func TestCacheInvalidates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	if err := synth.Generate(dir, 3); err != nil {
		t.Fatal(err)
	}
	c := &render.BuildCache{Dir: t.TempDir()}
	dryRun := false
	renderWith := func(cache *render.BuildCache) string {
		res, err := render.Render(render.Options{Dir: dir, Cache: cache, DryRunSubstitution: dryRun})
		if err != nil {
			t.Fatal(err)
		}
		return dump(t, res)
	}
	// step renders with the cache and returns how many lookups missed;
	// five builds (the entry point, the group, three applications) and
	// three substitutions are looked up every time.
	step := func(what string) int {
		t.Helper()
		h0, m0 := c.Stats()
		got := renderWith(c)
		h1, m1 := c.Stats()
		if want := renderWith(nil); got != want {
			t.Fatalf("%s: the cached render differs:\n%s", what, rewrite.Diff("render", []byte(want), []byte(got)))
		}
		if looked := h1 - h0 + m1 - m0; looked != 8 {
			t.Fatalf("%s: %d lookups, want 8", what, looked)
		}
		return m1 - m0
	}
	edit := func(rel, old, new string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s does not hold %q", rel, old)
		}
		if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		what   string
		change func()
		misses int
	}{
		{"first render", func() {}, 8},
		{"nothing changed", func() {}, 0},
		// Read by app-0001's build only: that build and its substitution.
		{"a file of one application", func() { edit("apps/group-000/app-0001/app/service.yaml", "port: 80", "port: 81") }, 2},
		// A variable's value: the entry point's build, which applies the
		// ConfigMap, and the three substitutions that read it; no
		// application is built again.
		{"a substituted value", func() { edit("apps/settings.yaml", "example.com", "example.org") }, 4},
		// An option of the substitution: the three substitutions.
		{"dry-run substitution", func() { dryRun = true }, 3},
		{"back to substitution", func() { dryRun = false }, 0},
		// A Kustomization's own spec: the group's build that reads its file,
		// its build (the generated kustomization changes) and its
		// substitution.
		{"an application's Kustomization", func() { edit("apps/group-000/app-0002/ks.yaml", "interval: 10m", "interval: 20m\n  namePrefix: x-") }, 3},
		// A field whose files the walker does not record: its directory is
		// read whole, so a change to such a file is not missed.
		{"patchesStrategicMerge added", func() {
			edit("apps/group-000/app-0000/app/kustomization.yaml", "resources:", "patchesStrategicMerge:\n  - replicas.yaml\nresources:")
			write(t, filepath.Join(dir, "apps/group-000/app-0000/app/replicas.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n")
		}, 2},
		{"a file patchesStrategicMerge names", func() { edit("apps/group-000/app-0000/app/replicas.yaml", "replicas: 3", "replicas: 4") }, 2},
	} {
		tc.change()
		if got := step(tc.what); got != tc.misses {
			t.Errorf("%s: %d lookups missed, want %d", tc.what, got, tc.misses)
		}
	}
}
