package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

var findingLine = regexp.MustCompile(`^[^\s:]+:\d+:\d+: (error|warning|info): .+ \[[a-z-]+\]$`)

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
			t.Errorf("line %d is not file:line:col: severity: message [rule]: %q", i+1, l)
		}
		findings = append(findings, l)
	}
	// The seed's example is reported once as a cross-namespace reference
	// (and its v1beta APIs as removed).
	n := strings.Count(out, "[cross-namespace-ref]")
	if n != 1 {
		t.Errorf("seed 001 example: %d cross-namespace findings, want 1\n%s", n, out)
	}
	want := "infrastructure/nginx/release.yaml:15:20: error: HelmRelease nginx/nginx refers to HelmRepository flux-system/bitnami"
	if !strings.Contains(out, want) {
		t.Errorf("missing %q in\n%s", want, out)
	}
	if !strings.Contains(out, "    HelmRelease nginx/nginx via flux-system/flux-system > flux-system/infrastructure\n") {
		t.Errorf("the object and its chain should follow the finding:\n%s", out)
	}
	if !strings.Contains(errOut, "findings (") {
		t.Errorf("no summary on stderr: %q", errOut)
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
	}
}
