package suppress

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Annotation is the object annotation that silences rules.
const Annotation = "fluxlint.io/ignore"

var directive = regexp.MustCompile(`#\s*fluxlint:ignore\b(.*)$`)

// Directive is one "# fluxlint:ignore" comment.
type Directive struct {
	Pos    load.Pos // where it is written
	Target int      // the line it applies to
	Rules  []string
	Reason string
}

// Scan finds the directives in the YAML files of a repository that are
// scanned (see load.Repo.ScanFiles).
func Scan(repo *load.Repo) []*Directive {
	var out []*Directive
	for _, f := range repo.ScanFiles() {
		if data, err := f.Data(); err == nil {
			out = append(out, ScanFile(f.Name(), data)...)
		}
	}
	return out
}

// ScanFile finds the directives in one file's text.
func ScanFile(name string, data []byte) []*Directive {
	if !bytes.Contains(data, []byte("fluxlint:ignore")) {
		return nil
	}
	var out []*Directive
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		m := directive.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		d := &Directive{Pos: load.Pos{File: name, Line: line, Col: m[0] + 1}, Target: line}
		if strings.TrimSpace(text[:m[0]]) == "" {
			d.Target = line + 1 // alone on its line: for the line below
		}
		rest := text[m[2]:m[3]]
		if i := strings.Index(rest, " #"); i >= 0 {
			rest = rest[:i] // another comment follows
		}
		fields := strings.Fields(rest)
		if len(fields) > 0 {
			d.Rules = Rules(fields[0])
			d.Reason = strings.Join(fields[1:], " ")
		}
		out = append(out, d)
	}
	return out
}

// Rules splits a comma-separated list of rule ids.
func Rules(list string) []string {
	var out []string
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
