package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// DependencyCycle reports dependsOn cycles and self-producing trees.
var DependencyCycle = analysis.ProblemRule(render.DependencyCycle, doc("dependency-cycle"))
