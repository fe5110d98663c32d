package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// SourceNotMapped reports a Kustomization whose source is not this repository.
var SourceNotMapped = analysis.ProblemRule(render.SourceNotMapped, doc("source-not-mapped"))
