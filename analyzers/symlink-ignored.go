package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// SymlinkIgnored reports symbolic links in rendered directories.
var SymlinkIgnored = analysis.ProblemRule(render.SymlinkIgnored, doc("symlink-ignored"))
