package analyzers

import (
	"fmt"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Prune reports Flux Kustomizations that do not prune.
var Prune = &analysis.Analyzer{
	Name:     "prune",
	Doc:      doc("prune"),
	Severity: analysis.Warning,
	Run:      runPrune,
}

func runPrune(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) {
			continue
		}
		switch v := o.Scalar("spec", "prune"); v {
		case "true":
		case "":
			p.Report(analysis.Diagnostic{Pos: o.FieldPos("spec", "prune"), Object: o, Severity: analysis.Error, Fixes: setPrune(o, v),
				Message: o.ID() + " does not set spec.prune: the Kustomization API requires it, and objects removed from Git would stay in the cluster"})
		default:
			p.Report(analysis.Diagnostic{Pos: o.ValuePos("spec", "prune"), Object: o, Fixes: setPrune(o, v),
				Message: fmt.Sprintf("%s has prune: %s: objects removed from Git stay in the cluster", o.ID(), v)})
		}
	}
}

// setPrune sets prune: true in the object's own file, when that file is
// what gives it its current value (not a patch).
func setPrune(o *render.Object, rendered string) []analysis.SuggestedFix {
	if o.Doc == nil || o.Doc.StringAt("spec", "prune") != rendered {
		return nil
	}
	return []analysis.SuggestedFix{{Message: "set prune: true", Edits: []analysis.FileEdit{{File: o.Doc.File.Name(),
		Edit: rewrite.Edit{Doc: o.Doc.Index, Path: []string{"spec", "prune"}, Value: "true", Raw: true, After: []string{"path", "interval"}}}}}}
}
