// Package suppress applies the two ways to silence a finding, both of
// which name the rules they silence:
//
//   - a YAML comment "# fluxlint:ignore RULE[,RULE] reason", at the end of
//     the line the finding points at or alone on the line above it; the
//     reason is required;
//   - an annotation fluxlint.io/ignore: "RULE[,RULE]" on an object, for
//     objects whose files cannot carry comments (generated, patched or
//     vendored ones).
//
// A directive without a reason, naming an unknown rule, or that silences
// nothing is itself reported, so that suppressions do not outlive their
// cause.
package suppress

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Annotation is the object annotation that silences rules.
const Annotation = "fluxlint.io/ignore"

// Rule is the id of the findings about suppressions themselves.
const Rule = "suppression"

var directive = regexp.MustCompile(`#\s*fluxlint:ignore\b(.*)$`)

// Directive is one "# fluxlint:ignore" comment.
type Directive struct {
	Pos    load.Pos // where it is written
	Target int      // the line it applies to
	Rules  []string
	Reason string
	used   bool
}

// Scan finds the directives in the YAML files of a repository.
func Scan(repo *load.Repo) []*Directive {
	var out []*Directive
	for _, f := range repo.YAMLFiles() {
		data, err := f.Data()
		if err != nil || !bytes.Contains(data, []byte("fluxlint:ignore")) {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			m := directive.FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			d := &Directive{Pos: load.Pos{File: f.Name(), Line: line, Col: m[0] + 1}, Target: line}
			if strings.TrimSpace(text[:m[0]]) == "" {
				d.Target = line + 1 // alone on its line: for the line below
			}
			rest := text[m[2]:m[3]]
			if i := strings.Index(rest, " #"); i >= 0 {
				rest = rest[:i] // another comment follows
			}
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				for _, r := range strings.Split(fields[0], ",") {
					if r = strings.TrimSpace(r); r != "" {
						d.Rules = append(d.Rules, r)
					}
				}
				d.Reason = strings.Join(fields[1:], " ")
			}
			out = append(out, d)
		}
	}
	return out
}

// Apply removes the suppressed findings and returns what is left, plus the
// findings about the suppressions themselves. known reports whether a rule
// id exists; enabled whether it runs (a directive for a rule that is off
// is not "unused").
func Apply(ds []analyzers.Diagnostic, dirs []*Directive, objects []*render.Object, known, enabled func(string) bool) (kept []analyzers.Diagnostic, meta []analyzers.Diagnostic, suppressed int) {
	type annot struct {
		obj   *render.Object
		rules []string
		used  map[string]bool
	}
	var annots []*annot
	byObj := map[*render.Object]*annot{}
	for _, o := range objects {
		v, ok := o.Node.GetAnnotations()[Annotation]
		if !ok {
			continue
		}
		a := &annot{obj: o, used: map[string]bool{}}
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(r); r != "" {
				a.rules = append(a.rules, r)
			}
		}
		annots = append(annots, a)
		byObj[o] = a
	}
	byLine := map[load.Pos][]*Directive{}
	for _, d := range dirs {
		if len(d.Rules) == 0 || d.Reason == "" {
			continue
		}
		key := load.Pos{File: d.Pos.File, Line: d.Target}
		byLine[key] = append(byLine[key], d)
	}
	for _, diag := range ds {
		silenced := false
		for _, d := range byLine[load.Pos{File: diag.Pos.File, Line: diag.Pos.Line}] {
			if contains(d.Rules, diag.Rule) {
				d.used, silenced = true, true
			}
		}
		if a := byObj[diag.Object]; a != nil && contains(a.rules, diag.Rule) {
			a.used[diag.Rule], silenced = true, true
		}
		if silenced {
			suppressed++
			continue
		}
		kept = append(kept, diag)
	}
	report := func(pos load.Pos, o *render.Object, format string, args ...any) {
		meta = append(meta, analyzers.Diagnostic{Rule: Rule, Severity: analyzers.Suppression.Severity, Pos: pos, Object: o,
			Message: fmt.Sprintf(format, args...)})
	}
	for _, d := range dirs {
		switch {
		case len(d.Rules) == 0:
			report(d.Pos, nil, "fluxlint:ignore names no rule: write \"# fluxlint:ignore RULE reason\"")
			continue
		case d.Reason == "":
			report(d.Pos, nil, "fluxlint:ignore %s gives no reason: a suppression must say why", strings.Join(d.Rules, ","))
			continue
		}
		for _, r := range d.Rules {
			if !known(r) {
				report(d.Pos, nil, "fluxlint:ignore names %q, which is not a rule", r)
			}
		}
		if !d.used && anyEnabled(d.Rules, known, enabled) {
			report(d.Pos, nil, "fluxlint:ignore %s silences nothing on line %d: remove it", strings.Join(d.Rules, ","), d.Target)
		}
	}
	for _, a := range annots {
		for _, r := range a.rules {
			switch {
			case !known(r):
				report(a.obj.FieldPos("metadata", "annotations", Annotation), a.obj, "%s names %q, which is not a rule", Annotation, r)
			case !a.used[r] && enabled(r):
				report(a.obj.FieldPos("metadata", "annotations", Annotation), a.obj, "%s: %s silences nothing on %s: remove it", Annotation, r, a.obj.ID())
			}
		}
	}
	sort.SliceStable(meta, func(i, j int) bool { return meta[i].Pos.Less(meta[j].Pos) })
	return kept, meta, suppressed
}

func anyEnabled(rules []string, known, enabled func(string) bool) bool {
	for _, r := range rules {
		if known(r) && enabled(r) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
