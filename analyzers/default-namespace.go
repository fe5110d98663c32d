package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
)

// DefaultNamespace reports objects applied into the default namespace.
var DefaultNamespace = &analysis.Analyzer{
	Name:     "default-namespace",
	Doc:      doc("default-namespace"),
	Severity: analysis.Warning,
	Run:      runDefaultNamespace,
}

func runDefaultNamespace(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if o.Namespace != "default" || o.Synthetic || reconcileDisabled(o) || !tenancyOn(p, o) {
			continue
		}
		p.ReportValue(o, []string{"metadata", "namespace"},
			"%s is in the default namespace, which belongs to no tenant: every tenant's account that may read or write there reaches it; give it a namespace of its own", o.ID())
	}
}
