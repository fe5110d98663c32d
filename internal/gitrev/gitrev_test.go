package gitrev

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func put(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// firstCommit is a repository on main with one commit of sub/a.yaml and
// top.yaml.
func firstCommit(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	put(t, dir, "sub/a.yaml", "a: 1\n")
	put(t, dir, "top.yaml", "t: 1\n")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "one")
	return dir
}

// A history with main, a branch off it, and main moving on; the tests ask
// the same questions of gitrev and of git.
func TestRevisions(t *testing.T) {
	dir := firstCommit(t)
	git(t, dir, "tag", "-a", "v1", "-m", "v1")
	put(t, dir, "sub/a.yaml", "a: 2\n")
	git(t, dir, "commit", "-q", "-am", "two")
	git(t, dir, "checkout", "-q", "-b", "feature")
	put(t, dir, "sub/b.yaml", "b: 1\n")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "three")
	git(t, dir, "checkout", "-q", "main")
	put(t, dir, "top.yaml", "t: 2\n")
	git(t, dir, "commit", "-q", "-am", "four")
	git(t, dir, "checkout", "-q", "feature")
	git(t, dir, "branch", "-q", "--set-upstream-to=main")

	r, prefix, err := Open(filepath.Join(dir, "sub"))
	if err != nil || prefix != "sub" {
		t.Fatalf("Open: %v %q", err, prefix)
	}
	for _, rev := range []string{"HEAD", "HEAD~1", "HEAD^", "HEAD~2", "main", "main~1", "feature", "v1", "refs/heads/main"} {
		c, err := r.Resolve(rev)
		if err != nil {
			t.Errorf("%s: %v", rev, err)
			continue
		}
		if want := git(t, dir, "rev-parse", rev+"^{commit}"); c.Hash.String() != want {
			t.Errorf("%s = %s, git says %s", rev, c.Hash, want)
		}
	}
	short := git(t, dir, "rev-parse", "--short=7", "HEAD~1")
	if c, err := r.Resolve(short); err != nil || !strings.HasPrefix(c.Hash.String(), short) {
		t.Errorf("short hash %s: %v", short, err)
	}
	for _, bad := range []string{"", "-x", "no-such", "HEAD~9", "a b"} {
		if _, err := r.Resolve(bad); err == nil {
			t.Errorf("%q resolved", bad)
		}
	}
	up, err := r.Upstream()
	if err != nil || up != "main" {
		t.Errorf("Upstream = %q, %v", up, err)
	}
	head, _ := r.Resolve("HEAD")
	main, _ := r.Resolve("main")
	mb, err := r.MergeBase(head, main)
	if want := git(t, dir, "merge-base", "HEAD", "main"); err != nil || mb.Hash.String() != want {
		t.Errorf("MergeBase = %v, %v; git says %s", mb, err, want)
	}
	// The files of the merge base under sub/, and of the index.
	out := t.TempDir()
	if err := r.Extract(mb, prefix, out, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a.yaml")); string(b) != "a: 2\n" {
		t.Errorf("a.yaml at the merge base: %q", b)
	}
	if _, err := os.Stat(filepath.Join(out, "b.yaml")); err == nil {
		t.Error("b.yaml is not in the merge base")
	}
	put(t, dir, "sub/a.yaml", "a: staged\n")
	git(t, dir, "add", "sub/a.yaml")
	put(t, dir, "sub/a.yaml", "a: not staged\n")
	idx := t.TempDir()
	if err := r.ExtractIndex(prefix, idx, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(idx, "a.yaml")); string(b) != "a: staged\n" {
		t.Errorf("a.yaml in the index: %q", b)
	}
	// Extracting never writes to the repository.
	if st := git(t, dir, "status", "--porcelain"); st != "M  sub/a.yaml" && st != "MM sub/a.yaml" {
		t.Errorf("status after extracting: %q", st)
	}
	// Limits.
	if err := r.Extract(head, "", t.TempDir(), Limits{Files: 1, Bytes: 1 << 20}); err == nil {
		t.Error("a revision over the file limit was extracted")
	}
}

// The work tree stands for the index only when it holds exactly what is
// staged: each way it can differ makes IndexIsWorkTree say no.
func TestIndexIsWorkTree(t *testing.T) {
	dir := firstCommit(t)
	check := func(what, prefix string, want bool) {
		t.Helper()
		r, _, err := Open(filepath.Join(dir, prefix))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.IndexIsWorkTree(prefix); err != nil || got != want {
			t.Errorf("%s: IndexIsWorkTree(%q) = %v, %v; want %v", what, prefix, got, err, want)
		}
	}
	check("clean", "", true)
	put(t, dir, "sub/a.yaml", "a: 2\n")
	git(t, dir, "add", "sub/a.yaml")
	check("a staged change", "", true)
	put(t, dir, "sub/a.yaml", "a: 3\n")
	check("an unstaged change", "", false)
	check("an unstaged change, under the prefix", "sub", false)
	git(t, dir, "add", "sub/a.yaml")
	put(t, dir, "sub/new.yaml", "n: 1\n")
	check("an untracked file", "", false)
	check("an untracked file under the prefix", "sub", false)
	os.Remove(filepath.Join(dir, "sub", "new.yaml"))
	check("untracked file removed", "sub", true)
	os.Remove(filepath.Join(dir, "top.yaml"))
	check("a staged file deleted from the work tree", "", false)
	check("... outside the prefix", "sub", true)
	git(t, dir, "checkout", "--", "top.yaml")
	if err := os.Symlink("top.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Skip(err)
	}
	check("an untracked symbolic link", "", false)
}
