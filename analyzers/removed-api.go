package analyzers

import "github.com/fluxlint/fluxlint/internal/flux"

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
var RemovedAPI = &Analyzer{
	Name:     "removed-api",
	Summary:  "a Flux object uses an API version that Flux 2.9 no longer serves",
	Severity: Error,
	Doc: "Flux 2.7 removed the v1beta1 APIs (and helm v2beta1), Flux 2.8 the source, kustomize and helm\n" +
		"v1beta2/v2beta2 APIs, Flux 2.9 the image and notification v1beta2 APIs. Once the CRDs are\n" +
		"upgraded the API server refuses objects in those versions, and the Kustomization that applies\n" +
		"them fails. Fields that only existed in the old versions (for example\n" +
		"`patchesStrategicMerge` on a Kustomization) are gone too.\n\n" +
		"Bad:\n\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\n```\n\n" +
		"Good:\n\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n```\n\n" +
		"`flux migrate -f . ` rewrites the apiVersion lines.",
	Run: runRemovedAPI,
}

func runRemovedAPI(p *Pass) {
	for _, o := range p.Objects() {
		r, ok := removedAPIs[o.APIVersion]
		if !ok {
			continue
		}
		p.ReportValue(o, []string{"apiVersion"}, "%s uses %s, which Flux %s removed; use %s",
			o.ID(), o.APIVersion, r.removedIn, r.use(o.Kind))
	}
}
