package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// onedr0pWithChange is a Git copy of onedr0p/home-ops with main and a
// branch that changes one line of one file.
func onedr0pWithChange(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "repo")
	fixture.CopyTree(b, filepath.Join(fixture.CorpusDir(b, 2), "onedr0p__home-ops"), dir)
	os.RemoveAll(filepath.Join(dir, ".git"))
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "change")
	p := filepath.Join(dir, "kubernetes", "apps", "default", "atuin", "ks.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "interval: 1h", "interval: 2h", 1)), 0o644); err != nil {
		b.Fatal(err)
	}
	git("commit", "-q", "-am", "change")
	return dir
}

func benchMain(b *testing.B, args ...string) {
	b.Helper()
	for i := 0; i < b.N; i++ {
		if code := Main(args, io.Discard, io.Discard); code == ExitError {
			b.Fatalf("%v: exit %d", args, code)
		}
	}
}

// BenchmarkCheckOnedr0p and BenchmarkDiffOnedr0p compare a review of a
// one-line change with one check of the same repository, both without an
// on-disk cache (the review shares its builds between its two sides).
func BenchmarkCheckOnedr0p(b *testing.B) {
	dir := onedr0pWithChange(b)
	b.ResetTimer()
	benchMain(b, "check", "--no-cache", "--fail-on", "none", dir)
}

func BenchmarkDiffOnedr0p(b *testing.B) {
	dir := onedr0pWithChange(b)
	b.ResetTimer()
	benchMain(b, "diff", "--no-cache", "--base", "main", dir)
}
