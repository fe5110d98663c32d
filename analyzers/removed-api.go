package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// removedAPI is a Flux API version that Flux no longer serves.
type removedAPI struct {
	removedIn string
	use       func(kind string) string
}

func onlyVersion(v string) func(string) string { return func(string) string { return v } }

// removedAPIs lists the Flux API versions removed up to Flux 2.9, with what
// replaces them (flux-semantics §6).
var removedAPIs = map[string]removedAPI{
	"source.toolkit.fluxcd.io/v1beta1":       {"2.7", onlyVersion("source.toolkit.fluxcd.io/v1")},
	"source.toolkit.fluxcd.io/v1beta2":       {"2.8", onlyVersion("source.toolkit.fluxcd.io/v1")},
	"kustomize.toolkit.fluxcd.io/v1beta1":    {"2.7", onlyVersion("kustomize.toolkit.fluxcd.io/v1")},
	"kustomize.toolkit.fluxcd.io/v1beta2":    {"2.8", onlyVersion("kustomize.toolkit.fluxcd.io/v1")},
	"helm.toolkit.fluxcd.io/v2beta1":         {"2.7", onlyVersion("helm.toolkit.fluxcd.io/v2")},
	"helm.toolkit.fluxcd.io/v2beta2":         {"2.8", onlyVersion("helm.toolkit.fluxcd.io/v2")},
	"image.toolkit.fluxcd.io/v1beta1":        {"2.7", onlyVersion("image.toolkit.fluxcd.io/v1")},
	"image.toolkit.fluxcd.io/v1beta2":        {"2.9", onlyVersion("image.toolkit.fluxcd.io/v1")},
	"notification.toolkit.fluxcd.io/v1beta1": {"2.7", notificationAPI},
	"notification.toolkit.fluxcd.io/v1beta2": {"2.9", notificationAPI},
}

func notificationAPI(kind string) string {
	if kind == flux.KindReceiver {
		return "notification.toolkit.fluxcd.io/v1"
	}
	return "notification.toolkit.fluxcd.io/v1beta3"
}

// RemovedAPI reports Flux objects written in an API version Flux has
// removed.
var RemovedAPI = &analysis.Analyzer{
	Name:     "removed-api",
	Doc:      doc("removed-api"),
	Severity: analysis.Error,
	Run:      runRemovedAPI,
}

func runRemovedAPI(p *analysis.Pass) {
	for _, o := range p.Objects() {
		r, ok := removedAPIs[o.APIVersion]
		if !ok {
			continue
		}
		p.ReportValue(o, []string{"apiVersion"}, "%s uses %s, which Flux %s removed; use %s",
			o.ID(), o.APIVersion, r.removedIn, r.use(o.Kind))
	}
}
