package analyzers

import (
	"strconv"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// DependencyNotFound reports dependsOn entries that name nothing the
// repository renders.
var DependencyNotFound = &Analyzer{
	Name:     "dependency-not-found",
	Summary:  "dependsOn names a Kustomization or HelmRelease that the repository does not define",
	Severity: Warning,
	Doc: "A Flux Kustomization (or HelmRelease) waits for every object in its `dependsOn` to be ready. If\n" +
		"none by that name exists, it waits forever with `dependency ... not found`. The name is looked\n" +
		"up among the objects rendered from the same entry point (from any AKS entry point of the\n" +
		"configuration); `namespace` defaults to the object's own.\n\n" +
		"Bad:\n\n```yaml\nspec:\n  dependsOn:\n    - name: infra-controlers   # typo\n```",
	Run: runDependencyNotFound,
}

func runDependencyNotFound(p *Pass) {
	// What each entry point's tree defines, by kind and namespace/name.
	// The AKS entries of one fluxConfiguration share one cluster; roots found
	// in the repository may stand for different clusters, so each has its
	// own tree.
	defined := map[*render.Kustomization]map[string]bool{}
	treeOf := func(o *render.Object) *render.Kustomization {
		if !p.Result.AutoDetected {
			return nil
		}
		if o.AppliedBy != nil {
			return o.AppliedBy.Root()
		}
		for _, r := range p.Result.Roots {
			if r.Object == o {
				return r
			}
		}
		return nil
	}
	for _, o := range p.Objects() {
		t := treeOf(o)
		if defined[t] == nil {
			defined[t] = map[string]bool{}
		}
		defined[t][o.Kind+" "+o.Namespace+"/"+o.Name] = true
	}
	for _, o := range p.Objects() {
		if !flux.IsKustomization(o.APIVersion, o.Kind) && !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		list := o.Lookup("spec", "dependsOn")
		if list == nil {
			continue
		}
		t := treeOf(o)
		for i := range list.Content {
			idx := strconv.Itoa(i)
			name := o.String("spec", "dependsOn", idx, "name")
			ns := o.String("spec", "dependsOn", idx, "namespace")
			if ns == "" {
				ns = o.Namespace
			}
			if name == "" || defined[t][o.Kind+" "+ns+"/"+name] {
				continue
			}
			p.ReportValue(o, []string{"spec", "dependsOn", idx, "name"},
				"%s depends on %s %s/%s, which the repository does not define: it would wait for it forever", o.ID(), o.Kind, ns, name)
		}
	}
}
