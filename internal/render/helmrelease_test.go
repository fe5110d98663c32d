package render_test

import (
	"fmt"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/helm/helmtest"
	"github.com/fluxlint/fluxlint/internal/render"
)

// TestInRepoChartReadsOnlyTheArtifact: an in-repo chart is read from the
// files the source's artifact holds: a symbolic link (here to a template
// outside the repository) is not part of it, and .helmignore applies.
func TestInRepoChartReadsOnlyTheArtifact(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  a: b\n"
	}
	write(t, filepath.Join(outside, "leak.yaml"), cm("leaked"))
	write(t, filepath.Join(dir, "clusters/test/flux-system.yaml"), fixture.Kustomization("flux-system", "./clusters/test")+`---
`+inRepoRelease)
	write(t, filepath.Join(dir, "chart/Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "chart/.helmignore"), "templates/skipped.yaml\n")
	write(t, filepath.Join(dir, "chart/templates/kept.yaml"), cm("kept"))
	write(t, filepath.Join(dir, "chart/templates/skipped.yaml"), cm("skipped"))
	if err := os.Symlink(filepath.Join(outside, "leak.yaml"), filepath.Join(dir, "chart/templates/leak.yaml")); err != nil {
		t.Skip(err)
	}
	res, err := render.Render(render.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range res.Objects {
		if o.Release != nil {
			names = append(names, o.Name)
		}
	}
	if len(names) != 1 || names[0] != "kept" {
		t.Errorf("chart objects %v, want [kept]", names)
	}
}

// TestChartSeesTheRepositoryCRDs: the API versions of the CRDs the
// Kustomizations apply are in the charts' capabilities, with and without
// the kind, as a cluster's discovery lists them.
func TestChartSeesTheRepositoryCRDs(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "clusters/test/flux-system.yaml"), fixture.Kustomization("flux-system", "./clusters/test")+`---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
---
`+inRepoRelease)
	write(t, filepath.Join(dir, "chart/Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "chart/templates/w.yaml"), `{{- if and (.Capabilities.APIVersions.Has "example.com/v1") (.Capabilities.APIVersions.Has "example.com/v1/Widget") }}
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
{{- end }}
`)
	res, err := render.Render(render.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range res.Objects {
		found = found || (o.Release != nil && o.Kind == "Widget" && o.Namespace == "apps")
	}
	if !found {
		t.Errorf("the chart did not see the Widget CRD")
	}
}

// TestInRepoChartDependencies: dependencies an in-repo chart does not
// vendor come as source-controller fetches them: file:// ones from the
// repository, chart repository ones from the chart cache; a dependency not
// in the cache makes the chart not available.
func TestInRepoChartDependencies(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	write(t, filepath.Join(dir, "clusters/test/flux-system.yaml"), fixture.Kustomization("flux-system", "./clusters/test")+`---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: umbrella
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/umbrella
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values:
    app:
      image: {tag: "1.0.0"}
`)
	write(t, filepath.Join(dir, "charts/umbrella/Chart.yaml"), `apiVersion: v2
name: umbrella
version: 0.1.0
dependencies:
  - name: common
    version: 0.1.0
    repository: file://../common
  - name: app
    version: 1.x
    repository: https://charts.example.com/stable/
`)
	write(t, filepath.Join(dir, "charts/common/Chart.yaml"), "apiVersion: v2\nname: common\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "charts/common/templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: common\n")

	render1 := func() *render.Result {
		res, err := render.Render(render.Options{Dir: dir, Charts: render.ChartOptions{Cache: cache}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := render1()
	if len(res.Problems) != 1 || res.Problems[0].Code != render.ChartNotAvailable || len(res.Charts) != 1 || res.Charts[0].Request.Chart != "app" {
		t.Fatalf("without the dependency cached: problems %v, charts %v", res.Problems, res.Charts)
	}
	c := helm.Cache{Dir: cache}
	p := c.Path("https://charts.example.com/stable", "app", "1.2.3")
	write(t, p, string(helmtest.Package(t, filepath.Join("..", "..", "testdata", "charts", "app"), "1.2.3")))
	res = render1()
	for _, p := range res.Problems {
		t.Errorf("problem: %s", p)
	}
	var got []string
	for _, o := range res.Objects {
		if o.Release != nil && (o.Kind == "ConfigMap" || o.Kind == "Deployment") {
			got = append(got, o.Template)
		}
	}
	want := "[umbrella/charts/app/templates/configmap.yaml umbrella/charts/common/templates/cm.yaml umbrella/charts/app/templates/deployment.yaml]"
	if fmt.Sprint(got) != want {
		t.Errorf("templates %v, want %s", got, want)
	}
}

// inRepoRelease is a HelmRelease apps/web of the chart at ./chart in the
// repository.
const inRepoRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./chart
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
`
