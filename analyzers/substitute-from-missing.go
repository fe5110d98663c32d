package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// SubstituteFromMissing reports substituteFrom objects that are not in Git.
var SubstituteFromMissing = analysis.ProblemRule(render.SubstituteFromMissing, doc("substitute-from-missing"))
