package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The planted values of the hostile repositories: none may appear in any
// output, in any form, and nothing of the file outside the repository
// either.
const (
	plantedSecret  = "PLANTED-s3cr3t-value"
	plantedEnv     = "PLANTED-env-value"
	plantedEnvVar  = "PLANTED-process-env-token"
	outsideContent = "OUTSIDE-REPOSITORY-bytes"
)

var hostileRoot = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/test
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`

func hostileApps(extra string) string {
	return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
` + extra
}

const secretPatch = `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: ` + plantedSecret + `
   user: [admin
`

// hostileCases are the repositories of every class of hostile input: name
// -> files. Big inputs are generated here, never committed.
func hostileCases(outside string) map[string]map[string]string {
	bomb := func() string {
		var parts []string
		prev := "x"
		for i := 0; i < 10; i++ {
			name := fmt.Sprintf("l%d", i)
			parts = append(parts, fmt.Sprintf("&%s [%s,%s,%s,%s,%s]", name, prev, prev, prev, prev, prev))
			prev = "*" + name
		}
		return "a: [" + strings.Join(parts, ", ") + "]\n"
	}()
	cm := func(name, data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: apps\ndata:\n  " + data + "\n"
	}
	kust := func(body string) string {
		return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + body
	}
	cases := map[string]map[string]string{
		"alias-bomb-listed":      {"apps/kustomization.yaml": kust("resources: [cm.yaml, bomb.yaml]\n"), "apps/cm.yaml": cm("a", "k: v"), "apps/bomb.yaml": bomb},
		"alias-bomb-scanned":     {"apps/cm.yaml": cm("a", "k: v"), "apps/bomb.yaml": bomb},
		"alias-bomb-txt":         {"apps/kustomization.yaml": kust("resources: [bomb.txt]\n"), "apps/bomb.txt": bomb},
		"alias-cycle":            {"apps/cm.yaml": cm("a", "k: v"), "apps/cycle.yaml": "a: &a [*a]\n"},
		"unknown-anchor":         {"apps/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\nstringData:\n  password: *" + plantedSecret + "\n"},
		"literal-without-equals": {"apps/kustomization.yaml": kust("secretGenerator:\n  - name: creds\n    namespace: apps\n    literals:\n      - user=admin\n      - " + plantedSecret + "\n")},
		"env-invalid-utf8": {"apps/kustomization.yaml": kust("secretGenerator:\n  - name: creds\n    namespace: apps\n    envs: [creds.env]\n"),
			"apps/creds.env": "PASSWORD=" + plantedEnv + "\xff\n"},
		"kustomize-patch-unparsable": {"apps/kustomization.yaml": kust("resources: [cm.yaml]\npatches:\n  - patch: |\n" + indent(secretPatch, "      ")), "apps/cm.yaml": cm("a", "k: v")},
		"flux-patch-unparsable":      {"clusters/test/apps.yaml": hostileApps("  patches:\n    - patch: |\n" + indent(secretPatch, "        ")), "apps/cm.yaml": cm("a", "k: v")},
		"patch-and-path": {"apps/kustomization.yaml": kust("resources: [cm.yaml]\npatches:\n  - path: p.yaml\n    patch: |\n" + indent(strings.Replace(secretPatch, "   user: [admin\n", "", 1), "      ")),
			"apps/cm.yaml": cm("a", "k: v"), "apps/p.yaml": cm("a", "k: w")},
		"wrong-tag-substitute": {"clusters/test/apps.yaml": hostileApps("  postBuild:\n    substitute:\n      X: y\n"),
			"apps/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\nstringData:\n  password: !!int " + plantedSecret + "\n"},
		"data-is-a-list":     {"apps/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\ndata:\n  - " + base64.StdEncoding.EncodeToString([]byte(plantedSecret)) + "\n"},
		"stringdata-string":  {"apps/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\nstringData: " + plantedSecret + "\n"},
		"env-line-no-equals": {"apps/kustomization.yaml": kust("secretGenerator:\n  - name: creds\n    namespace: apps\n    envs: [creds.env]\n"), "apps/creds.env": "USER=admin\n" + plantedEnv + "\nFLUXLINT_HOSTILE_TOKEN\n"},
		"merge-keys":         {"apps/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\n  labels: &base\n    password: " + plantedSecret + "\nstringData:\n  <<: *base\n  user: admin\n"},
		"migrate-values-secret": {
			"apps/release.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: nginx\n  namespace: nginx\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: nginx\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n  valuesFrom:\n    - kind: Secret\n      name: nginx-values\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: nginx-values\n  namespace: nginx\nstringData:\n  values.yaml: |\n    password: " + plantedSecret + "\n",
			"apps/repo.yaml":    "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://charts.example.com\n"},
		"remote-entries": {"apps/kustomization.yaml": kust("resources:\n  - cm.yaml\n  - file://" + outside + "\n  - FILE://" + outside + "\n  - git@github.com:org/repo//deploy\n  - github.com/org/repo/deploy\n  - " + outside + "/secret.yaml\n  - ../../outside/secret.yaml\n"),
			"apps/cm.yaml": cm("a", "k: v")},
		"exclude-backtracking": {".fluxlint.yaml": "exclude:\n  - '**/a/**/b/**/c/**/d/**/e/**/f/**/g/**/h'\n  - '{x,y}/**'\n",
			"apps/cm.yaml": cm("a", "k: v")},
	}
	// Unbounded time and memory, generated.
	var many strings.Builder
	for i := 0; i < 5000; i++ {
		many.WriteString("---\n" + cm(fmt.Sprintf("cm-%d", i), "k: v"))
	}
	cases["objects-5000"] = map[string]string{"apps/cms.yaml": many.String()}
	diamond := map[string]string{"clusters/test/apps.yaml": strings.Replace(hostileApps(""), "./apps", "./apps/l0", 1)}
	for i := 0; i < 16; i++ {
		diamond[fmt.Sprintf("apps/l%d/kustomization.yaml", i)] = fmt.Sprintf("namePrefix: p%d-\nresources:\n  - ../l%d\n  - ../l%db\n", i, i+1, i+1)
		diamond[fmt.Sprintf("apps/l%db/kustomization.yaml", i+1)] = fmt.Sprintf("namePrefix: q%d-\nresources:\n  - ../l%d\n", i, i+1)
	}
	diamond["apps/l16/kustomization.yaml"] = "resources: [cm.yaml]\n"
	diamond["apps/l16/cm.yaml"] = cm("leaf", "k: v")
	cases["diamond-16"] = diamond
	big := strings.Repeat("x", 4096)
	cases["substitution-4k-x100k"] = map[string]string{
		"clusters/test/apps.yaml": hostileApps("  postBuild:\n    substitute:\n      BIG: " + big + "\n"),
		"apps/cm.yaml":            cm("big", "k: \""+strings.Repeat("${BIG}", 100000)+"\""),
	}
	var huge strings.Builder
	for huge.Len() < 55<<20 {
		huge.WriteString("- {name: item, value: " + strings.Repeat("y", 100) + "}\n")
	}
	cases["unrendered-55mb"] = map[string]string{"apps/cm.yaml": cm("a", "k: v"), "unrendered/huge.yaml": huge.String()}
	return cases
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

// TestHostileInputs runs every command and output format over the hostile
// repositories, as the built binary under a 4 GB address-space limit and a
// 30 s deadline. Each must exit 0, 1 or 2, print no Go stack, and print no
// planted value (as written, base64-encoded or as a Go byte list) and no
// byte of the file outside the repository. No child process may run: a
// git on PATH records any call.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fluxlint and generates large repositories")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "fluxlint")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/fluxlint")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fakeBin := filepath.Join(tmp, "fakebin")
	marker := filepath.Join(tmp, "a-process-ran")
	os.MkdirAll(fakeBin, 0o755)
	for _, name := range []string{"git", "kustomize", "helm", "sh"} {
		os.WriteFile(filepath.Join(fakeBin, name), []byte("#!/bin/sh\necho \"$0 $*\" >> "+marker+"\n"), 0o755)
	}
	outside := filepath.Join(tmp, "outside")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: "+outsideContent+"\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "kustomization.yaml"), []byte("resources: [secret.yaml]\n"), 0o644)

	forbidden := []string{}
	for _, v := range []string{plantedSecret, plantedEnv, plantedEnvVar, outsideContent} {
		forbidden = append(forbidden, v, base64.StdEncoding.EncodeToString([]byte(v)), strings.Trim(fmt.Sprint([]byte(v)), "[]"))
	}
	modes := [][]string{
		{"check", "--format=text"}, {"check", "--format=json"}, {"check", "--format=sarif"}, {"check", "--format=github"},
		{"render", "--format=yaml"}, {"render", "--format=json"}, {"migrate", "--config-namespace=cluster-config"},
	}
	for name, files := range hostileCases(outside) {
		t.Run(name, func(t *testing.T) {
			repo := filepath.Join(tmp, "repos", name)
			all := map[string]string{"clusters/test/flux-system.yaml": hostileRoot, "clusters/test/apps.yaml": hostileApps("")}
			for p, s := range files {
				all[p] = s
			}
			for p, s := range all {
				full := filepath.Join(repo, filepath.FromSlash(p))
				os.MkdirAll(filepath.Dir(full), 0o755)
				if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range modes {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				cmd := exec.CommandContext(ctx, "/bin/bash", "-c", `ulimit -v 4000000 && exec "$@"`, "fluxlint", bin)
				cmd.Args = append(cmd.Args, append(args, repo)...)
				cmd.Env = []string{"PATH=" + fakeBin, "HOME=" + tmp, "FLUXLINT_HOSTILE_TOKEN=" + plantedEnvVar}
				start := time.Now()
				out, _ := cmd.CombinedOutput()
				timedOut := ctx.Err() == context.DeadlineExceeded
				cancel()
				took := time.Since(start)
				code := cmd.ProcessState.ExitCode()
				what := strings.Join(args, " ")
				if timedOut {
					t.Errorf("%s: still running after %v", what, took)
				}
				if code < 0 || code > 2 {
					t.Errorf("%s: exit %d\n%s", what, code, tail(out))
				}
				for _, s := range []string{"goroutine ", "panic:", "fatal error:"} {
					if strings.Contains(string(out), s) {
						t.Errorf("%s: a Go stack (%q):\n%s", what, s, tail(out))
					}
				}
				for _, f := range forbidden {
					if strings.Contains(string(out), f) {
						t.Errorf("%s: the output holds %q", what, f)
					}
				}
			}
			if b, err := os.ReadFile(marker); err == nil {
				t.Errorf("a child process ran: %s", b)
			}
		})
	}
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
