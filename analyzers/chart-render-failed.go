package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// ChartRenderFailed reports a HelmRelease whose chart does not render.
var ChartRenderFailed = analysis.ProblemRule(render.ChartRenderFailed, doc("chart-render-failed"))
