package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// history is a Git repository a test builds commit by commit.
type history struct {
	t   *testing.T
	dir string
}

func newHistory(t *testing.T) *history {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	g := &history{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	g.git("init", "-q", "-b", "main", g.dir)
	return g
}

func (g *history) git(args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", args...)
	if args[0] != "init" {
		cmd.Dir = g.dir
	}
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (g *history) write(files map[string]string) {
	g.t.Helper()
	for name, content := range files {
		p := filepath.Join(g.dir, filepath.FromSlash(name))
		if content == "" {
			os.Remove(p)
			continue
		}
		write(g.t, g.dir, name, content)
	}
}

func (g *history) commit(msg string, files map[string]string) {
	g.t.Helper()
	g.write(files)
	g.git("add", "-A")
	g.git("commit", "-q", "-m", msg)
}

func cm(name, data string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: cluster-config\ndata:\n  " + data + "\n"
}

func ks(name string, prune bool) string {
	p := "false"
	if prune {
		p = "true"
	}
	return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name + "\n  namespace: cluster-config\nspec:\n  interval: 10m\n  wait: true\n  path: ./" + name + "\n  prune: " + p + "\n  sourceRef:\n    kind: GitRepository\n    name: cluster-config\n"
}

const secretValue1, secretValue2 = "s3cr3t-value-number-1", "s3cr3t-value-number-2"

// reviewRepo is main with a feature branch: the branch changes an object
// only through a patch in another file, removes objects under prune: true
// and prune: false, renames one, changes a Secret's value and adds a
// Kustomization with a finding; main moves on meanwhile with a finding of
// its own.
func reviewRepo(t *testing.T) *history {
	g := newHistory(t)
	g.commit("base", map[string]string{
		".fluxlint.yaml":          "configNamespace: cluster-config\nkustomizations:\n  - name=apps path=./apps prune=true\n  - name=keep path=./keep prune=false\n",
		"apps/kustomization.yaml": "resources:\n  - settings.yaml\n  - old.yaml\n  - renamed.yaml\n  - legacy.yaml\npatches:\n  - path: patch.yaml\n",
		"apps/settings.yaml":      cm("settings", "level: info"),
		"apps/patch.yaml":         cm("settings", `extra: "1"`),
		"apps/old.yaml":           cm("gone-pruned", "a: b"),
		"apps/renamed.yaml":       cm("before-name", "a: b"),
		"apps/legacy.yaml":        ks("legacy", false),
		"legacy/cm.yaml":          cm("legacy-cm", "a: b"),
		"keep/kustomization.yaml": "resources:\n  - gone.yaml\n  - secret.yaml\n",
		"keep/gone.yaml":          cm("gone-kept", "a: b"),
		"keep/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: cluster-config\nstringData:\n  password: " + secretValue1 + "\n",
	})
	g.git("checkout", "-q", "-b", "feature")
	g.commit("feature", map[string]string{
		"apps/kustomization.yaml": "resources:\n  - settings.yaml\n  - renamed.yaml\n  - legacy.yaml\n  - fresh.yaml\npatches:\n  - path: patch.yaml\n",
		"apps/patch.yaml":         cm("settings", `extra: "2"`),
		"apps/old.yaml":           "",
		"apps/renamed.yaml":       cm("after-name", "a: b"),
		"apps/fresh.yaml":         ks("fresh", false),
		"fresh/cm.yaml":           cm("fresh-cm", "a: b"),
		"keep/kustomization.yaml": "resources:\n  - secret.yaml\n",
		"keep/gone.yaml":          "",
		"keep/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: cluster-config\nstringData:\n  password: " + secretValue2 + "\n",
	})
	g.git("checkout", "-q", "main")
	g.commit("main moves on", map[string]string{
		"keep/kustomization.yaml": "resources:\n  - gone.yaml\n  - secret.yaml\n  - mainonly.yaml\n",
		"keep/mainonly.yaml":      ks("mainonly", false),
		"mainonly/cm.yaml":        cm("mainonly-cm", "a: b"),
	})
	g.git("checkout", "-q", "feature")
	return g
}

func TestDiff(t *testing.T) {
	g := reviewRepo(t)
	code, out, errOut := run("diff", "--base", "main", "--no-cache", g.dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"merge base of HEAD and main",
		"changed ConfigMap cluster-config/settings",
		`-  extra: "1"`, `+  extra: "2"`,
		"removed ConfigMap cluster-config/gone-pruned: deleted from the cluster (its Kustomization prunes)",
		"removed ConfigMap cluster-config/gone-kept: left in the cluster (its Kustomization does not prune)",
		"removed ConfigMap cluster-config/before-name",
		"added   ConfigMap cluster-config/after-name",
		"changed Secret cluster-config/db: a Secret value changed (values are never shown)",
		"Findings this change introduces (1):",
		"Kustomization cluster-config/fresh has prune: false",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the diff lacks %q:\n%s", want, out)
		}
	}
	for _, never := range []string{secretValue1, secretValue2, "mainonly", "legacy has prune"} {
		if strings.Contains(out, never) {
			t.Errorf("the diff shows %q:\n%s", never, out)
		}
	}
	_, js, _ := run("diff", "--base", "main", "--no-cache", "--format", "json", g.dir)
	var doc struct {
		Version        int
		Kustomizations []struct {
			Kustomization string
			Removed       []struct {
				Name               string
				DeletedFromCluster *bool
			}
		}
		Introduced []struct{ Rule, File string }
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || doc.Version != 1 || len(doc.Introduced) != 1 {
		t.Fatalf("json: %v %+v\n%s", err, doc, js)
	}
	fates := map[string]bool{}
	for _, k := range doc.Kustomizations {
		for _, r := range k.Removed {
			fates[r.Name] = *r.DeletedFromCluster
		}
	}
	if !fates["gone-pruned"] || fates["gone-kept"] {
		t.Errorf("fates of removed objects: %v", fates)
	}
	// The work tree and the index are left as they were.
	if st := g.git("status", "--porcelain"); st != "" {
		t.Errorf("the review changed the work tree or index:\n%s", st)
	}
}

// check --new-from-rev reports the findings on what the change touches,
// through a patch or elsewhere, and not those that were there before.
func TestNewFromRev(t *testing.T) {
	g := reviewRepo(t)
	_, out, errOut := run("check", "--new-from-rev", "main", "--no-cache", "--fail-on", "none", g.dir)
	if !strings.Contains(out, "cluster-config/fresh has prune: false") {
		t.Errorf("the new finding is missing:\n%s%s", out, errOut)
	}
	for _, never := range []string{"legacy has prune", "mainonly", secretValue1, secretValue2} {
		if strings.Contains(out, never) {
			t.Errorf("reports %q, which the change did not bring:\n%s", never, out)
		}
	}
	// The Secret changed, so its plaintext finding is the change's too.
	if !strings.Contains(out, "Secret cluster-config/db is stored in Git unencrypted") {
		t.Errorf("the finding on the changed Secret is missing:\n%s", out)
	}
}

// check --staged checks what is staged against HEAD.
func TestStaged(t *testing.T) {
	g := reviewRepo(t)
	g.write(map[string]string{"apps/patch.yaml": cm("settings", `extra: "3"`), "apps/legacy.yaml": ks("legacy", false) + "# a comment\n"})
	g.git("add", "apps/patch.yaml")
	g.write(map[string]string{"apps/renamed.yaml": cm("after-name", "a: unstaged")})
	_, out, errOut := run("check", "--staged", "--no-cache", "--fail-on", "none", g.dir)
	if strings.Contains(out, "legacy has prune") || strings.Contains(out, "fresh has prune") {
		t.Errorf("--staged reports findings on objects nothing staged changes:\n%s%s", out, errOut)
	}
	if !strings.Contains(errOut, "no findings") {
		t.Errorf("want no findings, got:\n%s%s", out, errOut)
	}
}

// When the work tree holds exactly what is staged, check --staged reads it
// in place of the index; what it prints is what it prints when it has to
// extract the index (an untracked file forces that).
func TestStagedWorkTreeIsIndex(t *testing.T) {
	g := reviewRepo(t)
	g.write(map[string]string{"apps/patch.yaml": cm("settings", `extra: "3"`),
		"keep/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: cluster-config\nstringData:\n  password: staged-" + secretValue2 + "\n"})
	g.git("add", "-A")
	code, out, errOut := run("check", "--staged", "--no-cache", "--fail-on", "none", "--format", "json", g.dir)
	g.write(map[string]string{"notes.txt": "untracked\n"})
	code2, out2, errOut2 := run("check", "--staged", "--no-cache", "--fail-on", "none", "--format", "json", g.dir)
	if code != code2 || out != out2 || errOut != errOut2 {
		t.Errorf("the work tree in place of the index prints\n%d %s%s\nextracting it prints\n%d %s%s", code, out, errOut, code2, out2, errOut2)
	}
	if !strings.Contains(out, "Secret cluster-config/db is stored in Git unencrypted") || strings.Contains(out, secretValue2) {
		t.Errorf("the staged change's finding is missing, or shows the value:\n%s", out)
	}
}

// The markdown comment carries its marker and stays under its limit,
// saying what it left out.
func TestDiffMarkdownLimit(t *testing.T) {
	g := newHistory(t)
	files := map[string]string{
		".fluxlint.yaml": "configNamespace: cluster-config\nkustomizations:\n  - name=a path=./a prune=true\n  - name=b path=./b prune=true\n  - name=c path=./c prune=true\n",
	}
	for _, k := range []string{"a", "b", "c"} {
		files[k+"/cm.yaml"] = cm(k, "v: "+strings.Repeat("x", 900))
	}
	g.commit("base", files)
	g.git("checkout", "-q", "-b", "f")
	for _, k := range []string{"a", "b", "c"} {
		files[k+"/cm.yaml"] = cm(k, "v: "+strings.Repeat("y", 900))
	}
	g.commit("f", files)
	_, full, _ := run("diff", "--base", "main", "--no-cache", "--format", "markdown", g.dir)
	_, out, _ := run("diff", "--base", "main", "--no-cache", "--format", "markdown", "--limit", "3000", g.dir)
	if !strings.HasPrefix(full, "<!-- fluxlint -->\n") || strings.Count(full, "<details>") != 3 {
		t.Fatalf("full comment:\n%s", full)
	}
	if len(out) > 3000 || !strings.HasPrefix(out, "<!-- fluxlint -->\n") || !strings.Contains(out, "Kustomization(s) left out") || !strings.Contains(out, "Run `fluxlint diff") {
		t.Errorf("%d characters:\n%s", len(out), out)
	}
}
