package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// LimitExceeded reports builds that would cost more than a limit allows.
var LimitExceeded = analysis.ProblemRule(render.LimitExceeded, doc("limit-exceeded"))
