package rewrite

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n"
	want := "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n"
	if got := Diff("f.yaml", []byte(old), []byte(new)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if Diff("f", []byte(old), []byte(old)) != "" {
		t.Error("equal texts must give no diff")
	}
	// The diff applies with patch(1), where it is installed.
	if _, err := exec.LookPath("patch"); err == nil {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.yaml")
		os.WriteFile(p, []byte(old), 0o644)
		cmd := exec.Command("patch", "-p1", "-s")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(Diff("f.yaml", []byte(old), []byte(new)))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch: %v\n%s", err, out)
		}
		if b, _ := os.ReadFile(p); string(b) != new {
			t.Errorf("patched file:\n%s", b)
		}
	}
}

func TestWriteFileKeepsMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(p, []byte("a: 1\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("a: 2\n")); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(p)
	b, _ := os.ReadFile(p)
	if info.Mode().Perm() != 0o640 || string(b) != "a: 2\n" {
		t.Errorf("mode %v content %q", info.Mode(), b)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("left temporary files behind: %v", entries)
	}
	link := p + ".link"
	os.Symlink(p, link)
	if err := WriteFile(link, []byte("x")); err == nil {
		t.Error("wrote through a symbolic link")
	}
}
