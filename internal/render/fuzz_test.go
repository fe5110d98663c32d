package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fuzzRoot = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/test
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      VAR: %q
`

// fuzzRepo writes a repository whose apps directory holds the fuzzed
// kustomization (none when empty) and resource.
func fuzzRepo(t *testing.T, kustomization, resource, variable string) string {
	dir := t.TempDir()
	files := map[string]string{
		"clusters/test/flux-system.yaml": strings.Replace(fuzzRoot, "%q", strconvQuote(variable), 1),
		"apps/res.yaml":                  resource,
	}
	if kustomization != "" {
		files["apps/kustomization.yaml"] = kustomization
	}
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// strconvQuote quotes s as a YAML double-quoted scalar (JSON's quoting is
// valid YAML).
func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkRender renders dir and checks what must hold for any input: no
// panic, every problem names a file of the repository (or none), and the
// render wrote nothing into the repository.
func checkRender(t *testing.T, dir string) {
	before := listFiles(t, dir)
	res, err := Render(Options{Dir: dir})
	if err != nil {
		t.Fatalf("render failed: %v", err)
	}
	for _, p := range res.Problems {
		if filepath.IsAbs(p.Pos.File) || strings.HasPrefix(p.Pos.File, "..") {
			t.Fatalf("problem outside the repository: %s", p)
		}
	}
	if after := listFiles(t, dir); after != before {
		t.Fatalf("the render changed the repository:\n%s\n%s", before, after)
	}
}

func listFiles(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			info, _ := d.Info()
			b.WriteString(p + " " + info.ModTime().String() + "\n")
		}
		return nil
	})
	return b.String()
}

// FuzzRender renders a small repository whose kustomization, resource and
// substituted variable are fuzzed.
func FuzzRender(f *testing.F) {
	f.Add("resources:\n  - res.yaml\nnamePrefix: x-\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\ndata:\n  k: ${VAR}\n", "value")
	f.Add("", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData: [a, b]\n", "x")
	f.Add("resources: [https://example.com/x.yaml, file:///etc, ../../..]\n", "a: &a [*a]\n", "$${VAR}")
	f.Add("secretGenerator:\n- name: s\n  literals: [a=b, c]\npatches:\n- patch: '{'\n", "kind: List\nitems: [{}]\n", "${VAR}")
	f.Fuzz(func(t *testing.T, kustomization, resource, variable string) {
		checkRender(t, fuzzRepo(t, kustomization, resource, variable))
	})
}

// FuzzSubstitute renders a ConfigMap whose data and substituted variable
// are fuzzed, through Flux's postBuild substitution.
func FuzzSubstitute(f *testing.F) {
	f.Add("${VAR}", "value")
	f.Add("${VAR:=default}${OTHER:-x}$${ESCAPED}$$", "a\nb")
	f.Add("${VAR/a/b}${#VAR}${VAR:1:2}${", "${VAR}")
	f.Add("${a-b}${x.y}${ }", "1e6")
	f.Fuzz(func(t *testing.T, data, variable string) {
		cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\ndata:\n  k: " + strconvQuote(data) + "\n"
		checkRender(t, fuzzRepo(t, "", cm, variable))
	})
}
