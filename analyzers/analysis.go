// Package analyzers holds fluxlint's rules. Each rule is an Analyzer: a
// small value with an id, a one-line summary, a documentation text and a
// run function that looks at the rendered repository through a Pass and
// reports Diagnostics. There is one analyzer per file, and all.go lists
// them all; docs/rules.md and "fluxlint rules" are generated from the
// analyzers' own fields.
//
// To add a rule: copy a small one (prune.go), give it an id, a summary and
// a Doc with a bad and a good example, add it to All in all.go, write a
// fixture under testdata/analyzers/<id>/ with "# want" comments, and run
// "make generate".
package analyzers

import (
	"fmt"
	"strings"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Severity of a finding.
type Severity int

// Severities, from least to most severe.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity parses "info", "warning", "error" or "off" (0).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	case "off", "none", "disabled":
		return 0, nil
	}
	return 0, fmt.Errorf("unknown severity %q (info, warning, error or off)", s)
}

// Analyzer is one rule.
type Analyzer struct {
	// Name is the rule id, in kebab-case: what findings, suppressions and
	// the configuration name it by.
	Name string
	// Summary is one line: what the rule finds.
	Summary string
	// Doc says why it matters, shows bad and good YAML and how to fix it,
	// in Markdown.
	Doc string
	// Severity is the default severity of its findings.
	Severity Severity
	// Run looks at the pass's objects and reports.
	Run func(*Pass)
	// Render is set for the rules that report rendering problems: they
	// come from the renderer, not from looking at objects.
	Render bool
}

// Options are the settings an analyzer may read.
type Options struct {
	// ConfigNamespace is the AKS configuration namespace; "" when the
	// repository is not checked for AKS multi-tenancy.
	ConfigNamespace string
}

// Pass is one analyzer's view of a rendered repository.
type Pass struct {
	Analyzer *Analyzer
	Result   *render.Result
	Options  Options
	report   func(Diagnostic)
}

// Objects are all rendered objects: the entry points, then what every
// Flux Kustomization applies.
func (p *Pass) Objects() []*render.Object { return p.Result.Objects }

// Diagnostic is one finding.
type Diagnostic struct {
	Rule     string
	Severity Severity
	Pos      load.Pos
	// End is where the finding's region ends (same file); zero when it is
	// the whole file.
	End     load.Pos
	Message string
	// Object is the object the finding is about, if any.
	Object *render.Object
	// Kustomization is the Flux Kustomization that applies the object or
	// hit the problem, if any.
	Kustomization *render.Kustomization
}

// Report reports a finding with the analyzer's id and default severity,
// unless the diagnostic sets its own.
func (p *Pass) Report(d Diagnostic) {
	d.Rule = p.Analyzer.Name
	if d.Severity == 0 {
		d.Severity = p.Analyzer.Severity
	}
	if d.Kustomization == nil && d.Object != nil {
		d.Kustomization = d.Object.AppliedBy
	}
	p.report(d)
}

// Reportf reports a finding about an object at pos.
func (p *Pass) Reportf(o *render.Object, pos load.Pos, format string, args ...any) {
	p.Report(Diagnostic{Pos: pos, Object: o, Message: fmt.Sprintf(format, args...)})
}

// ReportValue reports a finding at the value of the field at path in the
// object's source (falling back to the closest field the source has).
func (p *Pass) ReportValue(o *render.Object, path []string, format string, args ...any) {
	p.Reportf(o, o.ValuePos(path...), format, args...)
}

// ReportField reports a finding at the key of the field at path, or of its
// closest ancestor the source has: the place to add a missing field.
func (p *Pass) ReportField(o *render.Object, path []string, format string, args ...any) {
	p.Reportf(o, o.FieldPos(path...), format, args...)
}
