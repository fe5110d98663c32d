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

// optional: true counts only where Flux honours it: a chartRef that says
// it is still required.
func TestOptionalOnlyWhereFluxHonoursIt(t *testing.T) {
	n, err := yaml.Parse(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: apps
spec:
  chartRef:
    kind: OCIRepository
    name: app
    optional: true
`)
	if err != nil {
		t.Fatal(err)
	}
	refs := References(n.YNode())
	if len(refs) != 1 || refs[0].Optional {
		t.Errorf("chartRef read as optional: %+v", refs)
	}
	for _, f := range RefFields {
		if f.Optional && f.Role != RoleInput {
			t.Errorf("%s %v: only valuesFrom and substituteFrom take optional", f.Kind, f.Path)
		}
	}
}
