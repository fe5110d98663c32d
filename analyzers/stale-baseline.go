package analyzers

import "github.com/fluxlint/fluxlint/internal/analysis"

// StaleBaseline is the entries of a baseline file (check --baseline) that
// no finding matches any more. The command reports them after the other
// rules; the rule is here for its documentation, its severity and its
// place in the list of rules.
var StaleBaseline = &analysis.Analyzer{
	Name:       "stale-baseline",
	Doc:        doc("stale-baseline"),
	Severity:   analysis.Warning,
	ReportedBy: "check --baseline",
}
