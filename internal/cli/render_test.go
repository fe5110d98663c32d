package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRenderFixtures renders every repository under testdata/render/*/repo
// as "fluxlint render [args] repo" does. The output must equal
// render.golden beside the repository, and the problems must be exactly
// those the "# want" comments in the repository expect. A case directory
// may hold "args" (one argument per line) and "symlinks" ("link -> target"
// per line, created in a copy of the repository, since the point of such a
// case is a link that leaves the repository).
func TestRenderFixtures(t *testing.T) {
	cases, err := filepath.Glob("../../testdata/render/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			repo := prepareRepo(t, dir)
			// An empty chart cache: what the user's cache holds must not
			// change the output.
			args := append([]string{"render", "--chart-cache", t.TempDir()}, readArgs(t, dir)...)
			var stdout, stderr bytes.Buffer
			code := Main(append(args, repo), &stdout, &stderr)
			golden(t, filepath.Join(dir, "render.golden"), stdout.Bytes())
			noOutsideValue(t, stdout.String()+stderr.String())

			stdout.Reset()
			stderr.Reset()
			jcode := Main(append(append(args, "--format=json"), repo), &stdout, &stderr)
			if jcode != code {
				t.Errorf("exit code %d with --format=json, %d without", jcode, code)
			}
			var out struct {
				Problems []struct {
					Code, Pos, Message string
					Severity           string
				}
			}
			noOutsideValue(t, stdout.String()+stderr.String())
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatalf("json output: %v\n%s\n%s", err, stdout.String(), stderr.String())
			}
			var got []fixture.Finding
			errors := 0
			for _, p := range out.Problems {
				file, line := splitPos(p.Pos)
				got = append(got, fixture.Finding{File: file, Line: line, Text: p.Severity + ": " + p.Message + " [" + p.Code + "]"})
				if p.Severity == "error" {
					errors++
				}
			}
			fixture.Check(t, repo, filepath.Join(dir, "expect"), got)
			want := ExitOK
			if errors > 0 {
				want = ExitError
			}
			if code != want {
				t.Errorf("exit code %d, want %d (%d error problems)", code, want, errors)
			}
		})
	}
}

// noOutsideValue fails when an output holds the value of the Secret that
// the symlink case keeps outside the repository.
func noOutsideValue(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "OUTSIDE-THE-REPOSITORY-VALUE") {
		t.Error("the output holds a value read from outside the repository")
	}
}

func prepareRepo(t *testing.T, dir string) string {
	repo := filepath.Join(dir, "repo")
	links, err := os.ReadFile(filepath.Join(dir, "symlinks"))
	if os.IsNotExist(err) {
		return repo
	}
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	copyTree(t, filepath.Join(dir, "repo"), filepath.Join(tmp, "repo"))
	copyTree(t, filepath.Join(dir, "outside"), filepath.Join(tmp, "outside"))
	for _, l := range strings.Split(strings.TrimSpace(string(links)), "\n") {
		link, target, ok := strings.Cut(l, " -> ")
		if !ok {
			t.Fatalf("symlinks: bad line %q", l)
		}
		p := filepath.Join(tmp, "repo", filepath.FromSlash(strings.TrimSpace(link)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(strings.TrimSpace(target), p); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(tmp, "repo")
}

func copyTree(t *testing.T, from, to string) { fixture.CopyTree(t, from, to) }

func readArgs(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			args = append(args, l)
		}
	}
	return args
}

func splitPos(p string) (string, int) {
	parts := strings.Split(p, ":")
	if len(parts) >= 2 {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			return parts[0], n
		}
	}
	return p, 0
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}
