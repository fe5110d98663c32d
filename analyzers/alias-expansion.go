package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// AliasExpansion reports YAML documents whose aliases expand too far.
var AliasExpansion = analysis.ProblemRule(render.AliasExpansion, doc("alias-expansion"))
