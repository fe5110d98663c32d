package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/rewrite"
)

// A fix's edits become the smallest replacement of the file's text, with
// character columns, and an edit the rewriter refuses drops the fix.
func TestFixResolves(t *testing.T) {
	dir := t.TempDir()
	src := "# ü comment\nkind: Kustomization\nspec:\n  prune: false  # keep\n"
	if err := os.WriteFile(filepath.Join(dir, "ks.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := load.Open(dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := SuggestedFix{Edits: []FileEdit{{File: "ks.yaml", Edit: rewrite.Edit{Path: []string{"spec", "prune"}, Value: "true", Raw: true}}}}
	if !f.resolve(repo) || len(f.Replacements) != 1 {
		t.Fatalf("not resolved: %+v", f)
	}
	r := f.Replacements[0]
	want := Replacement{File: "ks.yaml", Start: load.Pos{File: "ks.yaml", Line: 4, Col: 10}, End: load.Pos{File: "ks.yaml", Line: 4, Col: 14}, Text: "tru"}
	if r != want {
		t.Errorf("replacement %+v, want %+v", r, want)
	}
	bad := SuggestedFix{Edits: []FileEdit{{File: "ks.yaml", Edit: rewrite.Edit{Path: []string{"kind", "x"}, Value: "y"}}}}
	if bad.resolve(repo) {
		t.Errorf("an edit under a scalar resolved: %+v", bad)
	}
}
