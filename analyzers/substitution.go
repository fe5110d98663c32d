package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Substitution reports postBuild substitution failures.
var Substitution = analysis.ProblemRule(render.Substitution, doc("substitution"))
