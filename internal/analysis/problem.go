package analysis

import "github.com/fluxlint/fluxlint/internal/render"

// ProblemRule makes the rule that reports the renderer's problems of one
// code that hold under the installation (a missing variable fails only
// under strict substitution).
//
// code. Its id is the code, and its severity follows from the code: error
// for a problem that kept something from rendering, info for one that is
// only information, warning otherwise.
func ProblemRule(code render.Code, doc Doc) *Analyzer {
	sev := Warning
	switch {
	case code.Blocking():
		sev = Error
	case code.Informational():
		sev = Info
	}
	return &Analyzer{
		Name:     string(code),
		Doc:      doc,
		Severity: sev,
		Problem:  code,
		Run: func(p *Pass) {
			for _, pr := range p.Problems() {
				if pr.Code == code && p.config.Profiles.Applies(pr) {
					p.Report(Diagnostic{Pos: pr.Pos, Message: pr.Message, Object: pr.Object, Kustomization: pr.Kustomization})
				}
			}
		},
	}
}
