package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// ChartNotAvailable reports a HelmRelease whose chart is not available
// offline, once per HelmRelease.
var ChartNotAvailable = analysis.ProblemRule(render.ChartNotAvailable, doc("chart-not-available"))
