package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Unreferenced reports Flux Kustomizations that no entry point applies.
var Unreferenced = analysis.ProblemRule(render.Unreferenced, doc("unreferenced"))
