package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// UnverifiedSource reports OCIRepositories whose signature Flux does not
// verify.
var UnverifiedSource = &analysis.Analyzer{
	Name:     "unverified-source",
	Doc:      doc("unverified-source"),
	Severity: analysis.Info,
	Run:      runUnverifiedSource,
}

func runUnverifiedSource(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if o.Group() != flux.SourceGroup || o.Kind != flux.KindOCIRepository || o.Has("spec", "verify") {
			continue
		}
		p.ReportField(o, []string{"spec", "url"},
			"%s has no spec.verify: Flux applies whatever the registry serves under %s without checking who signed it", o.ID(), o.Scalar("spec", "url"))
	}
}
