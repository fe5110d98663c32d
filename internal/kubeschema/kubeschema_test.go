package kubeschema

import (
	"bytes"
	"reflect"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// builtin is kyaml's own schema, parsed the slow way.
func builtin(t *testing.T) spec.Definitions {
	t.Helper()
	Reset()
	defer Reset()
	defs := spec.Definitions{}
	for name, d := range openapi.Schema().Definitions {
		defs[name] = d
	}
	return defs
}

// TestEmbeddedIsCurrent fails when kubernetes.json is not what "go
// generate" writes from the kyaml in go.mod.
func TestEmbeddedIsCurrent(t *testing.T) {
	want, err := Generate(builtin(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, embedded) {
		t.Fatal("kubernetes.json is out of date: run go generate ./internal/kubeschema")
	}
}

// TestSameAsBuiltin compares every definition, field by field, with
// kyaml's, documentation aside.
func TestSameAsBuiltin(t *testing.T) {
	want := builtin(t)
	got, err := Definitions()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d definitions, kyaml has %d", len(got), len(want))
	}
	for name, w := range want {
		Strip(&w)
		if g, ok := got[name]; !ok || !reflect.DeepEqual(g, w) {
			t.Errorf("%s differs from kyaml's", name)
		}
	}
}

// TestMergesByKey checks what the schema is for: a strategic-merge patch
// merges containers by name and keeps the others.
func TestMergesByKey(t *testing.T) {
	Reset()
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	defer Reset()
	dst := yaml.MustParse(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1
      - name: sidecar
        image: sidecar:1
`)
	patch := yaml.MustParse(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:2
`)
	out, err := merge2.Merge(patch, dst, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
	if err != nil {
		t.Fatal(err)
	}
	s := out.MustString()
	for _, want := range []string{"image: app:2", "image: sidecar:1"} {
		if !bytes.Contains([]byte(s), []byte(want)) {
			t.Errorf("merged Deployment lacks %q:\n%s", want, s)
		}
	}
}

func BenchmarkInstall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Reset()
		if err := Install(); err != nil {
			b.Fatal(err)
		}
	}
	Reset()
}

func BenchmarkBuiltin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Reset()
		_ = openapi.Schema()
	}
	Reset()
}

func BenchmarkInstallBare(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Reset()
		InstallBare()
	}
	Reset()
}
