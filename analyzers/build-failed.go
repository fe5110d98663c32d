package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// BuildFailed reports a Kustomization kustomize cannot build.
var BuildFailed = analysis.ProblemRule(render.BuildFailed, doc("build-failed"))
