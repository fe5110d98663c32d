package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// DuplicateKustomization reports a Kustomization produced twice.
var DuplicateKustomization = analysis.ProblemRule(render.DuplicateKustomization, doc("duplicate-kustomization"))
