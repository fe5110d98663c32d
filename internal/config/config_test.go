package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`configNamespace: cluster-config
kustomizations:
  - name=infra path=./infrastructure prune=true
  - name: apps
    path: ./apps
    dependsOn: [infra]
sources:
  GitRepository/apps/tenant: ./tenants/dev
rules:
  prune: off
  health-checks: Info
exclude:
  - vendor/**
  - legacy/
strictSubstitute: false
`), ".fluxlint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.ConfigNamespace != "cluster-config" || len(c.Kustomizations) != 2 || c.Sources["GitRepository/apps/tenant"] != "./tenants/dev" {
		t.Errorf("parsed %+v", c)
	}
	if e := c.Kustomizations[1]; e.Name != "apps" || e.Path != "./apps" || len(e.DependsOn) != 1 || e.DependsOn[0] != "infra" || e.At.Line != 4 {
		t.Errorf("mapping entry %+v", e)
	}
	if c.Rules["prune"] != analysis.Off || c.Rules["health-checks"] != analysis.Info {
		t.Errorf("rules %v", c.Rules)
	}
	if c.StrictSubstitute == nil || *c.StrictSubstitute {
		t.Error("strictSubstitute: false was not read")
	}
	for path, want := range map[string]bool{"vendor/a/b.yaml": true, "legacy/x.yaml": true, "apps/vendor/x.yaml": false, "legacyx.yaml": false} {
		if c.Excluded(path) != want {
			t.Errorf("Excluded(%s) = %v", path, !want)
		}
	}
}

func TestParseErrorsNameTheirLine(t *testing.T) {
	for src, want := range map[string]string{
		"configNamespace: a\nprun: true\n":                  `.fluxlint.yaml:2:1: unknown key "prun"`,
		"rules:\n  prune: loud\n":                           ".fluxlint.yaml:2:10: rules: prune: want error, warning, info, off or default",
		"kustomizations:\n  - name=a path=./a colour=red\n": `.fluxlint.yaml:2:5: kustomization "name=a path=./a colour=red": unknown key "colour"`,
		"sources:\n  GitRepository/x: ./x\n":                `.fluxlint.yaml:2:3: sources: "GitRepository/x" is not Kind/namespace/name`,
		"strictSubstitute: sometimes\n":                     ".fluxlint.yaml:1:19: strictSubstitute: want true or false",
		"- a\n- b\n":                                        ".fluxlint.yaml:1:1: the configuration must be a mapping",
		"maxSourceInterval: soon\n":                         `.fluxlint.yaml:1:20: maxSourceInterval: want a positive duration such as 10m or 1h, not "soon"`,
		"allowedSources: https://github.com/x/**\n":         ".fluxlint.yaml:1:17: allowedSources: want a list of URL globs",
	} {
		_, err := Parse([]byte(src), ".fluxlint.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want %s...", src, err, want)
		}
	}
}

// Whatever .fluxlint.yaml holds (a pull request controls it), parsing it
// ends with a configuration or an error that names a line, and matching
// its exclude patterns ends too.
func FuzzParse(f *testing.F) {
	f.Add([]byte("configNamespace: cluster-config\nrules:\n  prune: off\nexclude:\n  - vendor/**\n  - '{a,b}/**/c'\nlimits:\n  objectsPerBuild: 10\n"))
	f.Add([]byte("kustomizations:\n  - name=apps path=./apps prune=true dependsOn=infra\n  - name: x\n    dependsOn: [a, b]\n"))
	f.Add([]byte("exclude: ['**/a/**/b/**/c/**/d/**/e/**/f/**/g/**/h']\n"))
	f.Add([]byte("sources:\n  GitRepository/a/b: ./x\nstrictSubstitute: false\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, ".fluxlint.yaml")
		if err != nil {
			var ce *Error
			if errors.As(err, &ce) && ce.Pos.File != ".fluxlint.yaml" {
				t.Fatalf("error without its file: %v", err)
			}
			return
		}
		c.Excluded(strings.Repeat("a/b/", 20) + "x.yaml")
		c.RuleNames()
	})
}

// The configuration is found in PATH, else above it up to the root of the
// Git repository, and never above that.
func TestFindWalksUpToTheGitRoot(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	sub := filepath.Join(repo, "clusters", "prod")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, ".fluxlint.yaml")
	os.WriteFile(outside, []byte("configNamespace: outside\n"), 0o644)
	if got := Find(sub); got != "" {
		t.Errorf("found %s above the Git root", got)
	}
	top := filepath.Join(repo, ".fluxlint.yaml")
	os.WriteFile(top, []byte("configNamespace: top\n"), 0o644)
	if got := Find(sub); got != top {
		t.Errorf("Find(%s) = %q, want %q", sub, got, top)
	}
	c, err := ForRepository(sub)
	if err != nil || c.ConfigNamespace != "top" {
		t.Errorf("ForRepository: %+v, %v", c, err)
	}
	near := filepath.Join(sub, ".fluxlint.yaml")
	os.WriteFile(near, []byte("configNamespace: near\n"), 0o644)
	if got := Find(sub); got != near {
		t.Errorf("the nearest file should win, got %q", got)
	}
	// Outside any Git repository, only the directory itself.
	plain := filepath.Join(root, "plain", "x")
	os.MkdirAll(plain, 0o755)
	if got := Find(plain); got != "" {
		t.Errorf("outside Git, found %q", got)
	}
}

// The rules' settings have their defaults here, and only here.
func TestRuleSettings(t *testing.T) {
	c, err := Parse([]byte("maxSourceInterval: 1h\nallowedSources:\n  - https://github.com/my-org/**\n"), ".fluxlint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.RuleSettings(); s.MaxSourceInterval.String() != "1h0m0s" || len(s.AllowedSources) != 1 {
		t.Errorf("settings %+v", s)
	}
	if s := (&Config{}).RuleSettings(); s.MaxSourceInterval != DefaultMaxSourceInterval || s.AllowedSources != nil {
		t.Errorf("defaults %+v", s)
	}
}
