package analysistest

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// RunAll runs every case under root (testdata/analyzers): one subtest per
// rule directory, one per case. A directory named after no rule of suite,
// and a rule of suite without a directory, fail the test.
func RunAll(t *testing.T, root string, suite []*analysis.Analyzer) {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dirs[e.Name()] = true
		a := analysis.ByName(suite, e.Name())
		if a == nil {
			t.Errorf("%s: no rule %q", filepath.Join(root, e.Name()), e.Name())
			continue
		}
		t.Run(a.Name, func(t *testing.T) { Run(t, filepath.Join(root, a.Name), suite, a) })
	}
	for _, a := range suite {
		if !dirs[a.Name] && a.ReportedBy == "" {
			t.Errorf("rule %s has no fixtures under %s", a.Name, filepath.Join(root, a.Name))
		}
	}
}

// Run runs rule a over every case under dir.
func Run(t *testing.T, dir string, suite []*analysis.Analyzer, a *analysis.Analyzer) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases++
		repo := filepath.Join(dir, e.Name())
		t.Run(e.Name(), func(t *testing.T) { RunCase(t, repo, suite, a) })
	}
	if cases == 0 {
		t.Fatalf("no cases under %s", dir)
	}
}

// RunCase runs rule a, and the rules the case's configuration names, over
// one fixture repository.
func RunCase(t *testing.T, repo string, suite []*analysis.Analyzer, a *analysis.Analyzer) []analysis.Diagnostic {
	t.Helper()
	cfg, err := config.ForRepository(repo)
	if err != nil {
		t.Fatal(err)
	}
	list := []*analysis.Analyzer{a}
	for _, id := range cfg.RuleNames() {
		if other := analysis.ByName(suite, id); other != nil && other != a {
			list = append(list, other)
		}
	}
	rep, err := lint.Run(lint.Options{Render: render.Options{Dir: repo}, Config: cfg, Suite: suite, Analyzers: list})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Result.Problems {
		if p.Blocking() && rep.Profiles.Applies(p) && analysis.ByName(list, string(p.Code)) == nil {
			t.Errorf("the fixture does not render: %s", p)
		}
	}
	var got []fixture.Finding
	for _, d := range rep.Diagnostics {
		got = append(got, fixture.Finding{File: d.Pos.File, Line: d.Pos.Line, Text: d.Severity.String() + ": " + d.Message + " [" + d.Rule + "]"})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].String() < got[j].String() })
	fixture.Check(t, repo, filepath.Join(repo, ".want-extra"), got)
	return rep.Diagnostics
}
