package analyzers

// Suppression documents the findings about suppressions. It reports
// nothing itself: internal/suppress does, when it applies them.
var Suppression = &Analyzer{
	Name:     "suppression",
	Summary:  "a suppression is malformed, names an unknown rule, or silences nothing",
	Severity: Warning,
	Run:      func(*Pass) {},
	Doc: "A finding can be silenced where it is, with a reason:\n\n" +
		"```yaml\nspec:\n  prune: false  # fluxlint:ignore prune the namespace is shared with a legacy tool\n```\n\n" +
		"or on the line above it:\n\n```yaml\n# fluxlint:ignore cross-namespace-ref,config-namespace migrated in PLAT-123\n" +
		"namespace: flux-system\n```\n\n" +
		"For an object whose file cannot carry a comment (generated, patched or vendored), annotate it;\n" +
		"a patch or commonAnnotations can add the annotation:\n\n" +
		"```yaml\nmetadata:\n  annotations:\n    fluxlint.io/ignore: \"health-checks,prune\"\n```\n\n" +
		"This rule reports a directive without a reason, one that names an unknown rule, and one that\n" +
		"silenced nothing (the finding it was written for is gone: remove the directive).",
}
