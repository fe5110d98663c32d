package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// InvalidObject reports objects Flux would refuse to apply.
var InvalidObject = analysis.ProblemRule(render.InvalidObject, doc("invalid-object"))
