package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// PathNotFound reports a Kustomization whose spec.path does not exist.
var PathNotFound = analysis.ProblemRule(render.PathNotFound, doc("path-not-found"))
