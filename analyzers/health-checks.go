package analyzers

import "github.com/fluxlint/fluxlint/internal/flux"

// HealthChecks reports Kustomizations and HelmReleases that report Ready
// without waiting for what they apply.
var HealthChecks = &Analyzer{
	Name:     "health-checks",
	Summary:  "a Flux Kustomization has no health checks, or a HelmRelease does not wait",
	Severity: Warning,
	Doc: "A Kustomization with neither `wait: true` nor `spec.healthChecks` is Ready as soon as its objects\n" +
		"are applied: a Deployment that crash-loops still counts as a success, and Kustomizations that\n" +
		"dependsOn it go ahead. A HelmRelease with `install.disableWait` or `upgrade.disableWait` does the\n" +
		"same for a chart.\n\nBad:\n\n```yaml\nspec:\n  prune: true\n```\n\nGood:\n\n```yaml\nspec:\n  prune: true\n  wait: true\n" +
		"  timeout: 5m\n```\n\nor list the objects that matter under `healthChecks`.",
	Run: runHealthChecks,
}

func runHealthChecks(p *Pass) {
	for _, o := range p.Objects() {
		switch {
		case flux.IsKustomization(o.APIVersion, o.Kind):
			if o.String("spec", "wait") == "true" {
				continue
			}
			if hc := o.Lookup("spec", "healthChecks"); hc != nil && len(hc.Content) > 0 {
				continue
			}
			p.ReportField(o, []string{"spec", "wait"},
				"%s has neither wait: true nor healthChecks: Flux reports it Ready even when what it applies never becomes healthy", o.ID())
		case flux.IsHelmRelease(o.APIVersion, o.Kind):
			for _, phase := range []string{"install", "upgrade"} {
				if o.String("spec", phase, "disableWait") == "true" {
					p.ReportValue(o, []string{"spec", phase, "disableWait"},
						"%s sets %s.disableWait: Flux reports the release ready before its workloads are", o.ID(), phase)
				}
			}
		}
	}
}
