package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// RemovedAPI reports Flux objects written in an API version that the
// installation's Flux no longer serves, or has announced it will remove.
var RemovedAPI = &analysis.Analyzer{
	Name:     "removed-api",
	Doc:      doc("removed-api"),
	Severity: analysis.Error,
	Run:      runRemovedAPI,
}

func runRemovedAPI(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsFlux(o.APIVersion) {
			continue
		}
		v := p.Profile(o).FluxVersion.V
		status, removedIn := flux.APIIn(o.APIVersion, o.Kind, v)
		use := flux.PreferredAPI(o.Group(), o.Kind)
		switch status {
		case flux.Removed:
			p.ReportValue(o, []string{"apiVersion"}, "%s uses %s, which Flux %s removed (this installation runs Flux %s); use %s",
				o.ID(), o.APIVersion, removedIn, v, use)
		case flux.Deprecated:
			p.Report(analysis.Diagnostic{Pos: o.ValuePos("apiVersion"), Object: o, Severity: analysis.Warning,
				Message: o.ID() + " uses " + o.APIVersion + ", which Flux " + v.String() + " still serves but deprecates: Flux " + removedIn.String() + " removes it; use " + use})
		}
	}
}
