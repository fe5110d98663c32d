package flux

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// References reads every reference of an object from the one table, with
// list indices filled in and namespaces defaulted to the holder's.
func TestReferences(t *testing.T) {
	n, err := yaml.Parse(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: apps
spec:
  chart:
    spec:
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  dependsOn:
    - name: db
    - name: cache
      namespace: infra
  valuesFrom:
    - kind: Secret
      name: app-values
      optional: true
  serviceAccountName: deployer
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range References(n.YNode()) {
		got = append(got, strings.Join([]string{r.Key(), strings.Join(r.NamePath(), "."),
			pick(r.NamespaceWritten, "written", "defaulted"), pick(r.Optional, "optional", "required"), pick(r.Field.Lockdown, "lockdown", "free")}, " "))
	}
	want := []string{
		"HelmRepository/flux-system/charts spec.chart.spec.sourceRef.name written required lockdown",
		"HelmRelease/apps/db spec.dependsOn.0.name defaulted required free",
		"HelmRelease/infra/cache spec.dependsOn.1.name written required free",
		"Secret/apps/app-values spec.valuesFrom.0.name defaulted optional free",
		"ServiceAccount/apps/deployer spec.serviceAccountName defaulted required free",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("references:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
