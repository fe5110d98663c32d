package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fluxlint/fluxlint/internal/tools/sarifschema"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(args, &o, &e)
	return code, o.String(), e.String()
}

const analyzerData = "../../testdata/analyzers"

func TestCheckExitCodes(t *testing.T) {
	clean := filepath.Join(analyzerData, "config-namespace", "off")
	if code, out, errOut := run("check", "--config-namespace=", clean); code != ExitOK {
		t.Errorf("clean repository: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(filepath.Join(analyzerData, "prune", "basic")); code != ExitFindings {
		t.Errorf("check is the default command and exits 1 on an error finding; got %d", code)
	}
	if code, _, _ := run("check", "--fail-on=none", filepath.Join(analyzerData, "prune", "basic")); code != ExitOK {
		t.Errorf("--fail-on=none: exit %d", code)
	}
	if code, _, _ := run("check", "--fail-on=warning", filepath.Join(analyzerData, "health-checks", "basic")); code != ExitFindings {
		t.Errorf("--fail-on=warning with warnings: exit %d", code)
	}
	if code, _, _ := run("check", "--fail-on=error", filepath.Join(analyzerData, "health-checks", "basic")); code != ExitOK {
		t.Errorf("--fail-on=error with only warnings: exit %d", code)
	}
	if code, _, errOut := run("check", "--no-such-flag", "."); code != ExitError || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("bad flag: exit %d, %q", code, errOut)
	}
	if code, _, errOut := run("check", filepath.Join(t.TempDir(), "missing")); code != ExitError || !strings.Contains(errOut, "cannot open repository") {
		t.Errorf("missing repository: exit %d, %q", code, errOut)
	}
	if code, _, _ := run("no-such-command"); code != ExitError {
		t.Errorf("unknown command: exit %d", code)
	}
}

var findingLine = regexp.MustCompile(`^[^\s:]+:\d+:\d+: (error|warning|info) \[[a-z-]+\]$`)

func TestCheckTextOutput(t *testing.T) {
	code, out, errOut := run("check", filepath.Join(analyzerData, "cross-namespace-ref", "seed-001"))
	if code != ExitFindings {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var findings []string
	for i, l := range lines {
		if strings.HasPrefix(l, "    ") {
			continue
		}
		if !findingLine.MatchString(l) {
			t.Errorf("line %d is not file:line:col: severity [rule]: %q", i+1, l)
		}
		findings = append(findings, l)
	}
	// The seed's example is reported once as a cross-namespace reference
	// (and its v1beta APIs as removed).
	n := strings.Count(out, "[cross-namespace-ref]")
	if n != 1 {
		t.Errorf("seed 001 example: %d cross-namespace findings, want 1\n%s", n, out)
	}
	want := "infrastructure/nginx/release.yaml:15:20: error [cross-namespace-ref]\n    HelmRelease nginx/nginx refers to HelmRepository flux-system/bitnami"
	if !strings.Contains(out, want) {
		t.Errorf("missing %q in\n%s", want, out)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) > 100 && strings.Contains(l, " ") && strings.HasPrefix(l, " ") {
			t.Errorf("a line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	if !strings.Contains(out, "    at HelmRelease nginx/nginx via flux-system/flux-system > flux-system/infrastructure\n") {
		t.Errorf("the object and its chain should follow the finding:\n%s", out)
	}
	// The summary on stderr counts exactly the finding lines printed.
	if want := fmt.Sprintf("%d findings (", len(findings)); !strings.Contains(errOut, want) {
		t.Errorf("summary %q does not count the %d finding lines", errOut, len(findings))
	}
}

// No output of any command ever holds a secret value: the values planted in
// the plaintext-secret fixtures must not appear, in any format.
func TestNoSecretValueInAnyOutput(t *testing.T) {
	planted := []string{"hunter2-PLANTED-7f3a9c", "plain-PLANTED-key-123", "literal-PLANTED-55", "json-PLANTED-99",
		"sk-live-PLANTED-base64", "OUTSIDE-THE-REPOSITORY-VALUE"}
	repos := []string{
		filepath.Join(analyzerData, "plaintext-secret", "plain"),
		filepath.Join(analyzerData, "plaintext-secret", "sops"),
		filepath.Join(analyzerData, "plaintext-secret", "generator"),
	}
	for _, repo := range repos {
		for _, args := range outputCommands() {
			_, out, errOut := run(append(args, repo)...)
			for _, p := range planted {
				if strings.Contains(out, p) || strings.Contains(errOut, p) {
					t.Errorf("fluxlint %s %s printed the secret value %q", strings.Join(args, " "), repo, p)
				}
			}
			if out == "" {
				t.Errorf("fluxlint %s %s printed nothing", strings.Join(args, " "), repo)
			}
		}
	}
	// The planted values are really in the fixtures, so the test can fail.
	b, err := os.ReadFile(filepath.Join(repos[0], "apps", "secrets.yaml"))
	if err != nil || !bytes.Contains(b, []byte(planted[0])) {
		t.Fatalf("the fixture lost its planted value: %v", err)
	}
}

// outputCommands are the commands and formats whose output is checked for
// secret values.
func outputCommands() [][]string {
	return [][]string{
		{"render"},
		{"render", "--format=json"},
		{"check"},
		{"check", "--format=json"},
		{"check", "--format=sarif"},
		{"check", "--format=github"},
	}
}

// gitRepo copies a fixture into a new git repository with one commit.
func gitRepo(t *testing.T, fixture string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	copyTree(t, fixture, dir)
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "initial")
	return dir
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestNewFromRevAndStaged(t *testing.T) {
	dir := gitRepo(t, filepath.Join(analyzerData, "health-checks", "basic"))
	// Nothing changed since HEAD: nothing to report.
	if code, out, errOut := run("check", "--fail-on=warning", "--new-from-rev=HEAD", dir); code != ExitOK || out != "" {
		t.Fatalf("unchanged repository: exit %d\n%s%s", code, out, errOut)
	}
	// A new Kustomization without health checks, in a new file.
	ks := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: added\n  namespace: flux-system\n" +
		"spec:\n  interval: 5m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
	if err := os.WriteFile(filepath.Join(dir, "clusters", "test", "added.yaml"), []byte(ks), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run("check", "--fail-on=warning", "--new-from-rev=HEAD", dir)
	if code != ExitFindings || strings.Count(out, "[health-checks]") != 1 || !strings.Contains(out, "clusters/test/added.yaml:6:1") {
		t.Errorf("--new-from-rev HEAD should report only the new file's finding; exit %d\n%s", code, out)
	}
	// The whole repository still has its four findings.
	if _, out, _ := run("check", "--fail-on=warning", dir); strings.Count(out, "[health-checks]") != 4 {
		t.Errorf("without --new-from-rev:\n%s", out)
	}
	// --staged: nothing staged yet, then the new file staged.
	if code, out, _ := run("check", "--fail-on=warning", "--staged", dir); code != ExitOK || out != "" {
		t.Errorf("nothing staged: exit %d\n%s", code, out)
	}
	gitIn(t, dir, "add", "clusters/test/added.yaml")
	if code, out, _ := run("check", "--fail-on=warning", "--staged", dir); code != ExitFindings || strings.Count(out, "[health-checks]") != 1 {
		t.Errorf("staged file: exit %d\n%s", code, out)
	}
	if code, _, errOut := run("check", "--new-from-rev=no-such-rev", dir); code != ExitError || !strings.Contains(errOut, "--new-from-rev") {
		t.Errorf("bad revision: exit %d %q", code, errOut)
	}
}

func TestConfigCommandAndErrors(t *testing.T) {
	code, out, _ := run("config", "../../testdata/demo")
	if code != ExitOK || !strings.Contains(out, "configNamespace: cluster-config") || !strings.Contains(out, "- name=apps path=./apps/staging prune=true dependsOn=infra") || !strings.Contains(out, "prune: warning") {
		t.Errorf("config: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".fluxlint.yaml"), []byte("rules:\n  prune: off\n  no-such-rule: error\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run("check", dir); code != ExitError || !strings.Contains(errOut, `.fluxlint.yaml:3:3: rules: no rule "no-such-rule"`) {
		t.Errorf("unknown rule in the configuration: exit %d %q", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, ".fluxlint.yaml"), []byte("configNamespace: x\nexclud: [a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run("render", dir); code != ExitError || !strings.Contains(errOut, `.fluxlint.yaml:2:1: unknown key "exclud"`) {
		t.Errorf("unknown key: exit %d %q", code, errOut)
	}
}

// SARIF from real repositories validates against the SARIF 2.1.0 schema,
// with real regions.
func TestCheckSARIFValidates(t *testing.T) {
	sch, err := sarifschema.Compile("../../testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, repo := range []string{"../../testdata/demo", filepath.Join(analyzerData, "suppression", "basic"), filepath.Join(analyzerData, "plaintext-secret", "generator")} {
		out := filepath.Join(t.TempDir(), "out.sarif")
		code, _, errOut := run("check", "--format=sarif", "--output="+out, repo)
		if code == ExitError {
			t.Fatalf("%s: %s", repo, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := sarifschema.Validate(sch, b); err != nil {
			t.Errorf("%s: %v", repo, err)
		}
		if !bytes.Contains(b, []byte(`"startLine"`)) || bytes.Contains(b, []byte(`"startLine": 0`)) {
			t.Errorf("%s: no real regions in\n%s", repo, b)
		}
	}
}

func TestStrictSubstituteFlag(t *testing.T) {
	repo := "../../testdata/render/substitute/repo"
	if code, _, errOut := run("render", repo); code != ExitError || !strings.Contains(errOut, "${UNDEFINED_VAR} is not set") {
		t.Errorf("strict by default: exit %d %q", code, errOut)
	}
	if code, out, errOut := run("render", "--strict-substitute=false", repo); code != ExitOK || strings.Contains(errOut, "UNDEFINED_VAR") || !strings.Contains(out, "missing: null") {
		t.Errorf("--strict-substitute=false: exit %d %q", code, errOut)
	}
}

// The configuration's rules and exclude patterns change what is reported.
func TestConfigRulesAndExclusions(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "repo")
	copyTree(t, filepath.Join(analyzerData, "prune", "basic"), repo)
	_, out, _ := run("check", "--fail-on=none", repo)
	if !strings.Contains(out, "warning [prune]\n    Kustomization flux-system/no-prune has prune: false") {
		t.Fatalf("before configuring:\n%s", out)
	}
	cfg := "rules:\n  prune: info\n  health-checks: off\nexclude:\n  - clusters/other/**\n"
	os.WriteFile(filepath.Join(repo, ".fluxlint.yaml"), []byte(cfg), 0o644)
	if code, out, _ := run("check", repo); code != ExitOK || !strings.Contains(out, "info [prune]\n    Kustomization flux-system/no-prune has prune: false") || !strings.Contains(out, "info [prune]\n    Kustomization flux-system/missing-prune") {
		t.Errorf("prune at info severity: exit %d\n%s", code, out)
	}
	os.WriteFile(filepath.Join(repo, ".fluxlint.yaml"), []byte("exclude:\n  - clusters/test/apps.yaml\n"), 0o644)
	if code, out, _ := run("check", "--fail-on=info", repo); code != ExitOK || out != "" {
		t.Errorf("excluded file: exit %d\n%s", code, out)
	}
}
