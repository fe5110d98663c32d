package render

import (
	"testing"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
)

// No group of the Kubernetes schema counts as a custom resource's.
func TestCustomGroups(t *testing.T) {
	defs, err := kubeschema.Definitions()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]bool{"kustomize.config.k8s.io": true} // kyaml's own schema
	for _, d := range defs {
		gvks, _ := d.Extensions["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			if m, ok := g.(map[string]any); ok {
				group, _ := m["group"].(string)
				groups[group] = true
			}
		}
	}
	if len(groups) < 20 {
		t.Fatalf("only %d groups found in the schema: %v", len(groups), groups)
	}
	for g := range groups {
		if customGroup(g) {
			t.Errorf("%q is a group of the Kubernetes schema, taken for a custom resource's", g)
		}
	}
	for _, g := range []string{"helm.toolkit.fluxcd.io", "cert-manager.io", "monitoring.coreos.com"} {
		if !customGroup(g) {
			t.Errorf("%q is not taken for a custom resource's group", g)
		}
	}
}

func TestKustomizationNeed(t *testing.T) {
	smp := func(apiVersion, kind string) string {
		return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: x\nspec:\n  interval: 1h\n"
	}
	for _, c := range []struct {
		name string
		m    map[string]any
		want schemaNeed
	}{
		{"nothing", map[string]any{"resources": []any{"a.yaml"}}, schemaNone},
		{"JSON 6902", map[string]any{"patches": []any{map[string]any{"patch": "- op: replace\n  path: /spec/replicas\n  value: 2\n", "target": map[string]any{"kind": "Deployment"}}}}, schemaNone},
		{"custom target group", map[string]any{"patches": []any{map[string]any{"patch": smp("helm.toolkit.fluxcd.io/v2", "HelmRelease"), "target": map[string]any{"group": "helm.toolkit.fluxcd.io", "kind": "HelmRelease"}}}}, schemaBare},
		{"custom apiVersion, no target", map[string]any{"patches": []any{map[string]any{"patch": smp("helm.toolkit.fluxcd.io/v2", "HelmRelease")}}}, schemaBare},
		{"target by kind alone", map[string]any{"patches": []any{map[string]any{"patch": smp("helm.toolkit.fluxcd.io/v2", "HelmRelease"), "target": map[string]any{"kind": "HelmRelease"}}}}, schemaFull},
		{"Kubernetes type", map[string]any{"patches": []any{map[string]any{"patch": smp("apps/v1", "Deployment")}}}, schemaFull},
		{"core type", map[string]any{"patches": []any{map[string]any{"patch": smp("v1", "Service")}}}, schemaFull},
		{"a custom and a Kubernetes one", map[string]any{"patches": []any{
			map[string]any{"patch": smp("helm.toolkit.fluxcd.io/v2", "HelmRelease")},
			map[string]any{"patch": smp("apps/v1", "Deployment")}}}, schemaFull},
		{"patch file", map[string]any{"patches": []any{map[string]any{"path": "patch.yaml", "target": map[string]any{"group": "helm.toolkit.fluxcd.io"}}}}, schemaFull},
		{"patchesStrategicMerge", map[string]any{"patchesStrategicMerge": []any{"p.yaml"}}, schemaFull},
		{"transformers", map[string]any{"transformers": []any{"t.yaml"}}, schemaFull},
		{"malformed", map[string]any{"patches": "x"}, schemaFull},
	} {
		if got := kustomizationNeed(c.m); got != c.want {
			t.Errorf("%s: need %d, want %d", c.name, got, c.want)
		}
	}
}
