// Package analyzertest runs analyzers over fixture repositories and
// compares their findings with the "# want" comments written in the
// fixtures, in the style of golang.org/x/tools' analysistest.
//
// Each directory below testdata/analyzers/<rule>/ is one case: a small
// repository, with a .fluxlint.yaml when the case needs settings (the AKS
// configuration namespace, entry points). A comment
//
//	namespace: flux-system  # want "refers to HelmRepository"
//
// expects a finding on its line; the regular expression is matched against
// "severity: message [rule]". A case fails on a finding nobody wanted and
// on a want that nothing matched, and when the repository does not render
// (unless a render rule is under test).
package analyzertest

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/check"
	"github.com/fluxlint/fluxlint/internal/fixture"
	"github.com/fluxlint/fluxlint/internal/render"
)

// TestData returns the directory of a rule's fixtures.
func TestData(rule string) string {
	return filepath.Join("..", "testdata", "analyzers", rule)
}

// Run runs the analyzers over every case under dir.
func Run(t *testing.T, dir string, list ...*analyzers.Analyzer) {
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
		t.Run(e.Name(), func(t *testing.T) {
			RunCase(t, repo, list...)
		})
	}
	if cases == 0 {
		t.Fatalf("no cases under %s", dir)
	}
}

// RunCase runs the analyzers over one fixture repository.
func RunCase(t *testing.T, repo string, list ...*analyzers.Analyzer) []analyzers.Diagnostic {
	t.Helper()
	rep, err := check.Run(check.Options{Render: render.Options{Dir: repo}, Analyzers: list})
	if err != nil {
		t.Fatal(err)
	}
	testsRender := false
	for _, a := range list {
		testsRender = testsRender || a.Render
	}
	if !testsRender {
		for _, p := range rep.Result.Problems {
			if !p.Warning {
				t.Errorf("the fixture does not render: %s", p)
			}
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
