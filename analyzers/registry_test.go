package analyzers_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
)

func TestRulesAreWellFormed(t *testing.T) {
	if err := analyzers.Validate(analyzers.All); err != nil {
		t.Fatal(err)
	}
}

// Every rule that looks at objects has fixtures (render rules are covered
// by the render fixtures of testdata/render).
func TestEveryRuleHasFixtures(t *testing.T) {
	for _, a := range analyzers.All {
		if a.Render {
			continue
		}
		if _, err := os.Stat(filepath.Join("..", "testdata", "analyzers", a.Name)); err != nil {
			t.Errorf("rule %s has no fixtures under testdata/analyzers/%s", a.Name, a.Name)
		}
	}
}

func TestRulesDocIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	analyzers.WriteMarkdown(&buf, analyzers.All)
	have, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Fatal("docs/rules.md is stale: run make generate")
	}
}
