package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// RemoteResource reports remote bases and files, which are never fetched.
var RemoteResource = analysis.ProblemRule(render.RemoteResource, doc("remote-resource"))
