package flux

import (
	"reflect"
	"strings"
	"testing"
)

// Every key spelling az k8s-configuration flux create --kustomization
// accepts sets the field it sets there.
func TestAKSKustomizationSpellings(t *testing.T) {
	base := AKSKustomization{Name: "apps", Path: "./", Wait: true, Interval: "10m", Timeout: "10m", RetryInterval: "10m"}
	for _, c := range []struct {
		in   string
		edit func(*AKSKustomization)
	}{
		{"path=./apps", func(e *AKSKustomization) { e.Path = "./apps" }},
		{"prune=true", func(e *AKSKustomization) { e.Prune = true }},
		{"force=true", func(e *AKSKustomization) { e.Force = true }},
		{"timeout=5m", func(e *AKSKustomization) { e.Timeout = "5m" }},
		{"dependencies=infra", func(e *AKSKustomization) { e.DependsOn = []string{"infra"} }},
		{"depends_on=infra,crds", func(e *AKSKustomization) { e.DependsOn = []string{"infra", "crds"} }},
		{`dependsOn=["infra"]`, func(e *AKSKustomization) { e.DependsOn = []string{"infra"} }},
		{"depends=infra", func(e *AKSKustomization) { e.DependsOn = []string{"infra"} }},
		{"interval=1m", func(e *AKSKustomization) { e.Interval = "1m" }},
		{"sync_interval=2m", func(e *AKSKustomization) { e.Interval = "2m" }},
		{"syncInterval=3m", func(e *AKSKustomization) { e.Interval = "3m" }},
		{"retryInterval=4m", func(e *AKSKustomization) { e.RetryInterval = "4m" }},
		{"retry_interval=5m", func(e *AKSKustomization) { e.RetryInterval = "5m" }},
		{"disable-health-check=true", func(e *AKSKustomization) { e.Wait = false }},
		{"disable-health-check=false", func(e *AKSKustomization) {}},
		{"validation=client", func(e *AKSKustomization) {
			e.Warnings = []string{"validation=client has no effect: the fluxConfiguration model has no validation field, and Flux's v1 Kustomization none either"}
		}},
	} {
		got, err := ParseAKSKustomization("name=apps " + c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		want := base
		c.edit(&want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.in, got, want)
		}
	}
	for _, bad := range []string{"name=apps wait=false", "name=apps disable_health_check=true", "name=apps colour=blue"} {
		_, err := ParseAKSKustomization(bad)
		if err == nil || !strings.Contains(err.Error(), "unknown key") || !strings.Contains(err.Error(), "disable-health-check") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if _, err := ParseAKSKustomization("path=./apps"); err == nil {
		t.Error("a kustomization without a name")
	}
}
