package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// DependencyNotFound reports dependsOn entries that name nothing the
// repository renders.
var DependencyNotFound = &analysis.Analyzer{
	Name:     "dependency-not-found",
	Doc:      doc("dependency-not-found"),
	Severity: analysis.Warning,
	Run:      runDependencyNotFound,
}

func runDependencyNotFound(p *analysis.Pass) {
	// What the repository defines, by kind and namespace/name. The entry
	// points of one cluster are often rendered as separate trees (a
	// placeholder gotk-sync.yaml, AKS entries), so the lookup spans them
	// all: a dependency that some tree defines is not reported.
	defined := map[string]bool{}
	for _, o := range p.Objects() {
		defined[o.Kind+"/"+o.Namespace+"/"+o.Name] = true
	}
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) && !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		for _, r := range flux.ReferencesOf(flux.References(o.Node.YNode()), flux.RoleDependency) {
			if defined[r.Key()] {
				continue
			}
			p.ReportValue(o, r.NamePath(),
				"%s depends on %s %s/%s, which the repository does not define: it would wait for it forever", o.ID(), r.Kind, r.Namespace, r.Name)
		}
	}
}
