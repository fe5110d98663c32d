package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook runs the real pre-commit framework with the hooks of
// .pre-commit-hooks.yaml, as a user's repository would, on a throwaway git
// repository: a commit that adds a plaintext Secret is refused, a good one
// goes through. pre-commit installs fluxlint from this repository's HEAD
// commit with "go install". CI sets FLUXLINT_REQUIRE_PRECOMMIT=1 so that a
// missing pre-commit fails instead of skipping.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fluxlint through pre-commit")
	}
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		if os.Getenv("FLUXLINT_REQUIRE_PRECOMMIT") != "" {
			t.Fatal("pre-commit is not installed")
		}
		t.Skip("pre-commit is not installed")
	}
	top := strings.TrimSpace(output(t, ".", "git", "rev-parse", "--show-toplevel"))
	head := strings.TrimSpace(output(t, ".", "git", "rev-parse", "HEAD"))
	if out := output(t, top, "git", "show", "HEAD:.pre-commit-hooks.yaml"); !strings.Contains(out, "id: fluxlint-migrate-check") {
		t.Skip("HEAD has no .pre-commit-hooks.yaml yet")
	}

	env := preCommitEnv(t)

	t.Run("fluxlint", func(t *testing.T) {
		repo, run, must := hookRepo(t, preCommit, top, head, "fluxlint", filepath.Join(analyzerData, "prune", "parent-patch"), env)
		secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: hunter2-from-a-commit\n"
		if err := os.WriteFile(filepath.Join(repo, "apps", "a", "secret.yaml"), []byte(secret), 0o644); err != nil {
			t.Fatal(err)
		}
		must("git", "add", "apps/a/secret.yaml")
		out, err := run("git", "commit", "-m", "add a Secret in plain text")
		if err == nil {
			t.Fatalf("the commit of a plaintext Secret went through:\n%s", out)
		}
		if !strings.Contains(out, "apps/a/secret.yaml:7:3: error [plaintext-secret]\n    Secret default/db is stored in Git unencrypted") || strings.Contains(out, "hunter2") {
			t.Errorf("the hook's output should name the Secret and its key, never the value:\n%s", out)
		}
		must("git", "rm", "-q", "--cached", "apps/a/secret.yaml")
		if err := os.Remove(filepath.Join(repo, "apps", "a", "secret.yaml")); err != nil {
			t.Fatal(err)
		}
		good := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  level: info\n"
		if err := os.WriteFile(filepath.Join(repo, "apps", "a", "settings.yaml"), []byte(good), 0o644); err != nil {
			t.Fatal(err)
		}
		must("git", "add", "apps/a/settings.yaml")
		if out, err := run("git", "commit", "-m", "add a ConfigMap"); err != nil {
			t.Fatalf("a good commit was refused: %v\n%s", err, out)
		}
		// A file with an old error finding (committed past the hook) and a
		// clean object: a commit that touches only the clean object goes
		// through, since the hook reports what the commit changes.
		mixed := func(level string) string {
			return secret + "---\n" + strings.Replace(good, "level: info", "level: "+level, 1)
		}
		mixedPath := filepath.Join(repo, "apps", "a", "mixed.yaml")
		if err := os.WriteFile(mixedPath, []byte(strings.Replace(mixed("info"), "name: settings", "name: other", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		must("git", "add", "apps/a/mixed.yaml")
		must("git", "commit", "-q", "--no-verify", "-m", "an old finding, committed past the hook")
		if err := os.WriteFile(mixedPath, []byte(strings.Replace(mixed("debug"), "name: settings", "name: other", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		must("git", "add", "apps/a/mixed.yaml")
		if out, err := run("git", "commit", "-m", "a one-line change to the clean object"); err != nil {
			t.Fatalf("a change to a clean object was refused for an old finding in its file: %v\n%s", err, out)
		}
	})

	t.Run("fluxlint-migrate-check", func(t *testing.T) {
		repo, run, must := hookRepo(t, preCommit, top, head, "fluxlint-migrate-check", "../../testdata/migrate/seed-001/before", env)
		release := filepath.Join(repo, "infrastructure", "nginx", "release.yaml")
		b, _ := os.ReadFile(release)
		os.WriteFile(release, append(b, "    ingressClassResource:\n      default: true\n"...), 0o644)
		must("git", "add", "-A")
		if out, err := run("git", "commit", "-m", "tune nginx"); err == nil || !strings.Contains(out, "Step 2 of 2") {
			t.Fatalf("a commit while HelmReleases are outside cluster-config went through: %v\n%s", err, out)
		}
		if code, _, errOut := fluxlint("migrate", "-w", "--force", repo); code != ExitOK {
			t.Fatalf("migrate: %s", errOut)
		}
		must("git", "add", "-A")
		if out, err := run("git", "commit", "-m", "move nginx into cluster-config"); err != nil {
			t.Fatalf("the migrated repository's commit was refused: %v\n%s", err, out)
		}
	})
}

// fluxlint runs fluxlint in this process (the subtests' run runs commands).
var fluxlint = run

// preCommitEnv is the environment pre-commit and git run with.
func preCommitEnv(t *testing.T) []string {
	// Rendering in this test process set GIT_ALLOW_PROTOCOL to keep git
	// offline; pre-commit clones this repository through git's file
	// transport, so its environment goes without it.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_ALLOW_PROTOCOL=") {
			env = append(env, kv)
		}
	}
	env = append(env, "PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "pre-commit-cache"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	// Reuse the module and build caches, so that pre-commit's "go install"
	// compiles little and downloads nothing new.
	for _, v := range []string{"GOMODCACHE", "GOCACHE"} {
		env = append(env, v+"="+strings.TrimSpace(output(t, ".", "go", "env", v)))
	}
	return env
}

// hookRepo makes a git repository of a fixture with one of this
// repository's hooks installed.
func hookRepo(t *testing.T, preCommit, top, head, hook, fixture string, env []string) (string, func(string, ...string) (string, error), func(string, ...string)) {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	copyTree(t, fixture, repo)
	config := "repos:\n  - repo: " + top + "\n    rev: " + head + "\n    hooks:\n      - id: " + hook + "\n"
	if err := os.WriteFile(filepath.Join(repo, ".pre-commit-config.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) {
		t.Helper()
		if out, err := run(name, args...); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	must("git", "init", "-q", "-b", "main")
	must("git", "add", "-A")
	must("git", "commit", "-q", "--no-verify", "-m", "initial")
	must(preCommit, "install")
	return repo, run, must
}

func output(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}
