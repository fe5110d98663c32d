package helm_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/helm/helmtest"
)

// helmVersion is the Helm v3 CLI the conformance test compares with: the
// version of the SDK fluxlint renders with.
const helmVersion = "v3.22.0"

// helmCLI builds the helm CLI from the module proxy, once per machine (it
// is kept in the user cache directory). Under FLUXLINT_REQUIRE_HELM=1 a
// failure to build it fails the test; otherwise the test is skipped.
func helmCLI(t *testing.T) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("FLUXLINT_REQUIRE_HELM") == "1" {
		fail = t.Fatalf
	}
	if testing.Short() {
		fail("-short: the conformance test builds helm %s", helmVersion)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "fluxlint", "test-tools", "helm-"+helmVersion)
	bin := filepath.Join(dir, "helm")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		fail("no go command to build helm: %v", err)
	}
	tmp := t.TempDir()
	cmd := exec.Command(goBin, "install", "helm.sh/helm/v3/cmd/helm@"+helmVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "CGO_ENABLED=0")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("building helm %s: %v\n%s", helmVersion, err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail("%v", err)
	}
	b, err := os.ReadFile(filepath.Join(tmp, "helm"))
	if err == nil {
		err = os.WriteFile(bin+".tmp", b, 0o755)
	}
	if err == nil {
		err = os.Rename(bin+".tmp", bin)
	}
	if err != nil {
		fail("%v", err)
	}
	return bin
}

// conformanceCases are charts and values sets, each rendered by fluxlint
// and by helm template.
var conformanceCases = []struct {
	name, chart, release, namespace, kube string
	crds                                  bool
	values                                string
}{
	{name: "defaults", chart: "app", release: "web", namespace: "default", values: "image:\n  tag: 1.0.0\n"},
	{name: "subchart-crds-secret", chart: "app", release: "shop", namespace: "team-a", kube: "v1.30.0", crds: true, values: `
sub:
  enabled: true
  greeting: bonjour
global:
  team: platform
password: s3cr3t-value
replicas: 3
layers: [a, b, c]
extraConfig:
  big: 12345678
  flag: y
fluxSource: flux-system
service:
  port: 8080
`},
	{name: "release-name-holds-chart-name", chart: "app", release: "my-app-prod", namespace: "prod", values: "image:\n  repository: registry.example.com/app\n"},
	{name: "required-missing", chart: "app", release: "web", namespace: "default", values: "image:\n  repository: null\n"},
	{name: "broken-template", chart: "broken", release: "web", namespace: "default"},
	{name: "dependencies", chart: "deps", release: "stack", namespace: "stack", crds: true, values: "db:\n  enabled: true\ncache:\n  enabled: false\n"},
}

func TestConformanceWithHelmTemplate(t *testing.T) {
	bin := helmCLI(t)
	loader := &helm.Loader{}
	for _, c := range conformanceCases {
		t.Run(c.name, func(t *testing.T) {
			dir := helmtest.TestdataChart(c.chart)
			valuesFile := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(valuesFile, []byte(c.values), 0o644); err != nil {
				t.Fatal(err)
			}
			kube := c.kube
			if kube == "" {
				kube = helm.DefaultKubeVersion
			}
			args := []string{"template", c.release, dir, "-n", c.namespace, "--kube-version", kube, "-f", valuesFile}
			if c.crds {
				args = append(args, "--include-crds")
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			helmErr := cmd.Run()

			ch, err := loader.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := chartutil.ReadValues([]byte(c.values))
			if err != nil {
				t.Fatal(err)
			}
			out, err := helm.V3{}.Render(ch, helm.Release{Name: c.release, Namespace: c.namespace, KubeVersion: c.kube, IncludeCRDs: c.crds, Values: vals})
			if (err != nil) != (helmErr != nil) {
				t.Fatalf("fluxlint: %v; helm template: %v %s", err, helmErr, stderr.String())
			}
			if err != nil {
				if !strings.Contains(stderr.String(), err.Error()) {
					t.Errorf("errors differ:\nfluxlint: %v\nhelm:     %s", err, stderr.String())
				}
				return
			}
			got, want := normalise(out.String()), normalise(stdout.String())
			if got != want {
				t.Errorf("fluxlint and helm template differ\n--- fluxlint\n%s\n--- helm template\n%s", got, want)
			}
		})
	}
	// Each chart was parsed once, however many cases used it.
	if loader.Loads != 3 {
		t.Errorf("charts loaded %d times, want 3", loader.Loads)
	}
}

// normalise sorts the documents of a stream, each with its "# Source:"
// line, and trims surrounding blank space.
func normalise(s string) string {
	var docs []string
	for _, d := range strings.Split("\n"+strings.TrimSpace(s), "\n---\n") {
		if d = strings.TrimSpace(d); d != "" && d != "---" {
			docs = append(docs, d)
		}
	}
	sort.Strings(docs)
	return strings.Join(docs, "\n---\n")
}
