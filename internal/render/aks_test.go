package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// An AKS kustomization becomes the Flux Kustomization Azure creates, each
// key in its field.
func TestAKSEntryFields(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "apps"), 0o755)
	os.WriteFile(filepath.Join(dir, "apps", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n"), 0o644)
	e, err := flux.ParseAKSKustomization("name=apps path=./apps prune=true force=true timeout=5m sync_interval=2m retry_interval=1m depends=infra disable-health-check=true")
	if err != nil {
		t.Fatal(err)
	}
	e.Substitute = map[string]string{"cluster_env": "staging"}
	e.SubstituteFrom = []flux.AKSSubstituteFrom{{Kind: "ConfigMap", Name: "vars", Optional: true}}
	res, err := Render(Options{Dir: dir, Entries: []flux.AKSKustomization{e}, ConfigNamespace: "cluster-config", ConfigName: "fleet"})
	if err != nil {
		t.Fatal(err)
	}
	k := res.Roots[0]
	o := k.Object
	for path, want := range map[string]string{
		"metadata.name": "fleet-apps", "metadata.namespace": "cluster-config", "spec.path": "./apps", "spec.prune": "true",
		"spec.force": "true", "spec.timeout": "5m", "spec.interval": "2m", "spec.retryInterval": "1m", "spec.wait": "false",
		"spec.dependsOn.0.name": "fleet-infra", "spec.sourceRef.name": "fleet", "spec.postBuild.substitute.cluster_env": "staging",
		"spec.postBuild.substituteFrom.0.name": "vars", "spec.postBuild.substituteFrom.0.optional": "true",
	} {
		if got := o.Scalar(splitDots(path)...); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
