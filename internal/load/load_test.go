package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/redact"
)

const threeDocs = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
  labels: &l
    a: b
data:
  op: =
---
# a comment before the third document
apiVersion: v1
kind: Secret
metadata:
  name: three
  labels: &l
    c: d
`

func TestDocumentLinesAreAbsolute(t *testing.T) {
	f := ParseBytes("multi.yaml", []byte(threeDocs))
	docs := f.Docs()
	if len(docs) != 3 {
		t.Fatalf("got %d documents, want 3", len(docs))
	}
	for i, want := range []struct {
		name     string
		kindLine int
		start    int
	}{{"one", 3, 1}, {"two", 8, 6}, {"three", 18, 15}} {
		d := docs[i]
		if d.Name != want.name {
			t.Errorf("doc %d: name %q, want %q", i, d.Name, want.name)
		}
		if p := d.KindPos(); p.Line != want.kindLine || p.File != "multi.yaml" {
			t.Errorf("doc %s: kind at %v, want line %d", d.Name, p, want.kindLine)
		}
		if d.StartLine != want.start {
			t.Errorf("doc %s: starts at line %d, want %d", d.Name, d.StartLine, want.start)
		}
	}
	if p, ok := docs[1].Lookup("data", "op"); !ok || p.Line != 14 || p.Col != 7 {
		t.Errorf("data.op at %v %v, want 14:7", p, ok)
	}
	if p, ok := docs[2].KeyPos("metadata", "labels", "c"); !ok || p.Line != 22 {
		t.Errorf("labels.c key at %v %v, want line 22", p, ok)
	}
	if p := docs[2].Nearest("metadata", "annotations", "x"); p.Line != 19 {
		t.Errorf("nearest to a missing field is %v, want metadata: at line 19", p)
	}
	if p, ok := docs[1].FindText("&l"); !ok || p.Line != 11 || p.Col != 11 {
		t.Errorf("FindText at %v, want 11:11", p)
	}
}

func TestBrokenDocumentLeavesOthersReadable(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nkind: [broken\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n"
	docs := ParseBytes("b.yaml", []byte(src)).Docs()
	if len(docs) != 3 {
		t.Fatalf("got %d documents, want 3", len(docs))
	}
	if docs[1].Err == nil || docs[1].ErrLine != 6 {
		t.Errorf("broken document: err %v at line %d, want an error at line 6", docs[1].Err, docs[1].ErrLine)
	}
	if docs[2].Name != "after" || docs[2].KindPos().Line != 9 {
		t.Errorf("document after the broken one: %q at %v", docs[2].Name, docs[2].KindPos())
	}
}

func TestToleratedYAML(t *testing.T) {
	for name, src := range map[string]string{
		"taskfile":      "version: '3'\ntasks:\n  a:\n    cmds: [echo]\n",
		"values":        "replicaCount: 1\nimage:\n  repository: nginx\n",
		"scalar":        "=\n",
		"end marker":    "a: 1\n...\n# trailing\n",
		"empty":         "",
		"comments only": "# nothing\n---\n# else\n",
		"anchor twice":  "a: &x 1\nb: &x 2\nc: *x\n",
		"bare sequence": "- a\n- b\n",
	} {
		f := ParseBytes(name+".yaml", []byte(src))
		for _, d := range f.Docs() {
			if d.Err != nil {
				t.Errorf("%s: %v", name, d.Err)
			}
			if d.IsObject() {
				t.Errorf("%s: taken for a Kubernetes object", name)
			}
		}
	}
	d := ParseBytes("a.yaml", []byte("a: &x 1\nb: &x 2\nc: *x\n")).Docs()[0]
	if n := LookupNode(d.Node.YNode(), "c"); n == nil || n.Alias == nil || n.Alias.Value != "2" {
		t.Errorf("a re-defined anchor should resolve to its latest definition")
	}
}

func TestArtifactRules(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("apps/a.yaml", "a: 1\n")
	write("apps/logo.png", "png")
	write(".github/workflows/ci.yaml", "on: push\n")
	write(".git/config", "[core]\n")
	write("outside.txt", "secret")
	if err := os.Symlink(filepath.Join(dir, "outside.txt"), filepath.Join(dir, "apps/link.yaml")); err != nil {
		t.Fatal(err)
	}
	repo, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(repo.Symlinks, []string{"apps/link.yaml"}) {
		t.Errorf("symlinks %v", repo.Symlinks)
	}
	included := func(ignore string) []string {
		var out []string
		for _, f := range repo.View(ignore).Included {
			out = append(out, f.Path)
		}
		return out
	}
	// Defaults: VCS, CI and image files are left out; links never count.
	if got := included(""); !slices.Equal(got, []string{"apps/a.yaml", "outside.txt"}) {
		t.Errorf("default artifact %v", got)
	}
	// Any ignore pattern replaces the defaults (VCS ones stay).
	if got := included("outside.txt\n"); !slices.Equal(got, []string{".github/workflows/ci.yaml", "apps/a.yaml", "apps/logo.png"}) {
		t.Errorf("artifact with spec.ignore %v", got)
	}
	// The view's file system reads the repository in place but refuses what
	// the artifact would not hold: the link, and anything outside.
	fsys, err := repo.View("").FS()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.ReadFile(filepath.Join(repo.Root, "apps/link.yaml")); err == nil {
		t.Error("read through a symbolic link")
	}
	if _, err := fsys.ReadFile(filepath.Join(repo.Root, "apps/logo.png")); err == nil {
		t.Error("read an excluded file")
	}
	if _, err := fsys.ReadFile(filepath.Join(repo.Root, "..", filepath.Base(repo.Root), "apps/a.yaml")); err != nil {
		t.Errorf("a path that only looks outside: %v", err)
	}
	if names, _ := fsys.ReadDir(filepath.Join(repo.Root, "apps")); !slices.Equal(names, []string{"a.yaml"}) {
		t.Errorf("ReadDir(apps) = %v", names)
	}
	if _, err := fsys.ReadFile("/etc/passwd"); err == nil {
		t.Error("read outside the repository")
	}

	write("apps/.sourceignore", "a.yaml\n")
	repo, _ = Open(dir, Options{})
	if got := included(""); slices.Contains(got, "apps/a.yaml") || !slices.Contains(got, "apps/logo.png") {
		t.Errorf("artifact with a .sourceignore %v", got)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(threeDocs))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("--- |\n  text\n---\n- a\n...\n"))
	f.Add([]byte("kind: [\n---\n\tbad"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := ParseBytes("f.yaml", data)
		lines := 1
		for off := 0; off < len(data); lines++ {
			off = nextLine(data, off)
		}
		for _, d := range file.Docs() {
			if d.StartLine < 1 || d.StartLine > lines || d.EndLine < d.StartLine {
				t.Fatalf("document lines %d-%d outside 1-%d", d.StartLine, d.EndLine, lines)
			}
			if d.Node != nil {
				if p := d.Pos(); p.Line < d.StartLine || p.Line > d.EndLine {
					t.Fatalf("document node at line %d outside %d-%d", p.Line, d.StartLine, d.EndLine)
				}
			}
			_ = d.KindPos()
			_, _ = d.Lookup("metadata", "name")
			_ = d.Nearest("spec", "x", "0")
		}
	})
}

// A document whose aliases expand too far, or without end, is refused in
// time linear in its text; one with a few real anchors is read.
func TestAliasExpansionIsBounded(t *testing.T) {
	var levels []string
	prev := "x"
	for i := 0; i < 30; i++ { // 5^30 nodes once expanded
		name := fmt.Sprintf("l%d", i)
		levels = append(levels, fmt.Sprintf("&%s [%s,%s,%s,%s,%s]", name, prev, prev, prev, prev, prev))
		prev = "*" + name
	}
	for _, c := range []struct {
		name, text string
		refused    bool
	}{
		{"bomb", "a: [" + strings.Join(levels, ", ") + "]\n", true},
		{"cycle", "a: &a [*a]\n", true},
		{"merge", "base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  c: 3\ny: *base\n", false},
	} {
		f := ParseBytes(c.name+".yaml", []byte(c.text))
		var ae *AliasError
		refused := len(f.Docs()) == 1 && errors.As(f.Docs()[0].Err, &ae)
		if refused != c.refused || (refused && f.Refusal() == nil) {
			t.Errorf("%s: refused %v (%v), want %v", c.name, refused, f.Docs()[0].Err, c.refused)
		}
	}
}

// A JSON file is parsed on request, and its Secret values reach the
// redaction layer as a YAML file's do.
func TestDocsAsYAMLCollectsSecrets(t *testing.T) {
	dir := t.TempDir()
	json := `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"}, "stringData": {"token": "PLANTED-json-value"}}`
	if err := os.WriteFile(filepath.Join(dir, "s.json"), []byte(json), 0o600); err != nil {
		t.Fatal(err)
	}
	set := redact.NewSet()
	r, err := Open(dir, Options{Secrets: set})
	if err != nil {
		t.Fatal(err)
	}
	f := r.File("s.json")
	if docs := f.Docs(); docs != nil {
		t.Errorf("Docs parsed a JSON file: %v", docs)
	}
	docs := f.DocsAsYAML()
	if len(docs) != 1 || docs[0].Kind != "Secret" || docs[0].Pos().File != "s.json" {
		t.Fatalf("docs %+v", docs)
	}
	if got := set.Redact("x PLANTED-json-value y"); strings.Contains(got, "PLANTED") {
		t.Errorf("the value was not collected: %s", got)
	}
}

// Files Git ignores are not in Git: a pattern of any .gitignore of the
// tree, for its directory and below, or of .git/info/exclude.
func TestGitIgnored(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		".gitignore":         "*.dec.yaml\nlocal/\n",
		"apps/.gitignore":    "secret.yaml\n",
		"apps/secret.yaml":   "",
		"apps/app.yaml":      "",
		"other/secret.yaml":  "",
		"x.dec.yaml":         "",
		"local/deep/s.yaml":  "",
		".git/info/exclude":  "scratch.yaml\n",
		"scratch.yaml":       "",
		"clusters/kept.yaml": "",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ignored := r.GitIgnored()
	for rel, want := range map[string]bool{"apps/secret.yaml": true, "apps/app.yaml": false, "other/secret.yaml": false,
		"x.dec.yaml": true, "local/deep/s.yaml": true, "scratch.yaml": true, "clusters/kept.yaml": false} {
		if ignored(rel) != want {
			t.Errorf("GitIgnored(%s) = %v, want %v", rel, !want, want)
		}
	}
}
