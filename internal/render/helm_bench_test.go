package render_test

import (
	"fmt"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/helm/helmtest"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// helmRepoURL is the chart repository of the generated repository; its
// charts are only ever in the cache.
const helmRepoURL = "https://charts.example.com/bench"

// generateHelmRepo writes a repository of releases HelmReleases over
// charts charts of one HelmRepository, and fills cache with the charts.
func generateHelmRepo(tb testing.TB, dir, cache string, releases, charts int) {
	tb.Helper()
	c := helm.Cache{Dir: cache}
	src := filepath.Join("..", "..", "testdata", "charts", "app")
	for i := 0; i < charts; i++ {
		name := fmt.Sprintf("app%02d", i)
		chartDir := filepath.Join(tb.TempDir(), name)
		if err := os.CopyFS(chartDir, os.DirFS(src)); err != nil {
			tb.Fatal(err)
		}
		cy := filepath.Join(chartDir, "Chart.yaml")
		b, _ := os.ReadFile(cy)
		if err := os.WriteFile(cy, []byte(strings.Replace(string(b), "name: app\n", "name: "+name+"\n", 1)), 0o644); err != nil {
			tb.Fatal(err)
		}
		p := c.Path(helmRepoURL, name, "1.0.0")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, helmtest.Package(tb, chartDir, "1.0.0"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write(tb, filepath.Join(dir, "clusters", "bench", "flux-system.yaml"), fixture.Kustomization("flux-system", "./clusters/bench")+"---\n"+fixture.Kustomization("apps", "./apps"))
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: bench\n  namespace: apps\nspec:\n  interval: 1h\n  url: %s\n", helmRepoURL)
	for i := 0; i < releases; i++ {
		fmt.Fprintf(&b, `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: release-%03d
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: app%02d
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: bench
  values:
    replicas: %d
    image:
      tag: "v%d"
  postRenderers:
    - kustomize:
        images:
          - name: ghcr.io/example/app
            newName: mirror.example.com/app
`, i, i%charts, i%5+1, i)
	}
	write(tb, filepath.Join(dir, "apps", "releases.yaml"), b.String())
}

func write(tb testing.TB, file, s string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkRenderHelmReleases70 renders 70 HelmReleases over 10 cached
// charts, and the same repository with charts off: the difference is what
// rendering the charts costs. Each chart is parsed once per render.
func BenchmarkRenderHelmReleases70(b *testing.B) {
	dir, cache := b.TempDir(), b.TempDir()
	generateHelmRepo(b, dir, cache, 70, 10)
	for _, mode := range []struct {
		name string
		off  bool
	}{{"charts", false}, {"no-charts", true}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			var objects, loads int
			for i := 0; i < b.N; i++ {
				loader := &helm.Loader{}
				res, err := render.Render(render.Options{Dir: dir, Charts: render.ChartOptions{Off: mode.off, Cache: cache, Loader: loader}})
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range res.Problems {
					b.Fatalf("problem: %s", p)
				}
				objects, loads = len(res.Objects), loader.Loads
			}
			b.ReportMetric(float64(objects), "objects")
			b.ReportMetric(float64(loads), "chart-loads")
		})
	}
}

// TestHelmReleasesLoadEachChartOnce: 70 HelmReleases over 10 charts parse
// 10 charts, and every release renders.
func TestHelmReleasesLoadEachChartOnce(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	generateHelmRepo(t, dir, cache, 70, 10)
	loader := &helm.Loader{}
	res, err := render.Render(render.Options{Dir: dir, Charts: render.ChartOptions{Cache: cache, Loader: loader}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("problem: %s", p)
	}
	if loader.Loads != 10 {
		t.Errorf("%d chart loads, want 10", loader.Loads)
	}
	rendered, images := 0, 0
	for _, k := range res.Kustomizations() {
		for _, rel := range k.Releases {
			if rel.Rendered {
				rendered++
			}
			for _, o := range rel.Objects {
				if o.Kind == "Deployment" && strings.HasPrefix(o.Scalar("spec", "template", "spec", "containers", "0", "image"), "mirror.example.com/app:v") {
					images++
				}
			}
		}
	}
	if rendered != 70 || images != 70 {
		t.Errorf("%d releases rendered, %d images post-rendered; want 70, 70", rendered, images)
	}
}

// TestChartObjectsCountAgainstTheLimit: a chart's objects count against
// limits.objectsTotal; the releases past it are left out, each with a
// limit-exceeded problem.
func TestChartObjectsCountAgainstTheLimit(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	generateHelmRepo(t, dir, cache, 30, 2)
	res, err := render.Render(render.Options{Dir: dir, Limits: load.Limits{ObjectsTotal: 100}, Charts: render.ChartOptions{Cache: cache}})
	if err != nil {
		t.Fatal(err)
	}
	exceeded := 0
	for _, p := range res.Problems {
		if p.Code == render.LimitExceeded {
			exceeded++
		}
	}
	if len(res.Objects) > 100 || exceeded == 0 {
		t.Errorf("%d objects, %d limit-exceeded problems", len(res.Objects), exceeded)
	}
}
