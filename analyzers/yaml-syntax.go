package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// YAMLSyntax reports YAML files that a build needs and that do not parse.
var YAMLSyntax = analysis.ProblemRule(render.YAMLSyntax, doc("yaml-syntax"))
