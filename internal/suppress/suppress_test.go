package suppress

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanFile(t *testing.T) {
	src := "a: 1  # fluxlint:ignore prune,health-checks shared with a legacy tool\n# fluxlint:ignore cross-namespace-ref\nb: 2\nc: 3 # fluxlint:ignore\n"
	ds := ScanFile("f.yaml", []byte(src))
	if len(ds) != 3 {
		t.Fatalf("%d directives", len(ds))
	}
	if d := ds[0]; d.Target != 1 || strings.Join(d.Rules, ",") != "prune,health-checks" || d.Reason != "shared with a legacy tool" || d.Pos.Col != 7 {
		t.Errorf("trailing directive %+v", d)
	}
	if d := ds[1]; d.Target != 3 || d.Reason != "" || d.Rules[0] != "cross-namespace-ref" {
		t.Errorf("directive on its own line %+v", d)
	}
	if d := ds[2]; len(d.Rules) != 0 {
		t.Errorf("directive without rules %+v", d)
	}
}

// Whatever the text, a directive points at a line of the file (or the one
// after the last), in a column of that line, and its rules have no blanks.
func FuzzScanFile(f *testing.F) {
	f.Add("a: 1  # fluxlint:ignore prune reason\n")
	f.Add("# fluxlint:ignore a,b,,c   two words # another comment\nx: y\n")
	f.Add("\r\n#fluxlint:ignore\t\tprune\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		for _, d := range ScanFile("f.yaml", []byte(text)) {
			if d.Pos.Line < 1 || d.Pos.Line > lines || d.Target < d.Pos.Line || d.Target > d.Pos.Line+1 || d.Pos.Col < 1 {
				t.Fatalf("directive %+v out of the file's %d lines", d, lines)
			}
			for _, r := range d.Rules {
				if r == "" || strings.ContainsAny(r, " \t,") {
					t.Fatalf("rule %q", r)
				}
			}
			if !utf8.ValidString(text) {
				continue
			}
			if strings.ContainsAny(d.Reason, "\n") {
				t.Fatalf("reason spans lines: %q", d.Reason)
			}
		}
	})
}
