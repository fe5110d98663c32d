package rewrite

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, s := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func read(t *testing.T, root, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTemporaries fails when a temporary is left anywhere under root.
func noTemporaries(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), tempMarker) {
			t.Errorf("temporary left behind: %s", p)
		}
		return nil
	})
}

var twoChanges = []FileChange{
	{Path: "a/one.yaml", Old: []byte("a: 1\n"), New: []byte("a: 2\n")},
	{Path: "b/two.yaml", Old: []byte("b: 1\n"), New: []byte("b: 2\n")},
}

func TestWriteAllWritesEverything(t *testing.T) {
	root := tree(t, map[string]string{"a/one.yaml": "a: 1\n", "b/two.yaml": "b: 1\n", "a/.one.yaml.fluxlint-123": "stale"})
	if err := WriteAll(root, twoChanges, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if read(t, root, "a/one.yaml") != "a: 2\n" || read(t, root, "b/two.yaml") != "b: 2\n" {
		t.Error("not written")
	}
	noTemporaries(t, root) // the stale one of a killed run too
}

// A file edited after planning stops the whole write, and says which.
func TestWriteAllRefusesAChangedFile(t *testing.T) {
	root := tree(t, map[string]string{"a/one.yaml": "a: 1\n", "b/two.yaml": "b: edited\n"})
	err := WriteAll(root, twoChanges, WriteOptions{})
	var ce *ChangedError
	if !errors.As(err, &ce) || ce.Path != "b/two.yaml" {
		t.Fatalf("error %v", err)
	}
	if read(t, root, "a/one.yaml") != "a: 1\n" {
		t.Error("a file was written although another changed")
	}
	noTemporaries(t, root)
}

// A read-only file and a hard-linked one are refused unless forced, and
// nothing else is written.
func TestWriteAllRefusesReadOnlyAndLinkedFiles(t *testing.T) {
	root := tree(t, map[string]string{"a/one.yaml": "a: 1\n", "b/two.yaml": "b: 1\n"})
	os.Chmod(filepath.Join(root, "b/two.yaml"), 0o444)
	if err := WriteAll(root, twoChanges, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("error %v", err)
	}
	if read(t, root, "a/one.yaml") != "a: 1\n" {
		t.Error("written although another file is read-only")
	}
	if err := WriteAll(root, twoChanges, WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(root, "b/two.yaml")); info.Mode().Perm() != 0o444 || read(t, root, "b/two.yaml") != "b: 2\n" {
		t.Errorf("forced write: mode %v", info.Mode())
	}

	root = tree(t, map[string]string{"a/one.yaml": "a: 1\n", "b/two.yaml": "b: 1\n"})
	os.Link(filepath.Join(root, "b/two.yaml"), filepath.Join(root, "b/other-name.yaml"))
	if err := WriteAll(root, twoChanges, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "hard links") {
		t.Fatalf("error %v", err)
	}
	if read(t, root, "a/one.yaml") != "a: 1\n" {
		t.Error("written although another file is hard-linked")
	}
}

// A directory that cannot be written stops the write before any file is
// replaced. Root writes anywhere, so as root the check runs in a child
// process with the credentials of nobody.
func TestWriteAllUnwritableDirectory(t *testing.T) {
	if os.Getenv("FLUXLINT_WRITEALL_CHILD") != "" {
		root := os.Getenv("FLUXLINT_WRITEALL_CHILD")
		if err := WriteAll(root, twoChanges, WriteOptions{}); err == nil {
			os.Exit(3)
		}
		os.Exit(0)
	}
	root := tree(t, map[string]string{"a/one.yaml": "a: 1\n", "b/two.yaml": "b: 1\n"})
	for _, d := range []string{root, filepath.Dir(root), filepath.Join(root, "a")} {
		os.Chmod(d, 0o777)
	}
	for _, f := range []string{"a/one.yaml", "b/two.yaml"} {
		os.Chmod(filepath.Join(root, f), 0o666)
	}
	os.Chmod(filepath.Join(root, "b"), 0o555)
	defer os.Chmod(filepath.Join(root, "b"), 0o755)
	if os.Getuid() != 0 {
		if err := WriteAll(root, twoChanges, WriteOptions{}); err == nil {
			t.Fatal("wrote into a read-only directory")
		}
	} else {
		// The test binary's own directory is private to root: run a copy.
		bin, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		exe := filepath.Join(filepath.Dir(root), "rewrite.test")
		if err := os.WriteFile(exe, bin, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run=^TestWriteAllUnwritableDirectory$")
		cmd.Env = append(os.Environ(), "FLUXLINT_WRITEALL_CHILD="+root)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child as nobody: %v\n%s", err, out)
		}
	}
	if read(t, root, "a/one.yaml") != "a: 1\n" {
		t.Error("a file was written although another directory is read-only")
	}
	noTemporaries(t, root)
}
