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

// ChangedFiles keeps findings in changed files or on objects from them, and
// a rendering problem when asked to or when its Kustomization's directory
// holds a change.
func TestChangedFiles(t *testing.T) {
	k := &render.Kustomization{Namespace: "flux-system", Name: "apps", Dir: "apps"}
	problem := finding("clusters/c/apps.yaml", 5, "build-failed")
	problem.RenderProblem, problem.Kustomization = true, k
	inChanged := finding("apps/a.yaml", 1, "prune")
	elsewhere := finding("other/b.yaml", 1, "prune")
	f := ChangedFiles{Paths: map[string]bool{"apps/a.yaml": true}}
	got := f.Filter([]analysis.Diagnostic{problem, inChanged, elsewhere})
	if len(got) != 2 || got[0].Rule != "build-failed" || got[1].Pos.File != "apps/a.yaml" {
		t.Errorf("kept %+v", got)
	}
	f.Paths = map[string]bool{"other/c.yaml": true}
	if got := f.Filter([]analysis.Diagnostic{problem}); len(got) != 0 {
		t.Errorf("a problem of an unchanged directory was kept")
	}
	f.RenderProblemsToo = true
	if got := f.Filter([]analysis.Diagnostic{problem}); len(got) != 1 {
		t.Errorf("RenderProblemsToo dropped a rendering problem")
	}
}
