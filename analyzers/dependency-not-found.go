package analyzers

import (
	"strconv"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// DependencyNotFound reports dependsOn entries that name nothing the
// repository renders.
var DependencyNotFound = &Analyzer{
	Name:     "dependency-not-found",
	Summary:  "dependsOn names a Kustomization or HelmRelease that the repository does not define",
	Severity: Warning,
	Doc: "A Flux Kustomization (or HelmRelease) waits for every object in its `dependsOn` to be ready. If\n" +
		"none by that name exists, it waits forever with `dependency ... not found`. The name is looked\n" +
		"up among all the objects rendered from the repository; `namespace` defaults to the object's own.\n\n" +
		"Bad:\n\n```yaml\nspec:\n  dependsOn:\n    - name: infra-controlers   # typo\n```",
	Run: runDependencyNotFound,
}

func runDependencyNotFound(p *Pass) {
	// What the repository defines, by kind and namespace/name. The entry
	// points of one cluster are often rendered as separate trees (a
	// placeholder gotk-sync.yaml, AKS entries), so the lookup spans them
	// all: a dependency that some tree defines is not reported.
	defined := map[string]bool{}
	for _, o := range p.Objects() {
		defined[o.Kind+" "+o.Namespace+"/"+o.Name] = true
	}
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) && !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		list := o.Lookup("spec", "dependsOn")
		if list == nil {
			continue
		}
		for i := range list.Content {
			idx := strconv.Itoa(i)
			name := o.String("spec", "dependsOn", idx, "name")
			ns := o.String("spec", "dependsOn", idx, "namespace")
			if ns == "" {
				ns = o.Namespace
			}
			if name == "" || defined[o.Kind+" "+ns+"/"+name] {
				continue
			}
			p.ReportValue(o, []string{"spec", "dependsOn", idx, "name"},
				"%s depends on %s %s/%s, which the repository does not define: it would wait for it forever", o.ID(), o.Kind, ns, name)
		}
	}
}
