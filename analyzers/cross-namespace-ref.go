package analyzers

import (
	"fmt"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// CrossNamespaceRef reports every reference that Flux's multi-tenancy
// lockdown (--no-cross-namespace-refs, on by default on AKS) rejects.
var CrossNamespaceRef = &analysis.Analyzer{
	Name:     "cross-namespace-ref",
	Doc:      doc("cross-namespace-ref"),
	Severity: analysis.Error,
	Run:      runCrossNamespaceRef,
}

func runCrossNamespaceRef(p *analysis.Pass) {
	defined := map[string]*render.Object{}
	for _, o := range p.Objects() {
		if _, dup := defined[o.Kind+"/"+o.Namespace+"/"+o.Name]; !dup {
			defined[o.Kind+"/"+o.Namespace+"/"+o.Name] = o
		}
	}
	for _, o := range p.Objects() {
		if o.Namespace == "" || !flux.IsFlux(o.APIVersion) {
			continue
		}
		for _, r := range flux.References(o.Node.YNode()) {
			if !r.Field.Lockdown || !r.NamespaceWritten || r.Namespace == o.Namespace {
				continue
			}
			kind := r.Kind
			if kind == "" {
				kind = "object"
			}
			d := analysis.Diagnostic{Pos: o.ValuePos(r.NamespacePath()...), Object: o,
				Message: fmt.Sprintf("%s refers to %s in another namespace than its own (%s); multi-tenancy lockdown refuses cross-namespace references",
					o.ID(), kind+" "+r.Namespace+"/"+r.Name, o.Namespace)}
			if lock := p.Profile(o).Lockdown; !lock.V {
				// Legal here; refused once lockdown is turned on.
				d.Severity = analysis.Info
				d.Message += " (lockdown is off here: " + lock.From.String() + "; this is refused once it is on)"
			}
			if t := defined[r.Key()]; t != nil && t.Pos().IsValid() {
				d.Related = []analysis.Related{{Pos: t.Pos(), Message: t.ID() + " is defined here"}}
			}
			p.Report(d)
		}
	}
}
