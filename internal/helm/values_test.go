package helm_test

import (
	"encoding/json"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/fluxlint/fluxlint/internal/helm"
)

func y(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestComposeOrder follows helm-controller (fluxcd/pkg chartutil
// ChartValuesFromReferences): valuesFrom in order, then spec.values; a
// targetPath is set in --set syntax after spec.values is merged in, so it
// wins over spec.values; Secrets give placeholders.
func TestComposeOrder(t *testing.T) {
	objects := map[string]map[string]string{
		"ConfigMap/base":   {"values.yaml": "a: base\nb: {c: base, d: base}\nlist: [1, 2]\n"},
		"ConfigMap/over":   {"values.yaml": "a: over\nb: {c: over}\nlist: [3]\n", "tag": "1.2.3", "quoted": "'0123'"},
		"Secret/creds":     {"values.yaml": "db:\n  password: hunter2\n  port: 5432\n", "token": "abc"},
		"ConfigMap/nokeys": {},
	}
	lookup := func(kind, name, key string) (string, bool, bool) {
		m, ok := objects[kind+"/"+name]
		if !ok {
			return "", false, false
		}
		v, has := m[key]
		return v, has, true
	}
	refs := []helm.ValuesRef{
		{Kind: "ConfigMap", Name: "base"},
		{Kind: "ConfigMap", Name: "over"},
		{Kind: "ConfigMap", Name: "over", ValuesKey: "tag", TargetPath: "image.tag"},
		{Kind: "ConfigMap", Name: "over", ValuesKey: "quoted", TargetPath: "code"},
		{Kind: "ConfigMap", Name: "over", ValuesKey: "tag", TargetPath: "b.e"},
		{Kind: "Secret", Name: "creds"},
		{Kind: "Secret", Name: "creds", ValuesKey: "token", TargetPath: "auth.token"},
		{Kind: "ConfigMap", Name: "absent", Optional: true},
		{Kind: "ConfigMap", Name: "nokeys", Optional: true},
		{Kind: "Secret", Name: "in-cluster", ValuesKey: "key", TargetPath: "external.key"},
	}
	got, err := helm.Compose(y(t, "a: inline\nb: {d: inline}\nimage: {tag: inline, repository: r}\n"), refs, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := y(t, `
a: inline
b: {c: over, d: inline, e: 1.2.3}
list: [3]
image: {repository: r, tag: 1.2.3}
code: "0123"
db: {password: fluxlint-secret-creds-values-yaml, port: fluxlint-secret-creds-values-yaml}
auth: {token: fluxlint-secret-creds-token}
external: {key: fluxlint-secret-in-cluster-key}
`)
	if js(got.Values) != js(want) {
		t.Errorf("got  %s\nwant %s", js(got.Values), js(want))
	}
	if js(got.Missing) != `["Secret/in-cluster"]` {
		t.Errorf("missing: %v", got.Missing)
	}

	// A missing key of an object that is there fails unless optional.
	if _, err := helm.Compose(nil, []helm.ValuesRef{{Kind: "ConfigMap", Name: "nokeys"}}, lookup); err == nil {
		t.Error("a missing key did not fail")
	}
	if _, err := helm.Compose(nil, []helm.ValuesRef{{Kind: "Deployment", Name: "x"}}, lookup); err == nil {
		t.Error("an unsupported kind did not fail")
	}
}

// TestComposeTargetPathTypes: --set typing, and literal keeping the
// value verbatim.
func TestComposeTargetPathTypes(t *testing.T) {
	lookup := func(kind, name, key string) (string, bool, bool) {
		return map[string]string{"n": "123", "b": "true", "l": "{x,y}", "lit": "a,b{c}"}[key], true, true
	}
	got, err := helm.Compose(nil, []helm.ValuesRef{
		{Kind: "ConfigMap", Name: "c", ValuesKey: "n", TargetPath: "num"},
		{Kind: "ConfigMap", Name: "c", ValuesKey: "b", TargetPath: "flag"},
		{Kind: "ConfigMap", Name: "c", ValuesKey: "l", TargetPath: "list"},
		{Kind: "ConfigMap", Name: "c", ValuesKey: "lit", TargetPath: "lit", Literal: true},
	}, lookup)
	if err != nil {
		t.Fatal(err)
	}
	if s := js(got.Values); s != `{"flag":true,"list":["x","y"],"lit":"a,b{c}","num":123}` {
		t.Errorf("got %s", s)
	}
}
