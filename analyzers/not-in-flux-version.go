package analyzers

import (
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// NotInFluxVersion reports Flux API versions, kinds and fields that the
// installation's Flux does not know yet.
var NotInFluxVersion = &analysis.Analyzer{
	Name:     "not-in-flux-version",
	Doc:      doc("not-in-flux-version"),
	Severity: analysis.Error,
	Run:      runNotInFluxVersion,
}

func runNotInFluxVersion(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsFlux(o.APIVersion) {
			continue
		}
		prof := p.Profile(o)
		v := prof.FluxVersion.V
		if status, _ := flux.APIIn(o.APIVersion, o.Kind, v); status == flux.Unknown && knownGroupVersion(o.APIVersion, o.Kind) {
			p.ReportValue(o, []string{"apiVersion"}, "%s uses %s, which Flux %s does not serve yet (%s): the API server refuses it",
				o.ID(), o.APIVersion, v, prof.FluxVersion.From)
			continue
		}
		for _, y := range flux.YoungerFields(o.Node.YNode(), v) {
			what := strings.Join(y.Path, ".")
			if y.Field.Value != "" {
				what += ": " + y.Field.Value
			}
			p.ReportField(o, y.Path, "%s sets %s, which needs Flux %s; this installation runs Flux %s (%s), whose CRD prunes or refuses it",
				o.ID(), what, y.Field.Since, v, prof.FluxVersion.From)
		}
	}
}

// knownGroupVersion reports whether a later Flux release serves the
// apiVersion for the kind: then an earlier one does not know it yet.
func knownGroupVersion(apiVersion, kind string) bool {
	status, _ := flux.APIIn(apiVersion, kind, flux.Latest)
	return status != flux.Unknown
}
