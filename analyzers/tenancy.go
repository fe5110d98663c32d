package analyzers

import (
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/render"
)

// tenancyOn reports whether a tenancy rule judges an object: on an
// installation with multi-tenancy lockdown or on AKS, where tenants share
// the cluster; elsewhere only when the configuration sets the rule's
// severity (rules: {default-namespace: warning}). "lockdown: true" in
// .fluxlint.yaml turns them all on; "off" turns one off.
func tenancyOn(p *analysis.Pass, o *render.Object) bool {
	if p.Forced() {
		return true
	}
	prof := p.Profile(o)
	return prof.Lockdown.V || prof.AKS()
}

// fluxNamespace is the namespace Flux itself runs from for an object: its
// entry point's namespace (flux-system after flux bootstrap, the
// FluxInstance's, the AKS configuration namespace). Every other namespace
// is a tenant's.
func fluxNamespace(p *analysis.Pass, o *render.Object) string {
	if ns := p.Profile(o).ConfigNamespace; ns != "" {
		return ns
	}
	if o.AppliedBy != nil {
		return o.AppliedBy.Root().Namespace
	}
	for _, root := range p.Result.Roots {
		if root.Object == o {
			return root.Namespace
		}
	}
	return ""
}

// reconcileDisabled reports whether kustomize-controller leaves an object
// out of the apply: the label or annotation
// kustomize.toolkit.fluxcd.io/reconcile: disabled (flux-semantics §7).
func reconcileDisabled(o *render.Object) bool {
	const key = "kustomize.toolkit.fluxcd.io/reconcile"
	return strings.EqualFold(o.Node.GetAnnotations()[key], "disabled") || strings.EqualFold(o.Node.GetLabels()[key], "disabled")
}
