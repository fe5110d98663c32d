package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// HealthChecks reports Kustomizations and HelmReleases that report Ready
// without waiting for what they apply.
var HealthChecks = &analysis.Analyzer{
	Name:     "health-checks",
	Doc:      doc("health-checks"),
	Severity: analysis.Warning,
	Run:      runHealthChecks,
}

func runHealthChecks(p *analysis.Pass) {
	for _, o := range p.Objects() {
		switch {
		case flux.IsKustomization(o.APIVersion, o.Kind):
			if o.Scalar("spec", "wait") == "true" {
				continue
			}
			if hc := o.Lookup("spec", "healthChecks"); hc != nil && len(hc.Content) > 0 {
				continue
			}
			p.ReportField(o, []string{"spec", "wait"},
				"%s has neither wait: true nor healthChecks: Flux reports it Ready even when what it applies never becomes healthy", o.ID())
		case flux.IsHelmRelease(o.APIVersion, o.Kind):
			for _, phase := range []string{"install", "upgrade"} {
				if o.Scalar("spec", phase, "disableWait") == "true" {
					p.ReportValue(o, []string{"spec", phase, "disableWait"},
						"%s sets %s.disableWait: Flux reports the release ready before its workloads are", o.ID(), phase)
				}
			}
		}
	}
}
