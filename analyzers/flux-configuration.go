package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// FluxConfiguration reports AKS fluxConfigurations written as code that
// fluxlint cannot read as written.
var FluxConfiguration = analysis.ProblemRule(render.FluxConfiguration, doc("flux-configuration"))
