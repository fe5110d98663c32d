package rewrite

import (
	"strings"
	"testing"
)

const suspended = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: a
spec:
  suspend: false # keep this
  interval: 1h
  values:
    image: ghcr.io/x/y:1.0 # {"$imagepolicy": "apps:y"}
`

func TestMarkerComments(t *testing.T) {
	out, err := Apply("a.yaml", []byte(suspended), []Edit{
		{Path: []string{"spec", "suspend"}, Value: "true", Raw: true, Comment: "fluxlint migrate: was false"},
		{Path: []string{"spec", "deletionPolicy"}, Value: "Orphan", Comment: "fluxlint migrate: added", After: []string{"interval"}},
		{Op: ReplaceInComment, Line: 9, Comment: `"apps:y"`, Value: `"flux-system:y"`},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: a
spec:
  suspend: true  # fluxlint migrate: was false # keep this
  interval: 1h
  deletionPolicy: Orphan  # fluxlint migrate: added
  values:
    image: ghcr.io/x/y:1.0 # {"$imagepolicy": "flux-system:y"}
`
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	// Step 2 restores what was written.
	back, err := Apply("a.yaml", out, []Edit{
		{Path: []string{"spec", "suspend"}, Value: "false", Raw: true},
		{Op: Uncomment, Path: []string{"spec", "suspend"}, Comment: "fluxlint migrate: was false"},
		{Op: Delete, Path: []string{"spec", "deletionPolicy"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(suspended, `"apps:y"`, `"flux-system:y"`, 1); string(back) != want {
		t.Fatalf("got\n%s\nwant\n%s", back, want)
	}
	// A marker alone on its line goes with its blanks.
	alone, err := Apply("a.yaml", []byte("spec:\n  suspend: true  # fluxlint migrate: added\n  x: 1\n"), []Edit{
		{Op: Uncomment, Path: []string{"spec", "suspend"}, Comment: "fluxlint migrate: added"},
	})
	if err != nil || string(alone) != "spec:\n  suspend: true\n  x: 1\n" {
		t.Fatalf("got %q, %v", alone, err)
	}
}

func TestReplaceInCommentRefusals(t *testing.T) {
	for _, e := range []Edit{
		{Op: ReplaceInComment, Line: 7, Comment: `1h`, Value: "2h"},       // not in a comment
		{Op: ReplaceInComment, Line: 9, Comment: `"other:y"`, Value: "x"}, // not there
		{Op: ReplaceInComment, Line: 40, Comment: `"apps:y"`, Value: "x"}, // no such line
	} {
		if _, err := Apply("a.yaml", []byte(suspended), []Edit{e}); err == nil {
			t.Errorf("%s: no error", e)
		}
	}
}

func TestAppend(t *testing.T) {
	item := "|-\n  apiVersion: builtin\n  kind: NamespaceTransformer\n  metadata:\n    name: namespace\n    namespace: apps\n  unsetOnly: true"
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources:\n  - a.yaml\n"
	out, err := Apply("kustomization.yaml", []byte(k), []Edit{
		{Op: Delete, Path: []string{"namespace"}},
		{Op: Append, Path: []string{"transformers"}, Value: item, After: []string{"namespace", "kind"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ntransformers:\n  - |-\n    apiVersion: builtin\n    kind: NamespaceTransformer\n    metadata:\n      name: namespace\n      namespace: apps\n    unsetOnly: true\nresources:\n  - a.yaml\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	// To an existing list, at its dash's column.
	k2 := "kind: Kustomization\ntransformers:\n- other.yaml\nresources: [a.yaml]\n"
	out, err = Apply("kustomization.yaml", []byte(k2), []Edit{{Op: Append, Path: []string{"transformers"}, Value: item}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "- other.yaml\n- |-\n  apiVersion: builtin\n") {
		t.Fatalf("got\n%s", out)
	}
	// A flow sequence is refused.
	if _, err := Apply("k.yaml", []byte("transformers: [a]\n"), []Edit{{Op: Append, Path: []string{"transformers"}, Value: "b"}}); err == nil {
		t.Error("a flow sequence was edited")
	}
}
