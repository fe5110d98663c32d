package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/render"
)

func instance(path, version, multitenant string) string {
	return `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "` + version + `"
    registry: ghcr.io/fluxcd
  cluster:
    multitenant: ` + multitenant + `
    tenantDefaultServiceAccount: tenant
  sync:
    kind: GitRepository
    url: https://github.com/example/fleet
    ref: refs/heads/main
    path: ` + path + `
`
}

// Two clusters of one repository, each with its FluxInstance, are judged
// each by its own; flags win over both, and say so.
func TestProfilesPerEntryPoint(t *testing.T) {
	dir := t.TempDir()
	for p, s := range map[string]string{
		"clusters/staging/flux-instance.yaml": instance("clusters/staging", "2.7.x", "true"),
		"clusters/prod/flux-instance.yaml":    instance("clusters/prod", "2.9.x", "false"),
	} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(s), 0o644)
	}
	res, err := render.Render(render.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	set, err := Derive(res, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*Profile{}
	for _, root := range res.Roots {
		got[root.Dir] = set.For(root)
	}
	st, pr := got["clusters/staging"], got["clusters/prod"]
	if st == nil || pr == nil {
		t.Fatalf("roots %v", got)
	}
	if st.FluxVersion.V.String() != "2.7" || !st.Lockdown.V || st.DefaultServiceAccount.V != "tenant" || st.StrictSubstitution.V {
		t.Errorf("staging %+v", st)
	}
	if pr.FluxVersion.V.String() != "2.9" || pr.Lockdown.V || !pr.StrictSubstitution.V {
		t.Errorf("prod %+v", pr)
	}
	if !strings.HasPrefix(st.FluxVersion.From.String(), "clusters/staging/flux-instance.yaml:8:") {
		t.Errorf("staging's version read at %s", st.FluxVersion.From)
	}
	no := false
	set, err = Derive(res, Overrides{FluxVersion: "2.8", Lockdown: &no, From: map[string]string{"fluxVersion": "--flux-version", "lockdown": ".fluxlint.yaml:2:1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range res.Roots {
		p := set.For(root)
		if p.FluxVersion.V.String() != "2.8" || p.FluxVersion.From.String() != "--flux-version" || p.Lockdown.V || p.Lockdown.From.String() != ".fluxlint.yaml:2:1" {
			t.Errorf("%s with overrides: %+v", root.Dir, p)
		}
	}
	if _, err := Derive(res, Overrides{FluxVersion: "two"}); err == nil {
		t.Error("a version that is not one")
	}
}
