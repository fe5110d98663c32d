package analyzers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/suppress"
)

// Suppression applies the suppressions: it silences the findings they name
// and reports the suppressions that are malformed, name an unknown rule, or
// silence nothing. It runs after the other rules, on their findings.
var Suppression = &analysis.Analyzer{
	Name:        "suppression",
	Doc:         doc("suppression"),
	Severity:    analysis.Warning,
	Run:         runSuppression,
	AfterOthers: true,
}

func runSuppression(p *analysis.Pass) {
	type annotation struct {
		obj   *render.Object
		rules []string
		used  map[string]bool
	}
	var annotations []*annotation
	byObj := map[*render.Object]*annotation{}
	for _, o := range p.Objects() {
		v, ok := o.Node.GetAnnotations()[suppress.Annotation]
		if !ok {
			continue
		}
		a := &annotation{obj: o, rules: suppress.Rules(v), used: map[string]bool{}}
		annotations = append(annotations, a)
		byObj[o] = a
	}
	dirs := suppress.Scan(p.Result.Repo)
	used := make([]bool, len(dirs))
	byLine := map[load.Pos][]int{}
	for i, d := range dirs {
		if len(d.Rules) > 0 && d.Reason != "" {
			key := load.Pos{File: d.Pos.File, Line: d.Target}
			byLine[key] = append(byLine[key], i)
		}
	}
	for i, f := range p.Findings() {
		silenced := false
		for _, j := range byLine[load.Pos{File: f.Pos.File, Line: f.Pos.Line}] {
			if slices.Contains(dirs[j].Rules, f.Rule) {
				used[j], silenced = true, true
			}
		}
		if a := byObj[f.Object]; a != nil && slices.Contains(a.rules, f.Rule) {
			a.used[f.Rule], silenced = true, true
		}
		if silenced {
			p.Silence(i)
		}
	}
	report := func(pos load.Pos, o *render.Object, format string, args ...any) {
		p.Report(analysis.Diagnostic{Pos: pos, Object: o, Message: fmt.Sprintf(format, args...)})
	}
	for i, d := range dirs {
		switch {
		case len(d.Rules) == 0:
			report(d.Pos, nil, "fluxlint:ignore names no rule: write \"# fluxlint:ignore RULE reason\"")
			continue
		case d.Reason == "":
			report(d.Pos, nil, "fluxlint:ignore %s gives no reason: a suppression must say why", strings.Join(d.Rules, ","))
			continue
		}
		anyEnabled := false
		for _, r := range d.Rules {
			if !p.RuleKnown(r) {
				report(d.Pos, nil, "fluxlint:ignore names %q, which is not a rule", r)
			}
			anyEnabled = anyEnabled || p.RuleEnabled(r)
		}
		if !used[i] && anyEnabled {
			report(d.Pos, nil, "fluxlint:ignore %s silences nothing on line %d: remove it", strings.Join(d.Rules, ","), d.Target)
		}
	}
	for _, a := range annotations {
		pos := a.obj.FieldPos("metadata", "annotations", suppress.Annotation)
		for _, r := range a.rules {
			switch {
			case !p.RuleKnown(r):
				report(pos, a.obj, "%s names %q, which is not a rule", suppress.Annotation, r)
			case !a.used[r] && p.RuleEnabled(r):
				report(pos, a.obj, "%s: %s silences nothing on %s: remove it", suppress.Annotation, r, a.obj.ID())
			}
		}
	}
}
