// Package suppress reads the two ways to silence a finding, both of which
// name the rules they silence:
//
//   - a YAML comment "# fluxlint:ignore RULE[,RULE] reason", at the end of
//     the line the finding points at or alone on the line above it; the
//     reason is required;
//   - an annotation fluxlint.io/ignore: "RULE[,RULE]" on an object, for
//     objects whose files cannot carry comments (generated, patched or
//     vendored ones).
//
// It only reads them; the suppression rule (analyzers/suppression.go)
// applies them and reports the ones that are malformed or silence nothing.
package suppress
