package analyzers

import (
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Config says which analyzers run and how severe their findings are.
type Config struct {
	Options
	// Severity overrides the default severity of a rule; a rule set to 0
	// (off) does not run.
	Severity map[string]Severity
}

// Run runs the analyzers over a rendered repository and returns their
// findings sorted by file, line and column, without duplicates.
func Run(res *render.Result, list []*Analyzer, cfg Config) []Diagnostic {
	var out []Diagnostic
	for _, a := range list {
		sev, set := cfg.Severity[a.Name]
		if set && sev == 0 {
			continue
		}
		pass := &Pass{Analyzer: a, Result: res, Options: cfg.Options, report: func(d Diagnostic) {
			if set {
				d.Severity = sev
			}
			out = append(out, d)
		}}
		a.Run(pass)
	}
	for i := range out {
		if !out[i].End.IsValid() {
			out[i].End = lineEnd(res.Repo, out[i].Pos)
		}
	}
	return Sort(out)
}

// Sort sorts findings by file, line, column, rule and message, and drops
// duplicates.
func Sort(ds []Diagnostic) []Diagnostic {
	sort.SliceStable(ds, func(i, j int) bool { return less(ds[i], ds[j]) })
	var uniq []Diagnostic
	for i, d := range ds {
		if i > 0 && same(ds[i-1], d) {
			continue
		}
		uniq = append(uniq, d)
	}
	return uniq
}

func less(a, b Diagnostic) bool {
	if a.Pos != b.Pos {
		return a.Pos.Less(b.Pos)
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Message < b.Message
}

func same(a, b Diagnostic) bool {
	return a.Pos == b.Pos && a.Rule == b.Rule && a.Message == b.Message
}

// lineEnd is where the region of a finding at pos ends: the end of the
// line's content, without a trailing comment.
func lineEnd(repo *load.Repo, pos load.Pos) load.Pos {
	if pos.Line == 0 || repo == nil {
		return load.Pos{}
	}
	f := repo.File(pos.File)
	if f == nil {
		return load.Pos{File: pos.File, Line: pos.Line, Col: pos.Col}
	}
	text := f.Line(pos.Line)
	if i := strings.Index(text, " #"); i >= 0 {
		text = text[:i]
	}
	end := len(strings.TrimRight(text, " \t")) + 1
	if end < pos.Col {
		end = pos.Col
	}
	return load.Pos{File: pos.File, Line: pos.Line, Col: end}
}

// ByName finds an analyzer of list by its id.
func ByName(list []*Analyzer, name string) *Analyzer {
	for _, a := range list {
		if a.Name == name {
			return a
		}
	}
	return nil
}
