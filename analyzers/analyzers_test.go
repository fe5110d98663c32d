package analyzers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/analysis/analysistest"
)

// TestFixtures runs every case of testdata/analyzers/<rule>/<case>/.
func TestFixtures(t *testing.T) {
	analysistest.RunAll(t, filepath.Join("..", "testdata", "analyzers"), analyzers.All)
}

func TestRulesAreWellFormed(t *testing.T) {
	if err := analysis.Validate(analyzers.All); err != nil {
		t.Fatal(err)
	}
}

// Every rule has its documentation beside it, and every documentation file
// belongs to a rule.
func TestEveryRuleHasItsFiles(t *testing.T) {
	mds, _ := filepath.Glob("*.md")
	for _, md := range mds {
		if analysis.ByName(analyzers.All, strings.TrimSuffix(md, ".md")) == nil {
			t.Errorf("%s documents no rule of All", md)
		}
	}
	for _, a := range analyzers.All {
		for _, f := range []string{a.Name + ".go", a.Name + ".md"} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("rule %s: %v", a.Name, err)
			}
		}
	}
}
