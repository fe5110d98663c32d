package schema

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/memo"
)

const badKustomization = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10 minutes
  path: ./apps
  prun: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`

// A verdict kept in the store is the verdict validation gives: read back
// for the same content wherever it sits in a file, not for other content
// or other options, and validated again when the entry is damaged.
func TestVerdictsAreKeptByContent(t *testing.T) {
	s := &memo.Map{}
	obj := parse(t, badKustomization)
	want, ok, err := ValidateFlux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", obj, Options{})
	if !ok || err != nil || len(want) == 0 {
		t.Fatalf("the fixture should have violations: %v %v %v", want, ok, err)
	}
	check := func(what, text string, opts Options, hits int) {
		t.Helper()
		got, ok, err := ValidateFluxMemo(s, "kustomize.toolkit.fluxcd.io/v1", "Kustomization", parse(t, text), opts)
		if !ok || err != nil || !reflect.DeepEqual(strs(got), strs(want)) {
			t.Errorf("%s: %v (%v, %v), want %v", what, strs(got), ok, err, strs(want))
		}
		if got, _ := s.Counts(); got != hits {
			t.Errorf("%s: %d verdicts read from the store, want %d", what, got, hits)
		}
	}
	check("first", badKustomization, Options{}, 0)
	check("again", badKustomization, Options{}, 1)
	check("moved down and commented", "# a comment\n\n"+badKustomization, Options{}, 2)
	check("with other options", badKustomization, Options{Operator: true}, 2)
	s.Alter(func(v []byte) []byte { return v[:len(v)/2] })
	check("damaged", badKustomization, Options{}, 3)
	check("after the damage", badKustomization, Options{}, 4)
}

// A core object whose verdict is kept is not validated again.
func TestKeptCoreVerdictIsNotValidated(t *testing.T) {
	s := &memo.Map{}
	const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: \"80\"\n    protocal: TCP\n"
	want := ValidateCoreMemo(s, "v1", "Service", parse(t, svc))
	if len(want) == 0 {
		t.Fatal("the fixture should have violations")
	}
	n := Validations()
	got := ValidateCoreMemo(s, "v1", "Service", parse(t, svc))
	if hits, _ := s.Counts(); !reflect.DeepEqual(strs(got), strs(want)) || hits != 1 {
		t.Errorf("kept verdict %v (%d hits), want %v", strs(got), hits, strs(want))
	}
	if Validations() != n {
		t.Error("an object whose verdict was kept was validated again")
	}
}

// The core index finds, for every kind, the schema kyaml's own index finds
// once kubeschema is installed, and validating never touches kyaml's
// global schema.
func TestCoreIndexAsKyaml(t *testing.T) {
	kubeschema.Reset()
	defer kubeschema.Reset()
	installs := kubeschema.Installs()
	const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
	_ = ValidateCore("v1", "Service", parse(t, svc))
	if kubeschema.Installs() != installs || kubeschema.Installed() {
		t.Error("validating a core object installed kyaml's global schema")
	}
	idx, err := core()
	if err != nil {
		t.Fatal(err)
	}
	if err := kubeschema.Install(); err != nil {
		t.Fatal(err)
	}
	if len(idx.byType) < 100 {
		t.Fatalf("only %d kinds indexed", len(idx.byType))
	}
	for tm, s := range idx.byType {
		rs := openapi.SchemaForResourceType(tm)
		if rs == nil || !reflect.DeepEqual(*rs.Schema, *s) {
			t.Errorf("%s %s: the index and kyaml differ", tm.APIVersion, tm.Kind)
		}
	}
	for _, tm := range []yaml.TypeMeta{{APIVersion: "apps/v1", Kind: "Deployment"}, {APIVersion: "v1", Kind: "ConfigMap"}, {APIVersion: "networking.k8s.io/v1", Kind: "Ingress"}} {
		if idx.byType[tm] == nil {
			t.Errorf("%s %s is not indexed", tm.APIVersion, tm.Kind)
		}
	}
}
