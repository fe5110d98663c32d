package analysis

import (
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Doc is a rule's documentation, in the structured parts staticcheck uses.
// It is written as a Markdown file beside the rule:
//
//	# rule-id
//
//	one-line summary, lowercase, without a final period
//
//	## Why
//	...why it matters...
//	## Bad
//	...YAML that the rule reports...
//	## Good
//	...the same, fixed...
//	## Fix
//	...how to fix it, or how to silence it...
//
// Why is required; Bad, Good and Fix are optional.
type Doc struct {
	Summary string
	Why     string
	Bad     string
	Good    string
	Fix     string
}

// ParseDoc reads a rule's documentation; id is the rule the file must
// document.
func ParseDoc(id, text string) (Doc, error) {
	var d Doc
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) || strings.TrimSpace(lines[i]) != "# "+id {
		return d, fmt.Errorf("the documentation of %s must start with \"# %s\"", id, id)
	}
	section := "summary"
	parts := map[string][]string{}
	fence := false
	for _, l := range lines[i+1:] {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
		}
		if !fence && strings.HasPrefix(l, "## ") {
			section = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(l, "## ")))
			switch section {
			case "why", "bad", "good", "fix":
			default:
				return d, fmt.Errorf("the documentation of %s has a section %q; the sections are Why, Bad, Good and Fix", id, l)
			}
			if parts[section] != nil {
				return d, fmt.Errorf("the documentation of %s has two %q sections", id, l)
			}
			parts[section] = []string{}
			continue
		}
		parts[section] = append(parts[section], l)
	}
	text2 := func(s string) string { return strings.TrimSpace(strings.Join(parts[s], "\n")) }
	d.Summary, d.Why, d.Bad, d.Good, d.Fix = text2("summary"), text2("why"), text2("bad"), text2("good"), text2("fix")
	if d.Summary == "" || strings.Contains(d.Summary, "\n") {
		return d, fmt.Errorf("the documentation of %s must have a one-line summary under its title", id)
	}
	if d.Why == "" {
		return d, fmt.Errorf("the documentation of %s has no Why section", id)
	}
	return d, nil
}

// MustReadDoc reads the documentation of rule id from id+".md" in fsys, and
// panics when it is missing or malformed: the rules' documentation is part
// of the program, and a test reads every file.
func MustReadDoc(fsys fs.FS, id string) Doc {
	b, err := fs.ReadFile(fsys, id+".md")
	if err != nil {
		panic(err)
	}
	d, err := ParseDoc(id, string(b))
	if err != nil {
		panic(err)
	}
	return d
}

// Markdown is the documentation's body: why, the examples and the fix.
func (d Doc) Markdown() string {
	var b strings.Builder
	b.WriteString(d.Why)
	for _, s := range []struct{ title, text string }{{"Bad", d.Bad}, {"Good", d.Good}, {"Fix", d.Fix}} {
		if s.text != "" {
			fmt.Fprintf(&b, "\n\n**%s**\n\n%s", s.title, s.text)
		}
	}
	return b.String()
}

// WriteDoc prints one rule's documentation as Markdown.
func WriteDoc(w io.Writer, a *Analyzer) {
	fmt.Fprintf(w, "## %s\n\n", a.Name)
	fmt.Fprintf(w, "%s.\n\n", capitalize(a.Doc.Summary))
	kind := "Checks the rendered objects."
	if a.Problem != "" {
		kind = "Reports a rendering problem."
	}
	fmt.Fprintf(w, "Default severity: **%s**. %s\n\n", a.Severity, kind)
	fmt.Fprintf(w, "%s\n\n", a.Doc.Markdown())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
