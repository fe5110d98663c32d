package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// InsecureSource reports Flux sources that fetch over plain HTTP or skip
// TLS verification.
var InsecureSource = &analysis.Analyzer{
	Name:     "insecure-source",
	Doc:      doc("insecure-source"),
	Severity: analysis.Warning,
	Run:      runInsecureSource,
}

func runInsecureSource(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsSource(o.APIVersion, o.Kind) && !(o.Group() == flux.ImageGroup && o.Kind == flux.KindImageRepository) {
			continue
		}
		if o.Scalar("spec", "insecure") == "true" {
			p.ReportValue(o, []string{"spec", "insecure"},
				"%s sets insecure: true: it is fetched over plain HTTP or without verifying TLS, so anyone on the path can change what Flux applies", o.ID())
		}
	}
}
