package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// AppliedTwice reports objects that two Flux Kustomizations apply.
var AppliedTwice = &analysis.Analyzer{
	Name:     "applied-twice",
	Doc:      doc("applied-twice"),
	Severity: analysis.Warning,
	Run:      runAppliedTwice,
}

func runAppliedTwice(p *analysis.Pass) {
	type key struct {
		root     *render.Kustomization
		identity string
	}
	first := map[key]*render.Object{}
	for _, o := range p.Objects() {
		k := o.AppliedBy
		// A Flux Kustomization produced twice is duplicate-kustomization's.
		if k == nil || flux.IsKustomization(o.APIVersion, o.Kind) || reconcileDisabled(o) || !tenancyOn(p, o) {
			continue
		}
		// Objects of different entry points are applied to different
		// clusters (clusters/staging, clusters/production).
		id := key{k.Root(), o.Identity()}
		prev := first[id]
		if prev == nil {
			first[id] = o
			continue
		}
		if prev.AppliedBy == k {
			continue
		}
		d := analysis.Diagnostic{Pos: o.Pos(), Object: o,
			Message: o.ID() + " is applied by Kustomization " + k.Key() + " and by " + prev.AppliedBy.Key() +
				": each apply takes it over from the other, and pruning either deletes it; only one may own it"}
		if pos := prev.Pos(); pos.IsValid() {
			d.Related = []analysis.Related{{Pos: pos, Message: "applied by " + prev.AppliedBy.Key() + " from here"}}
		}
		p.Report(d)
	}
}
