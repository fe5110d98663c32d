// Package analyzers holds fluxlint's rules, and nothing else. Each rule is
// an analysis.Analyzer in a file named after its id, with its
// documentation in a Markdown file of the same name beside it, and all.go
// lists them.
//
// To add a rule: copy a small one (prune.go and prune.md), give it an id,
// write its documentation (summary, why, bad, good, fix), add it to All in
// all.go, and add a fixture repository under testdata/analyzers/<id>/<case>/
// with "# want" comments on the lines its findings must point at. The
// fixture runs without a test function of its own.
package analyzers
