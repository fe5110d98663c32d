package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// MissingServiceAccount reports tenant Kustomizations and HelmReleases that
// run with the controller's own rights.
var MissingServiceAccount = &analysis.Analyzer{
	Name:     "missing-service-account",
	Doc:      doc("missing-service-account"),
	Severity: analysis.Warning,
	Run:      runMissingServiceAccount,
}

func runMissingServiceAccount(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) && !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		if o.Synthetic || o.Namespace == "" || o.Scalar("spec", "serviceAccountName") != "" || !tenancyOn(p, o) {
			continue
		}
		fluxNS := fluxNamespace(p, o)
		if fluxNS == "" || o.Namespace == fluxNS {
			continue
		}
		sa := p.Profile(o).DefaultServiceAccount
		if sa.V != "" {
			continue // it impersonates the default account in its own namespace
		}
		seen := ""
		if sa.From.Default == "" {
			seen = " (" + sa.From.String() + ")"
		}
		p.ReportField(o, []string{"spec", "serviceAccountName"},
			"%s is in the tenant namespace %s but sets no spec.serviceAccountName, and the installation sets no --default-service-account%s: it applies with the controller's own cluster-wide rights",
			o.ID(), o.Namespace, seen)
	}
}
