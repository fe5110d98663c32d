package load

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/redact"
)

// docView is what a rule reads of a document.
type docView struct {
	Index, StartLine, EndLine, Start, End int
	APIVersion, Kind, Name, Namespace     string
	Text                                  string
	Line, Col                             int
	Err                                   string
}

func viewDocs(f *File) []docView {
	var out []docView
	for _, d := range f.Docs() {
		v := docView{Index: d.Index, StartLine: d.StartLine, EndLine: d.EndLine, Start: d.Start, End: d.End,
			APIVersion: d.APIVersion, Kind: d.Kind, Name: d.Name, Namespace: d.Namespace}
		if d.Node != nil {
			v.Text = d.Node.MustString()
			v.Line, v.Col = d.Pos().Line, d.Pos().Col
		}
		if d.Err != nil {
			v.Err = d.Err.Error()
		}
		out = append(out, v)
	}
	return out
}

// A file parsed once is read back from the store on the next run, as the
// same documents (positions, identity, comments) and with its Secret
// values collected for redaction all the same, aliases included. A file
// with an error is parsed on every run; a damaged entry is parsed again; a
// cached file whose aliases this run's limits refuse is refused as a parse
// would refuse it.
func TestParseCache(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.yaml":      "# head\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # line\n  namespace: apps\ndata:\n  k: \"1\"\n---\n\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: PLANTED-cached-value\n",
		"broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n",
		"alias.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {a: b}\n  annotations: *l\n",
		"three.yaml":  threeDocs,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store := &memo.Map{}
	open := func() (*Repo, *redact.Set) {
		set := redact.NewSet()
		r, err := Open(dir, Options{Secrets: set, Parsed: store})
		if err != nil {
			t.Fatal(err)
		}
		return r, set
	}
	r1, _ := open()
	r1.ParseAll(2)
	if hits, puts := store.Counts(); hits != 0 || puts != 3 {
		t.Fatalf("first run: %d hits, %d entries stored; want 0 and 3 (all but broken.yaml)", hits, puts)
	}
	r2, set := open()
	r2.ParseAll(2)
	if hits, puts := store.Counts(); hits != 3 || puts != 3 {
		t.Errorf("second run: %d hits, %d entries stored; want 3 and 3 (broken.yaml is parsed again, and not stored)", hits, puts)
	}
	for name := range files {
		if want, got := viewDocs(r1.File(name)), viewDocs(r2.File(name)); !reflect.DeepEqual(want, got) {
			t.Errorf("%s reads back as\n%+v\nnot\n%+v", name, got, want)
		}
	}
	if got := set.Redact("x PLANTED-cached-value y"); strings.Contains(got, "PLANTED") {
		t.Errorf("a file read from the cache did not give its Secret value to the redaction layer: %s", got)
	}
	// Tighter limits refuse the cached file with aliases as a parse does.
	fresh, err := Open(dir, Options{Limits: Limits{AliasNodes: 1}})
	if err != nil {
		t.Fatal(err)
	}
	strict, err := Open(dir, Options{Limits: Limits{AliasNodes: 1}, Parsed: store})
	if err != nil {
		t.Fatal(err)
	}
	if want, got := viewDocs(fresh.File("alias.yaml")), viewDocs(strict.File("alias.yaml")); !reflect.DeepEqual(want, got) || want[0].Err == "" {
		t.Errorf("under a limit of one alias node alias.yaml reads as\n%+v\nnot\n%+v", got, want)
	}
	if (strict.File("alias.yaml").Refusal() == nil) != (fresh.File("alias.yaml").Refusal() == nil) {
		t.Error("the cached file is not refused as the parsed one is")
	}
	// Damage every entry: the next run parses again and agrees.
	store.Alter(func(v []byte) []byte {
		d := append([]byte(nil), v...)
		d[len(d)/2] ^= 0xff
		return d[:len(d)-3]
	})
	r3, _ := open()
	r3.ParseAll(1)
	if want, got := viewDocs(r1.File("a.yaml")), viewDocs(r3.File("a.yaml")); !reflect.DeepEqual(want, got) {
		t.Errorf("after a damaged entry a.yaml reads as\n%+v\nnot\n%+v", got, want)
	}
}
