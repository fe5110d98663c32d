package analyzers

import (
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
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
			continue
		}
		// A GitRepository or HTTP HelmRepository says plain HTTP with its
		// URL's scheme (they have no insecure field for it).
		if url := o.Scalar("spec", "url"); strings.HasPrefix(strings.ToLower(url), "http://") && !render.HasPlaceholder(url) {
			p.ReportValue(o, []string{"spec", "url"},
				"%s is fetched over plain HTTP (%s): anyone on the path can change what Flux applies", o.ID(), url)
		}
	}
}
