package schema

import "strings"

// rules checks the CRDs' x-kubernetes-validations (CEL rules) that a
// repository can break by itself. fluxlint carries no CEL interpreter (it
// would add cel-go and the API server's libraries for a handful of rules),
// so the rules that matter are written out here; each names its CRD rule.
func rules(apiVersion, kind string, v any) []Violation {
	spec, _ := field(v, "spec").(map[string]any)
	if spec == nil {
		return nil
	}
	group, _, _ := strings.Cut(apiVersion, "/")
	var out []Violation
	switch {
	case group == "helm.toolkit.fluxcd.io" && kind == "HelmRelease":
		// (has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))
		_, chart := spec["chart"]
		_, chartRef := spec["chartRef"]
		if chart == chartRef {
			out = append(out, Violation{Path: []string{"spec"}, Problem: Invalid,
				Message: "either chart or chartRef must be set (and not both)"})
		}
	}
	if group == "helm.toolkit.fluxcd.io" || group == "kustomize.toolkit.fluxcd.io" {
		// has(self.configMapRef) || has(self.secretRef), and not both
		if kc, ok := spec["kubeConfig"].(map[string]any); ok {
			_, cm := kc["configMapRef"]
			_, sec := kc["secretRef"]
			if cm == sec {
				out = append(out, Violation{Path: []string{"spec", "kubeConfig"}, Problem: Invalid,
					Message: "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified"})
			}
		}
	}
	return out
}

func field(v any, name string) any {
	if m, ok := v.(map[string]any); ok {
		return m[name]
	}
	return nil
}
