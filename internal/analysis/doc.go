// Package analysis is fluxlint's analysis framework, kept apart from the
// rules as golang.org/x/tools keeps go/analysis apart from its passes.
//
// A rule is an Analyzer: a small value with an id (Name), its
// documentation (Doc, read from a Markdown file beside the rule), a default
// Severity and a Run function. Run looks at a rendered repository through a
// Pass and reports Diagnostics. The rules themselves live in the analyzers
// package, one file per rule; the driver that runs them and filters their
// findings lives in internal/lint; the "# want" test harness lives in
// analysistest.
package analysis
