package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// ConfigNamespace reports what breaks under AKS multi-tenancy, where the
// only service account Flux may impersonate lives in the configuration
// namespace.
var ConfigNamespace = &analysis.Analyzer{
	Name:     "config-namespace",
	Doc:      doc("config-namespace"),
	Severity: analysis.Error,
	Run:      runConfigNamespace,
}

func runConfigNamespace(p *analysis.Pass) {
	ns := p.ConfigNamespace()
	if ns == "" {
		return
	}
	accounts := map[string]bool{flux.AKSApplier: true}
	for _, o := range p.Objects() {
		if o.APIVersion == "v1" && o.Kind == "ServiceAccount" && o.Namespace == ns {
			accounts[o.Name] = true
		}
	}
	for _, o := range p.Objects() {
		if !flux.IsFlux(o.APIVersion) || o.Namespace == "" {
			continue
		}
		if o.Namespace != ns {
			p.ReportField(o, []string{"metadata", "namespace"},
				"%s is outside the configuration namespace %s: the flux-applier service account Flux impersonates exists only there", o.ID(), ns)
			continue
		}
		isHR := flux.IsHelmRelease(o.APIVersion, o.Kind)
		if isHR && o.Scalar("spec", "targetNamespace") == "" {
			p.Report(analysis.Diagnostic{Pos: o.FieldPos("spec", "targetNamespace"), Object: o, Severity: analysis.Warning,
				Message: o.ID() + " has no spec.targetNamespace: its workloads would be installed into the configuration namespace " + ns})
		}
		if sa := o.Scalar("spec", "serviceAccountName"); sa != "" && (isHR || flux.IsKustomization(o.APIVersion, o.Kind)) && !accounts[sa] {
			reportAccount(p, o, sa, ns)
		}
	}
}

func reportAccount(p *analysis.Pass, o *render.Object, sa, ns string) {
	p.ReportValue(o, []string{"spec", "serviceAccountName"},
		"%s impersonates service account %s, which does not exist in %s (only %s does, unless the repository creates another)", o.ID(), sa, ns, flux.AKSApplier)
}
