package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/helm/helmtest"
)

// TestChartsPullThenCheck: check reports charts not available offline;
// charts pull fetches them from an HTTP chart repository and an OCI
// registry (both in-process) and writes the lock; check then renders them
// from the cache; a digest that differs from the lock is refused.
func TestChartsPullThenCheck(t *testing.T) {
	app := helmtest.TestdataChart("app")
	repo := helmtest.ServeRepo(t,
		helmtest.Chart{Name: "app", Version: "1.2.3", Archive: helmtest.Package(t, app, "1.2.3")},
		helmtest.Chart{Name: "app", Version: "1.3.0", Archive: helmtest.Package(t, app, "1.3.0")})
	host := helmtest.ServeOCI(t)
	for _, v := range []string{"1.2.3", "1.4.0"} {
		helmtest.PushOCI(t, host, "charts", helmtest.Chart{Name: "app", Version: v, Archive: helmtest.Package(t, app, v)})
	}
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.TrimLeft(s, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("clusters/test/flux-system.yaml", fixture.Kustomization("flux-system", "./clusters/test")+"---\n"+fixture.Kustomization("apps", "./apps"))
	write("apps/sources.yaml", `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: http
  namespace: apps
spec:
  interval: 1h
  url: `+repo.URL+`
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: oci
  namespace: apps
spec:
  type: oci
  interval: 1h
  url: oci://`+host+`/charts
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: app
  namespace: apps
spec:
  interval: 1h
  url: oci://`+host+`/charts/app
  ref:
    semver: ">=1.0.0"
`)
	write("apps/releases.yaml", `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: http
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: app
      version: 1.x
      sourceRef:
        kind: HelmRepository
        name: http
  values:
    password: literal-PLANTED-91
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oci
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: app
      version: 1.2.3
      sourceRef:
        kind: HelmRepository
        name: oci
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: chartref
  namespace: apps
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: app
`)
	cache := filepath.Join(t.TempDir(), "charts")
	check := func() map[string][]string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		Main([]string{"check", "--format", "json", "--no-cache", "--chart-cache", cache, dir}, &stdout, &stderr)
		var out struct {
			Findings []struct {
				Rule, Message, File string
				Line                int
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("%v\n%s\n%s", err, stdout.String(), stderr.String())
		}
		got := map[string][]string{}
		for _, f := range out.Findings {
			got[f.Rule] = append(got[f.Rule], fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Message))
		}
		if strings.Contains(stdout.String(), "PLANTED") {
			t.Error("check printed a secret value")
		}
		return got
	}
	if got := check(); len(got["chart-not-available"]) != 3 || len(got["plaintext-secret"]) != 0 {
		t.Fatalf("before pull: %v", got)
	}

	var stdout, stderr bytes.Buffer
	if code := Main([]string{"charts", "pull", "--plain-http", "--chart-cache", cache, dir}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("charts pull: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"app 1.3.0 from " + repo.URL + " (1.x resolved to 1.3.0)", "app 1.4.0 from oci://" + host + "/charts (>=1.0.0 resolved to 1.4.0)", "app 1.2.3 from oci://" + host + "/charts sha256:", "3 chart(s)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("charts pull output lacks %q:\n%s", want, stdout.String())
		}
	}
	lock, err := helm.ReadLock(filepath.Join(dir, helm.LockFile))
	if err != nil || len(lock.Charts) != 3 {
		t.Fatalf("lock: %+v %v", lock, err)
	}

	got := check()
	if len(got["chart-not-available"]) != 0 || len(got["chart-render-failed"]) != 0 {
		t.Errorf("after pull: %v", got)
	}
	if p := got["plaintext-secret"]; len(p) != 1 || !strings.HasPrefix(p[0], "apps/releases.yaml:16 Secret apps/http-app-auth") {
		t.Errorf("plaintext-secret: %v", p)
	}
	stdout.Reset()
	Main([]string{"render", "--no-cache", "--chart-cache", cache, dir}, &stdout, &stderr)
	for _, want := range []string{"# HelmRelease apps/chartref chart=app 1.4.0 from oci://", "# from app/templates/deployment.yaml (HelmRelease apps/http, apps/releases.yaml:2:7)", "helm.sh/chart: app-1.3.0"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("render output lacks %q", want)
		}
	}

	// The lock now disagrees with the archives: refused by pull and by
	// check.
	for i := range lock.Charts {
		lock.Charts[i].Digest = "sha256:" + strings.Repeat("0", 64)
	}
	if err := lock.Write(filepath.Join(dir, helm.LockFile)); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := Main([]string{"charts", "pull", "--plain-http", "--chart-cache", t.TempDir(), dir}, &stdout, &stderr); code != ExitError || !strings.Contains(stderr.String(), "refused") {
		t.Errorf("pull with a changed digest: exit %d\n%s", code, stderr.String())
	}
	if got := check(); len(got["chart-not-available"]) != 3 || !strings.Contains(got["chart-not-available"][0], "as fluxlint-charts.lock records") {
		t.Errorf("check with a changed digest: %v", got)
	}
}

// TestKubeVersion: charts render for --kube-version, v1.37.0 by default;
// a version that does not parse is a usage error.
func TestKubeVersion(t *testing.T) {
	repo := "../../testdata/analyzers/plaintext-secret/chart-values"
	for _, c := range []struct{ flag, want string }{{"", `kubeVersion: "v1.37.0"`}, {"v1.30.2", `kubeVersion: "v1.30.2"`}} {
		args := []string{"render", "--no-cache", "--chart-cache", t.TempDir()}
		if c.flag != "" {
			args = append(args, "--kube-version", c.flag)
		}
		var stdout, stderr bytes.Buffer
		Main(append(args, repo), &stdout, &stderr)
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("--kube-version %q: no %q in the output", c.flag, c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"render", "--kube-version", "banana", repo}, &stdout, &stderr); code != ExitError || !strings.Contains(stderr.String(), "--kube-version") {
		t.Errorf("a bad --kube-version: exit %d, %s", code, stderr.String())
	}
}
