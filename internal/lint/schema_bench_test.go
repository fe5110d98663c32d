package lint_test

import (
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// BenchmarkSchemaRule is what the schema rule adds to a check of
// onedr0p/home-ops once the repository is rendered: its Run over every
// rendered object, schemas already loaded (the first check of a process
// also parses kyaml's OpenAPI document: see schema's TestFirstUse).
func BenchmarkSchemaRule(b *testing.B) {
	dir := filepath.Join(fixture.CorpusDir(b, 2), "onedr0p__home-ops")
	rep, err := lint.Run(lint.Options{Render: render.Options{Dir: dir}, Suite: analyzers.All})
	if err != nil {
		b.Fatal(err)
	}
	list := []*analysis.Analyzer{analyzers.Schema}
	cfg := analysis.Config{Suite: analyzers.All, Profiles: rep.Profiles}
	b.ResetTimer()
	for b.Loop() {
		analysis.Run(rep.Result, list, cfg)
	}
}
