package render_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/render"
)

// A bundle keeps, from one run to the next, exactly the values the run
// used; a run that adds nothing writes nothing; a damaged file keeps the
// values before the damage; each tree has its own.
func TestBundle(t *testing.T) {
	dir := t.TempDir()
	k1, k2, k3 := memo.Key{1}, memo.Key{2}, memo.Key{3}
	run := func(tree string) (*render.BuildCache, *render.Bundle) {
		c := &render.BuildCache{Dir: dir, Tree: tree}
		return c, c.Bundle("test", "")
	}
	get := func(b *render.Bundle, k memo.Key) string {
		v, _ := b.Get(k)
		return string(v)
	}

	c, b := run("/repo")
	b.Put(k1, []byte("one"))
	b.Put(k3, []byte("three"))
	b.Flush()
	if c.Writes() != 1 {
		t.Fatalf("%d writes, want 1", c.Writes())
	}

	c, b = run("/repo")
	if get(b, k1) != "one" || get(b, k3) != "three" {
		t.Fatalf("the next run reads %q and %q", get(b, k1), get(b, k3))
	}
	b.Flush()
	if c.Writes() != 0 {
		t.Errorf("a run that added nothing wrote %d times", c.Writes())
	}

	_, b = run("/repo")
	_ = get(b, k1)
	b.Put(k2, []byte("two"))
	b.Flush()
	_, b = run("/repo")
	if get(b, k1) != "one" || get(b, k2) != "two" || get(b, k3) != "" {
		t.Errorf("after a run that used one and added two: %q %q %q", get(b, k1), get(b, k2), get(b, k3))
	}

	if _, other := run("/elsewhere"); get(other, k1) != "" {
		t.Error("another tree reads this tree's bundle")
	}

	files, _ := filepath.Glob(filepath.Join(dir, "bundles", "test-*"))
	if len(files) != 1 {
		t.Fatalf("bundle files: %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], data[:len(data)-2], 0o600); err != nil {
		t.Fatal(err)
	}
	_, b = run("/repo")
	if get(b, k1) != "one" || get(b, k2) != "" {
		t.Errorf("a damaged bundle reads %q %q; want the value before the damage only", get(b, k1), get(b, k2))
	}
	var none *render.Bundle
	none.Flush()
	if none.Store() != nil {
		t.Error("a nil bundle is a store")
	}
}
