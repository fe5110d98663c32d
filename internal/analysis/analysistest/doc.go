// Package analysistest runs rules over fixture repositories and compares
// their findings with the "# want" comments written in the fixtures, in the
// style of golang.org/x/tools' analysistest.
//
// Fixtures live in testdata/analyzers/<rule>/<case>/: each case is a small
// repository, with a .fluxlint.yaml when it needs settings (the AKS
// configuration namespace, entry points). A case runs the rule its
// directory is named after, plus every rule its .fluxlint.yaml names under
// "rules:". A comment
//
//	namespace: flux-system  # want "refers to HelmRepository"
//
// expects a finding on its line; the regular expression is matched against
// "severity: message [rule]". A case fails on a finding nobody wanted, on a
// want that nothing matched, and when the repository does not render
// (unless the rule under test reports rendering problems).
//
// RunAll discovers every case, so a fixture can never silently not run.
package analysistest
