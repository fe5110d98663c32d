package analysis

import (
	"fmt"
	"strings"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Severity of a finding.
type Severity int

// Severities, from least to most severe. Off (0) turns a rule off;
// Default, in a configuration, runs a rule at its own severity.
const (
	Default Severity = iota - 1
	Off
	Info
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
	case Default:
		return "default"
	}
	return "off"
}

// ParseSeverity parses "info", "warning", "error" or "off" (and the
// spellings "warn", "none" and "disabled"). It is the one place severities
// are read, for the configuration and the command line alike.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	case "off", "none", "disabled":
		return Off, nil
	case "default", "on":
		return Default, nil
	}
	return Off, fmt.Errorf("unknown severity %q (error, warning, info, off or default)", s)
}

// Analyzer is one rule.
type Analyzer struct {
	// Name is the rule id, in kebab-case: what findings, suppressions and
	// the configuration name it by.
	Name string
	// Doc is the rule's documentation: a one-line summary, why it matters,
	// bad and good examples, and how to fix it.
	Doc Doc
	// Severity is the default severity of its findings.
	Severity Severity
	// Run looks at the pass's objects and reports.
	Run func(*Pass)
	// Warm, when set, loads what Run judges by. It runs beside the render,
	// before Run, with the memo Run will read (nil when none is kept):
	// work it can skip when the memo will answer.
	Warm func(memo.Store)
	// Problem is set for a rule that reports the renderer's problems of
	// this code (ProblemRule makes such rules); its severity follows from
	// the code.
	Problem render.Code
	// AfterOthers is set for a rule that looks at the other rules'
	// findings (Pass.Findings) rather than at objects, and runs after them.
	AfterOthers bool
	// ReportedBy names the part of fluxlint that reports the rule's
	// findings when it is not an analysis of a rendered repository (a
	// baseline file's stale entries: "check --baseline"). Such a rule has
	// no Run and no fixtures of its own; that part's tests test it.
	ReportedBy string
}

// Pass is one analyzer's view of a rendered repository.
type Pass struct {
	Analyzer *Analyzer
	Result   *render.Result
	config   *Config
	findings []Diagnostic
	report   func(Diagnostic)
}

// Objects are all rendered objects: the entry points, then what every
// Flux Kustomization applies.
func (p *Pass) Objects() []*render.Object { return p.Result.Objects }

// Problems are what kept parts of the repository from rendering.
func (p *Pass) Problems() []render.Problem { return p.Result.Problems }

// ConfigNamespace is the AKS configuration namespace, or "" when the
// repository is not checked for AKS multi-tenancy.
func (p *Pass) ConfigNamespace() string { return p.Result.ConfigNamespace }

// Profile is the installation that applies an object: its Flux version,
// whether lockdown is on, its default service account.
func (p *Pass) Profile(o *render.Object) *profile.Profile { return p.config.Profiles.Of(o) }

// ProfileFor is the installation that applies what a Kustomization builds.
func (p *Pass) ProfileFor(k *render.Kustomization) *profile.Profile {
	return p.config.Profiles.For(k)
}

// Settings are the rules' settings from the configuration.
func (p *Pass) Settings() Settings { return p.config.Settings }

// Memo is where a rule keeps what it computes from an object's content
// alone, across runs; nil when nothing is kept.
func (p *Pass) Memo() memo.Store { return p.config.Memo }

// Forced reports whether the configuration sets the rule's severity
// explicitly (to anything but off or default): a rule that runs only on
// some installations (the tenancy rules) then runs everywhere.
func (p *Pass) Forced() bool {
	sev, set := p.config.Severity[p.Analyzer.Name]
	return set && sev != Off && sev != Default
}

// Findings are the findings of the analyzers that ran before this one; only
// an analyzer with AfterOthers set sees them.
func (p *Pass) Findings() []Diagnostic { return p.findings }

// Silence marks the i-th of Findings as suppressed: the driver drops it.
func (p *Pass) Silence(i int) { p.findings[i].Silenced = true }

// RuleKnown reports whether a rule id exists.
func (p *Pass) RuleKnown(id string) bool { return ByName(p.config.Suite, id) != nil }

// RuleEnabled reports whether a rule ran in this analysis.
func (p *Pass) RuleEnabled(id string) bool { return p.config.enabled(id) }

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
	// Related are other places that explain the finding, such as the
	// object a reference names.
	Related []Related
	// Fixes are edits that would resolve the finding.
	Fixes []SuggestedFix
	// RenderProblem is set for a problem the renderer met (the finding of
	// a ProblemRule) rather than a finding about an object.
	RenderProblem bool
	// Silenced is set when a suppression silences the finding.
	Silenced bool
}

// Related is another place that explains a finding.
type Related struct {
	Pos     load.Pos
	Message string
}

// SuggestedFix is a set of edits that together resolve a finding.
type SuggestedFix struct {
	Message string
	Edits   []FileEdit
	// Replacements are the text changes the edits make, filled in when the
	// finding is reported.
	Replacements []Replacement
}

// FileEdit is one edit of one file of the repository.
type FileEdit struct {
	File string // relative to the repository, as in positions
	Edit rewrite.Edit
}

// Report reports a finding with the analyzer's id and default severity,
// unless the diagnostic sets its own.
func (p *Pass) Report(d Diagnostic) {
	d.Rule = p.Analyzer.Name
	if d.Severity == Off {
		d.Severity = p.Analyzer.Severity
	}
	if d.Kustomization == nil && d.Object != nil {
		d.Kustomization = d.Object.AppliedBy
	}
	d.RenderProblem = p.Analyzer.Problem != ""
	var fixes []SuggestedFix
	for _, f := range d.Fixes {
		if f.resolve(p.Result.Repo) {
			fixes = append(fixes, f)
		}
	}
	d.Fixes = fixes
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

// ByName finds an analyzer of list by its id.
func ByName(list []*Analyzer, name string) *Analyzer {
	for _, a := range list {
		if a.Name == name {
			return a
		}
	}
	return nil
}
