package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// HelmRepositoryOCI reports HelmRepositories of type oci, which Flux
// keeps only for compatibility.
var HelmRepositoryOCI = &analysis.Analyzer{
	Name:     "helm-repository-oci",
	Doc:      doc("helm-repository-oci"),
	Severity: analysis.Info,
	Run:      runHelmRepositoryOCI,
}

func runHelmRepositoryOCI(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if o.Group() != flux.SourceGroup || o.Kind != flux.KindHelmRepository || o.Scalar("spec", "type") != "oci" {
			continue
		}
		p.ReportValue(o, []string{"spec", "type"},
			"%s is a HelmRepository of type oci, the legacy way to pull OCI charts: use an OCIRepository and the HelmRelease's chartRef, which pin digests and verify signatures", o.ID())
	}
}
