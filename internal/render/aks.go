package render

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// entryRoots synthesises what Azure creates for the entries: the
// GitRepository and one Kustomization per entry.
func (r *renderer) entryRoots() ([]*Kustomization, []*Object, error) {
	ns, cfg := r.opts.ConfigNamespace, r.opts.ConfigName
	at := r.opts.Entries[0].At
	gitRepo := fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: %s
  namespace: %s
  labels:
    clusterconfig.azure.com/is-managed: "true"
spec:
  interval: 10m
  url: file:///fluxlint/this-repository
`, cfg, ns)
	n, err := yaml.Parse(gitRepo)
	if err != nil {
		return nil, nil, err
	}
	objs := []*Object{{Node: n, APIVersion: "source.toolkit.fluxcd.io/v1", Kind: flux.KindGitRepository, Namespace: ns, Name: cfg, Synthetic: true, At: at}}
	var roots []*Kustomization
	seen := map[string]bool{}
	for _, e := range r.opts.Entries {
		if seen[e.Name] {
			return nil, nil, fmt.Errorf("kustomization %q is given twice", e.Name)
		}
		seen[e.Name] = true
		n, err := yaml.Parse(entryYAML(e, ns, cfg))
		if err != nil {
			return nil, nil, err
		}
		obj := &Object{Node: n, APIVersion: flux.KustomizeGroup + "/v1", Kind: flux.KindKustomization, Namespace: ns, Name: cfg + "-" + e.Name, Synthetic: true, At: e.At}
		k, err := r.newKustomization(obj, nil)
		if err != nil {
			return nil, nil, err
		}
		roots = append(roots, k)
	}
	return roots, objs, nil
}

func entryYAML(e flux.AKSKustomization, ns, cfg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: %s\n  namespace: %s\n", strconv.Quote(cfg+"-"+e.Name), ns)
	b.WriteString("  labels:\n    clusterconfig.azure.com/is-managed: \"true\"\nspec:\n")
	fmt.Fprintf(&b, "  interval: %s\n  timeout: %s\n  retryInterval: %s\n", e.Interval, e.Timeout, e.RetryInterval)
	fmt.Fprintf(&b, "  path: %s\n  prune: %t\n  wait: %t\n  force: %t\n", strconv.Quote(e.Path), e.Prune, e.Wait, e.Force)
	fmt.Fprintf(&b, "  sourceRef:\n    kind: GitRepository\n    name: %s\n    namespace: %s\n", cfg, ns)
	if len(e.DependsOn) > 0 {
		b.WriteString("  dependsOn:\n")
		for _, d := range e.DependsOn {
			fmt.Fprintf(&b, "  - name: %s\n", strconv.Quote(cfg+"-"+d))
		}
	}
	if len(e.Substitute) > 0 || len(e.SubstituteFrom) > 0 {
		b.WriteString("  postBuild:\n")
		if len(e.Substitute) > 0 {
			b.WriteString("    substitute:\n")
			for _, k := range slices.Sorted(maps.Keys(e.Substitute)) {
				fmt.Fprintf(&b, "      %s: %s\n", strconv.Quote(k), strconv.Quote(e.Substitute[k]))
			}
		}
		if len(e.SubstituteFrom) > 0 {
			b.WriteString("    substituteFrom:\n")
			for _, f := range e.SubstituteFrom {
				fmt.Fprintf(&b, "    - kind: %s\n      name: %s\n      optional: %t\n", strconv.Quote(f.Kind), strconv.Quote(f.Name), f.Optional)
			}
		}
	}
	fmt.Fprintf(&b, `  patches:
  - patch: |
      - op: add
        path: /spec/chart/spec/sourceRef
        value: {"kind": "GitRepository", "name": %q, "namespace": %q}
    target:
      group: helm.toolkit.fluxcd.io
      kind: HelmRelease
      annotationSelector: %s=true
`, cfg, ns, flux.ManagedSourceAnnotation)
	return b.String()
}
