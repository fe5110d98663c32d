package render

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setLabels leaves the same tree as kyaml's SetLabels, whatever the labels
// and wherever metadata and its labels sit.
func TestSetLabelsAsKyaml(t *testing.T) {
	objects := []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    z: \"1\"\n    a: b # comment\n  name: a\ndata:\n  k: v\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: y}, annotations: {q: r}}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {}\n",
		"apiVersion: v1\nkind: ConfigMap\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: null\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: x\n",
	}
	labelSets := []map[string]string{
		{},
		{"app": "web"},
		{"b": "true", "a": "yes", "c": "1", "d": "1.5", "e": "~", "f": "null", "g": "", "h": "0o17", "i": "0x1F", "j": "on", "k": "a\nb", "l": "\xff\xfe", "m": "2024-01-01", "n": "y"},
	}
	for _, text := range objects {
		for _, labels := range labelSets {
			want, got := yaml.MustParse(text), yaml.MustParse(text)
			_ = want.SetLabels(labels)
			setLabels(got, labels)
			ws, gs := want.MustString(), got.MustString()
			if ws != gs || !reflect.DeepEqual(want.YNode(), got.YNode()) {
				t.Errorf("%q with %v:\nkyaml:\n%s\nfluxlint:\n%s", text, labels, ws, gs)
			}
		}
	}
}
