package migrate

import (
	"strings"
	"testing"
)

// The diff of a migration never shows a Secret's values, short or long,
// block or flow: every line of its data and stringData is masked.
func TestDiffMasksSecretLines(t *testing.T) {
	old := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: v\n  namespace: nginx\nstringData:\n  pw: abc12\n  values.yaml: |\n    token: xyz\ntype: Opaque\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: w\ndata: {k: c2hvcnQ=}\n"
	new := strings.Replace(old, "namespace: nginx", "namespace: cluster-config", 1)
	p := &Plan{Changes: []*Change{{Path: "s.yaml", Old: []byte(old), New: []byte(new)}}}
	var b strings.Builder
	if err := p.Diff(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, leak := range []string{"abc12", "xyz", "c2hvcnQ="} {
		if strings.Contains(out, leak) {
			t.Errorf("the diff shows %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "+  namespace: cluster-config") || !strings.Contains(out, "**REDACTED**") {
		t.Errorf("the diff lost its change:\n%s", out)
	}
}
