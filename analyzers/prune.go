package analyzers

import "github.com/fluxlint/fluxlint/internal/flux"

// Prune reports Flux Kustomizations that do not prune.
var Prune = &Analyzer{
	Name:     "prune",
	Summary:  "a Flux Kustomization does not set prune: true",
	Severity: Warning,
	Doc: "Without `prune: true`, an object deleted from Git stays in the cluster: resources pile up with\n" +
		"nothing in Git to explain them, and renaming an object leaves the old one running. The v1 API\n" +
		"requires the field, so a Kustomization that does not set it at all fails to apply (an error).\n\n" +
		"The rendered value counts: a parent that patches `prune: true` into its children fixes them.\n" +
		"AKS fluxConfiguration kustomizations (`--kustomization ... prune=true`) default to false and are\n" +
		"checked too.\n\nBad:\n\n```yaml\nspec:\n  prune: false\n```\n\nGood:\n\n```yaml\nspec:\n  prune: true\n```\n\n" +
		"To keep a single object when it leaves Git, annotate it `kustomize.toolkit.fluxcd.io/prune: disabled`.",
	Run: runPrune,
}

func runPrune(p *Pass) {
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) {
			continue
		}
		switch v := o.String("spec", "prune"); v {
		case "true":
		case "":
			p.Report(Diagnostic{Pos: o.FieldPos("spec", "prune"), Object: o, Severity: Error,
				Message: o.ID() + " does not set spec.prune: the Kustomization API requires it, and objects removed from Git would stay in the cluster"})
		default:
			p.ReportValue(o, []string{"spec", "prune"}, "%s has prune: %s: objects removed from Git stay in the cluster", o.ID(), v)
		}
	}
}
