package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every command prints its help to stdout and exits 0, and the help lists
// the flags the command takes.
func TestHelp(t *testing.T) {
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			code, out, errOut := run(args...)
			if code != ExitOK || !strings.HasPrefix(out, "Usage: fluxlint "+c.name) || errOut != "" {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
			}
		}
	}
	if code, out, _ := run("--help"); code != ExitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: exit %d %q", code, out)
	}
	// version --help is the help, not the version.
	if _, out, _ := run("version", "--help"); !strings.Contains(out, "--json") {
		t.Errorf("version --help: %q", out)
	}
}

func TestUnknownCommand(t *testing.T) {
	for typed, want := range map[string]string{"chek": "check", "rendr": "render", "migrat": "migrate", "rule": "rules"} {
		code, _, errOut := run(typed)
		if code != ExitError || !strings.Contains(errOut, `unknown command "`+typed+`" (did you mean `+want+`?)`) {
			t.Errorf("%s: exit %d %q", typed, code, errOut)
		}
	}
	// A path that exists is a path, whatever it looks like.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "chek"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(&strings.Builder{}, &strings.Builder{})
	e.workDir = dir
	if code := mainIn(e, []string{"chek", "--allow-empty"}); code != ExitOK {
		t.Errorf("an existing directory named like a command: exit %d", code)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run("version")
	if code != ExitOK || !strings.HasPrefix(out, "fluxlint ") || !strings.Contains(out, "built with go") {
		t.Errorf("version: exit %d %q", code, out)
	}
	if _, out2, _ := run("--version"); out2 != out {
		t.Errorf("--version %q differs from version %q", out2, out)
	}
	_, js, _ := run("version", "--json")
	var v struct{ Version, GoVersion string }
	if err := json.Unmarshal([]byte(js), &v); err != nil || v.Version == "" || !strings.HasPrefix(v.GoVersion, "go") {
		t.Errorf("version --json: %q %v", js, err)
	}
}

func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{"bash": "complete -o", "zsh": "#compdef fluxlint", "fish": "complete -c fluxlint"} {
		code, out, errOut := run("completion", shell)
		if code != ExitOK || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d %q %q", shell, code, errOut, out[:min(len(out), 200)])
		}
	}
	// What the shells ask: flags of a command, a flag's values, rule ids.
	for args, want := range map[string]string{
		"__complete check --fail":           "--fail-on",
		"__complete check --fail-on ":       "warning",
		"__complete migrate --st":           "--step",
		"__complete migrate --step ":        "suspend",
		"__complete rules cross":            "cross-namespace-ref",
		"__complete render --format ":       "yaml",
		"__complete --config-namespace x -": "--fail-on",
	} {
		_, out, _ := run(strings.Fields(args + " " + strings.Repeat("_", 0))...)
		if strings.HasSuffix(args, " ") {
			_, out, _ = run(append(strings.Fields(args), "")...)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%q: %q does not offer %s", args, out, want)
		}
	}
}

// Text output: one unit for columns (characters), colours only when asked
// or on a terminal without NO_COLOR.
func TestColumnsAndColor(t *testing.T) {
	repo := t.TempDir()
	line := `  sourceRef: {kind: GitRepository, name: "ünïcødé-🙂", namespace: other}`
	write(t, repo, "apps/ks.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: more\n  namespace: cluster-config\nspec:\n  interval: 10m\n  path: ./more\n  prune: true\n"+line+"\n")
	write(t, repo, "more/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: cluster-config\n")
	write(t, repo, ".fluxlint.yaml", "configNamespace: cluster-config\nkustomizations:\n  - name=apps path=./apps prune=true\n")
	_, out, errOut := run("check", "--format", "json", "--fail-on", "none", "--lockdown", repo)
	var rep struct {
		Findings []struct {
			Rule               string
			Line, Column       int
			EndLine, EndColumn int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule != "cross-namespace-ref" || f.Line != 10 {
			continue
		}
		found = true
		wantCol := utf8.RuneCountInString(line[:strings.Index(line, "other")]) + 1
		wantEnd := utf8.RuneCountInString(line) + 1
		if f.Column != wantCol || f.EndColumn != wantEnd {
			t.Errorf("columns %d..%d, want %d..%d in characters", f.Column, f.EndColumn, wantCol, wantEnd)
		}
	}
	if !found {
		t.Fatalf("no cross-namespace-ref finding on line 10:\n%s", out)
	}
	_, sarif, _ := run("check", "--format", "sarif", "--fail-on", "none", repo)
	if !strings.Contains(sarif, `"columnKind": "unicodeCodePoints"`) {
		t.Error("SARIF does not declare its column unit")
	}
	if _, out, _ := run("check", "--color", "always", "--fail-on", "none", "--lockdown", repo); !strings.Contains(out, "\x1b[1;31merror\x1b[0m") {
		t.Errorf("--color always:\n%q", out)
	}
	for _, args := range [][]string{{"--color", "never"}, {}} {
		if _, out, _ := run(append([]string{"check", "--fail-on", "none", "--lockdown"}, append(args, repo)...)...); strings.Contains(out, "\x1b[") {
			t.Errorf("%v: colours when not asked (not a terminal):\n%q", args, out)
		}
	}
	e := newEnv(&strings.Builder{}, &strings.Builder{})
	e.terminal = true
	t.Setenv("NO_COLOR", "1")
	if on, _ := e.useColor("auto"); on {
		t.Error("NO_COLOR does not turn colours off on a terminal")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	if on, _ := e.useColor("auto"); !on {
		t.Error("no colours on a terminal")
	}
	if code, _, errOut := run("check", "--color", "sometimes", repo); code != ExitError || !strings.Contains(errOut, "auto, always or never") {
		t.Errorf("--color sometimes: %d %q", code, errOut)
	}
}

func TestEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	for _, cmd := range []string{"check", "render"} {
		if code, _, errOut := run(cmd, dir); code != ExitError || !strings.Contains(errOut, "no Flux Kustomization found") {
			t.Errorf("%s on a directory without Flux: exit %d %q", cmd, code, errOut)
		}
		if code, _, _ := run(cmd, "--allow-empty", dir); code != ExitOK {
			t.Errorf("%s --allow-empty: exit %d", cmd, code)
		}
	}
}

func TestFlagsAgreeWithHelp(t *testing.T) {
	if code, _, errOut := run("check", "--fail-on", "off", "."); code != ExitError || !strings.Contains(errOut, "error, warning, info or none") {
		t.Errorf("--fail-on off: exit %d %q", code, errOut)
	}
	_, help, _ := run("check", "--help")
	if !strings.Contains(help, "error, warning, info or none") {
		t.Errorf("--fail-on help does not list its values:\n%s", help)
	}
	if code, _, errOut := run("migrate", "-w", "-l", "."); code != ExitError || !strings.Contains(errOut, "one at a time") {
		t.Errorf("migrate -w -l: exit %d %q", code, errOut)
	}
	if strings.Contains(help, "(default cluster-config)") {
		t.Error("help claims a default --config-namespace it does not have")
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
