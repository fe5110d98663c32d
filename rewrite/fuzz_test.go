package rewrite

import (
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Whatever the file and the edit, Apply either refuses, or returns a file
// whose every document parses and whose edited field reads back the value
// asked for (or is gone, for a delete).
func FuzzApply(f *testing.F) {
	f.Add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # keep\n  namespace: b\n", "metadata.namespace", "c", false)
	f.Add("a:\n  b: 1\n---\nc: [1, 2]\n", "a.c", "x: y", false)
	f.Add("spec:\n  suspend: true\n  x: 1\n", "spec.suspend", "", true)
	f.Add("k: 'quoted'\r\nl: \"dq\"\r\n", "k", "it's", false)
	f.Add("items:\n  - name: a\n    ns: b\n", "items.0.ns", "#not a comment", false)
	f.Fuzz(func(t *testing.T, data, path, value string, del bool) {
		p := strings.Split(path, ".")
		for _, e := range p {
			if e == "" {
				return
			}
		}
		e := Edit{Path: p, Value: value}
		if del {
			e.Op = Delete
		}
		out, err := Apply("f.yaml", []byte(data), []Edit{e})
		if err != nil {
			return
		}
		f := load.ParseBytes("f.yaml", out)
		docs := f.Docs()
		for _, d := range docs {
			if d.Err != nil {
				t.Fatalf("the result does not parse: %v\n%s", d.Err, out)
			}
		}
		var n = (*load.Doc)(nil)
		for _, d := range docs {
			if d.Index == 0 {
				n = d
			}
		}
		if n == nil || n.Node == nil {
			if len(docs) > 0 {
				t.Fatalf("document 0 is gone:\n%s", out)
			}
			return
		}
		got := load.LookupNode(n.Node.YNode(), p...)
		switch {
		case del && got != nil:
			t.Fatalf("deleted field still there:\n%s", out)
		case !del && (got == nil || got.Value != value):
			t.Fatalf("field reads %v, want %q:\n%s", got, value, out)
		}
	})
}

// The same for the comment and sequence edits a migration makes: a
// refusal, or a file that parses and says what was asked.
func FuzzApplyOps(f *testing.F) {
	f.Add("spec:\n  suspend: false # keep\n", "spec.suspend", "true", uint8(0), 0)
	f.Add("spec:\n  suspend: true  # fluxlint migrate: added\n", "spec.suspend", "", uint8(1), 0)
	f.Add("kind: K\nresources:\n- a\n", "transformers", "|-\n  a: b", uint8(2), 0)
	f.Add("image: x # {\"$imagepolicy\": \"a:b\"}\n", "", "\"c:b\"", uint8(3), 1)
	f.Fuzz(func(t *testing.T, data, path, value string, op uint8, line int) {
		p := strings.Split(path, ".")
		e := Edit{Path: p, Value: value}
		switch op % 4 {
		case 0:
			e.Comment = "fluxlint migrate: was x"
		case 1:
			e.Op, e.Comment = Uncomment, "fluxlint migrate: added"
		case 2:
			e.Op = Append
		case 3:
			e.Op, e.Line, e.Comment = ReplaceInComment, line, `"a:b"`
		}
		if e.Op != ReplaceInComment {
			for _, s := range p {
				if s == "" {
					return
				}
			}
		}
		out, err := Apply("f.yaml", []byte(data), []Edit{e})
		if err != nil {
			return
		}
		for _, d := range load.ParseBytes("f.yaml", out).Docs() {
			if d.Err != nil {
				t.Fatalf("the result does not parse: %v\n%s", d.Err, out)
			}
		}
	})
}
