package lint

import (
	"testing"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

func finding(file string, line int, rule string) analysis.Diagnostic {
	return analysis.Diagnostic{Rule: rule, Severity: analysis.Error, Pos: load.Pos{File: file, Line: line}, Message: rule + " at " + file}
}

// Each filter keeps what it should, and Apply counts what each dropped.
func TestFilters(t *testing.T) {
	silenced := finding("a.yaml", 1, "prune")
	silenced.Silenced = true
	excluded := finding("vendor/x.yaml", 2, "prune")
	kept := finding("apps/b.yaml", 3, "prune")
	dup := kept
	cfg, err := config.Parse([]byte("exclude:\n  - vendor/**\n"), ".fluxlint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dropped := map[string]int{}
	got := Apply([]analysis.Diagnostic{kept, excluded, silenced, dup}, []Filter{Unsilenced{}, Excluded{Config: cfg}, Sorted{}}, dropped)
	if len(got) != 1 || got[0].Pos.File != "apps/b.yaml" {
		t.Errorf("kept %+v", got)
	}
	if dropped["suppressed"] != 1 || dropped["excluded"] != 1 || dropped["duplicate"] != 1 {
		t.Errorf("dropped %v", dropped)
	}
}

// Changed keeps the findings on changed objects, and the render problems
// the base did not have.
func TestChanged(t *testing.T) {
	changed := &render.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "a", Name: "x"}
	same := &render.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "a", Name: "y"}
	onChanged := finding("apps/a.yaml", 1, "prune")
	onChanged.Object = changed
	onSame := finding("apps/a.yaml", 9, "prune")
	onSame.Object = same
	oldProblem := finding("clusters/c/apps.yaml", 5, "build-failed")
	newProblem := finding("clusters/c/apps.yaml", 7, "path-not-found")
	newProblem.Message = "another message"
	f := Changed{Objects: map[string]bool{changed.Identity(): true}, Before: map[string]bool{oldProblem.Fingerprint(): true}}
	got := f.Filter([]analysis.Diagnostic{onChanged, onSame, oldProblem, newProblem})
	if len(got) != 2 || got[0].Object != changed || got[1].Rule != "path-not-found" {
		t.Errorf("kept %+v", got)
	}
}

// Baseline drops what it records and remembers what it matched.
func TestBaseline(t *testing.T) {
	a, b := finding("apps/a.yaml", 1, "prune"), finding("apps/b.yaml", 1, "prune")
	f := Baseline{Fingerprints: map[string]bool{a.Fingerprint(): true, "gone": true}, Seen: map[string]bool{}}
	got := f.Filter([]analysis.Diagnostic{a, b})
	if len(got) != 1 || got[0].Pos.File != "apps/b.yaml" || !f.Seen[a.Fingerprint()] || f.Seen["gone"] {
		t.Errorf("kept %+v, seen %v", got, f.Seen)
	}
}
