package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// AKSApplier is the service account the microsoft.flux extension creates in
// the configuration namespace and impersonates; it is not in Git.
const AKSApplier = "flux-applier"

// ConfigNamespace reports what breaks under AKS multi-tenancy, where the
// only service account Flux may impersonate lives in the configuration
// namespace.
var ConfigNamespace = &Analyzer{
	Name:     "config-namespace",
	Summary:  "a Flux object is outside the AKS configuration namespace, or cannot work inside it",
	Severity: Error,
	Doc: "On AKS and Azure Arc, the `microsoft.flux` extension applies a fluxConfiguration by impersonating\n" +
		"the `flux-applier` service account, which exists only in the configuration namespace. A Flux\n" +
		"object anywhere else has no account to run as, and its references cross namespaces. This rule\n" +
		"runs when the configuration namespace is known (`--config-namespace` or `configNamespace:` in\n" +
		".fluxlint.yaml) and reports:\n\n" +
		"- a Flux object (Kustomization, HelmRelease, a source, an image or notification object) outside\n" +
		"  the configuration namespace;\n" +
		"- a HelmRelease in the configuration namespace without `spec.targetNamespace`, whose workloads\n" +
		"  would be installed into the configuration namespace itself (a warning);\n" +
		"- a `spec.serviceAccountName` that names no ServiceAccount of the configuration namespace\n" +
		"  (`flux-applier`, which the extension creates, always exists).\n\n" +
		"Bad:\n\n```yaml\nkind: HelmRelease\nmetadata:\n  name: nginx\n  namespace: nginx\n```\n\n" +
		"Good:\n\n```yaml\nkind: HelmRelease\nmetadata:\n  name: nginx\n  namespace: cluster-config\nspec:\n  targetNamespace: nginx\n```\n\n" +
		"`fluxlint migrate` moves HelmReleases and their sources this way without reinstalling them.",
	Run: runConfigNamespace,
}

func runConfigNamespace(p *Pass) {
	ns := p.Options.ConfigNamespace
	if ns == "" {
		return
	}
	accounts := map[string]bool{AKSApplier: true}
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
		if isHR && o.String("spec", "targetNamespace") == "" {
			p.Report(Diagnostic{Pos: o.FieldPos("spec", "targetNamespace"), Object: o, Severity: Warning,
				Message: o.ID() + " has no spec.targetNamespace: its workloads would be installed into the configuration namespace " + ns})
		}
		if sa := o.String("spec", "serviceAccountName"); sa != "" && (isHR || flux.IsKustomization(o.APIVersion, o.Kind)) && !accounts[sa] {
			reportAccount(p, o, sa, ns)
		}
	}
}

func reportAccount(p *Pass, o *render.Object, sa, ns string) {
	p.ReportValue(o, []string{"spec", "serviceAccountName"},
		"%s impersonates service account %s, which does not exist in %s (only %s does, unless the repository creates another)", o.ID(), sa, ns, AKSApplier)
}
