package lint_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/schema"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// A check re-run where nothing changed, as a pre-commit hook runs it,
// builds nothing, loads no schema (neither for kustomize nor for the
// schema rule, whose verdicts the cache keeps) and reports the same.
func TestWarmCheckLoadsNoSchema(t *testing.T) {
	dir := filepath.Join(fixture.CorpusDir(t, 1), "onedr0p__home-ops")
	cacheDir := t.TempDir()
	check := func() (*lint.Report, *render.BuildCache) {
		c := &render.BuildCache{Dir: cacheDir, Tree: dir}
		rep, err := lint.Run(lint.Options{Render: render.Options{Dir: dir, Cache: c}, Suite: analyzers.All})
		if err != nil {
			t.Fatal(err)
		}
		return rep, c
	}
	cold, _ := check()
	kubeschema.Reset()
	defer kubeschema.Reset()
	installs, validations := kubeschema.Installs(), schema.Validations()
	warm, c := check()
	if _, misses := c.Stats(); misses != 0 {
		t.Errorf("the warm check ran %d builds", misses)
	}
	if kubeschema.Installs() != installs || kubeschema.Installed() {
		t.Error("the warm check loaded the Kubernetes schema for kustomize")
	}
	if n := schema.Validations() - validations; n != 0 {
		t.Errorf("the warm check validated %d objects against their schemas", n)
	}
	if c.Writes() != 0 {
		t.Errorf("the warm check wrote %d cache entries", c.Writes())
	}
	if len(cold.Diagnostics) == 0 || !reflect.DeepEqual(messages(cold), messages(warm)) {
		t.Errorf("the warm check reports %d findings, the cold one %d", len(warm.Diagnostics), len(cold.Diagnostics))
	}
}

func messages(rep *lint.Report) []string {
	var out []string
	for _, d := range rep.Diagnostics {
		out = append(out, d.Pos.String()+" "+d.Rule+" "+d.Message)
	}
	return out
}
