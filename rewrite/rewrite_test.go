package rewrite

import (
	"strings"
	"testing"
)

const release = `# A HelmRelease with the things a splice must keep.
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: nginx   # the release's name
  namespace: nginx
spec:
  releaseName: nginx-ingress-controller
  # Where the chart comes from
  chart:
    spec:
      chart: nginx-ingress-controller
      sourceRef:
        kind: HelmRepository
        name: 'bitnami'
        namespace: "flux-system"
      version: "5.6.14"
  interval: 1h0m0s
  values:
    list:
    - a
    - b
    text: |
      line one
      line two
---
kind: Other
metadata: {name: flow}
`

func TestSetInsertDelete(t *testing.T) {
	out, err := Apply("r.yaml", []byte(release), []Edit{
		{Path: []string{"metadata", "namespace"}, Value: "cluster-config"},
		{Path: []string{"spec", "targetNamespace"}, Value: "nginx", After: []string{"releaseName"}},
		{Path: []string{"spec", "storageNamespace"}, Value: "nginx", After: []string{"targetNamespace", "releaseName"}},
		{Path: []string{"spec", "chart", "spec", "sourceRef", "namespace"}, Value: "cluster-config"},
		{Path: []string{"spec", "chart", "spec", "sourceRef", "name"}, Value: "bit'nami"},
		{Path: []string{"spec", "suspend"}, Value: "yes sir"},
		{Path: []string{"spec", "values", "extra"}, Value: "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(release, `metadata:
  name: nginx   # the release's name
  namespace: nginx
spec:
  releaseName: nginx-ingress-controller
`, `metadata:
  name: nginx   # the release's name
  namespace: cluster-config
spec:
  suspend: yes sir
  releaseName: nginx-ingress-controller
  targetNamespace: nginx
  storageNamespace: nginx
`, 1)
	want = strings.NewReplacer(
		`namespace: "flux-system"`, `namespace: "cluster-config"`,
		`name: 'bitnami'`, `name: 'bit''nami'`,
		"    list:\n", "    extra: \"1\"\n    list:\n",
	).Replace(want)
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	// Inserting after the last key of a mapping that ends in a block scalar.
	out, err = Apply("r.yaml", []byte(release), []Edit{{Path: []string{"spec", "values", "more"}, Value: "x", After: []string{"text"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "      line two\n    more: x\n---\n") {
		t.Errorf("insert after a block scalar:\n%s", out)
	}
	// Deleting removes the whole entry and nothing else.
	out, err = Apply("r.yaml", []byte(release), []Edit{{Path: []string{"spec", "chart"}, Op: Delete}, {Path: []string{"spec", "releaseName"}, Op: Delete}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "chart") || strings.Contains(string(out), "releaseName") || !strings.Contains(string(out), "spec:\n  interval: 1h0m0s\n") {
		t.Errorf("delete:\n%s", out)
	}
}

func TestNoEditsNoChange(t *testing.T) {
	out, err := Apply("r.yaml", []byte(release), []Edit{{Path: []string{"metadata", "namespace"}, Value: "nginx"}})
	if err != nil || string(out) != release {
		t.Errorf("setting a field to its value changed the file: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	for _, c := range []struct {
		e    Edit
		want string
	}{
		{Edit{Doc: 1, Path: []string{"metadata", "namespace"}, Value: "x"}, "flow style"},
		{Edit{Path: []string{"spec", "values", "text"}, Value: "x"}, "block scalar"},
		{Edit{Path: []string{"spec", "values", "list"}, Value: "x"}, "not a scalar"},
		{Edit{Path: []string{"status", "x"}, Value: "x"}, "is not a mapping"},
	} {
		if _, err := Apply("r.yaml", []byte(release), []Edit{c.e}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error about %q", c.e, err, c.want)
		}
	}
}

func TestCRLFAndSequenceItems(t *testing.T) {
	src := "apiVersion: v1\r\nkind: Kustomization\r\nconfigMapGenerator:\r\n  - name: values\r\n    files:\r\n      - values.yaml\r\n"
	out, err := Apply("k.yaml", []byte(src), []Edit{{Path: []string{"configMapGenerator", "0", "namespace"}, Value: "cluster-config", After: []string{"name"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: v1\r\nkind: Kustomization\r\nconfigMapGenerator:\r\n  - name: values\r\n    namespace: cluster-config\r\n    files:\r\n      - values.yaml\r\n"
	if string(out) != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}
