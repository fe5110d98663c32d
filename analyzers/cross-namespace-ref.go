package analyzers

import (
	"strconv"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// CrossNamespaceRef reports every reference that Flux's multi-tenancy
// lockdown (--no-cross-namespace-refs, on by default on AKS) rejects.
var CrossNamespaceRef = &Analyzer{
	Name:     "cross-namespace-ref",
	Summary:  "a Flux object refers to a source or object in another namespace",
	Severity: Error,
	Doc: "With multi-tenancy lockdown (`--no-cross-namespace-refs`, which the AKS and Azure Arc\n" +
		"`microsoft.flux` extension turns on by default) the Flux controllers refuse any reference to an\n" +
		"object in another namespace. These are the references they check:\n\n" +
		"| kind | field |\n| --- | --- |\n" +
		"| Kustomization | `spec.sourceRef.namespace` |\n" +
		"| HelmRelease | `spec.chart.spec.sourceRef.namespace`, `spec.chartRef.namespace` |\n" +
		"| ImagePolicy | `spec.imageRepositoryRef.namespace` |\n" +
		"| ImageUpdateAutomation | `spec.sourceRef.namespace` |\n" +
		"| Alert | `spec.eventSources[].namespace` |\n" +
		"| Receiver | `spec.resources[].namespace` |\n\n" +
		"Bad: the HelmRelease lives in `nginx`, its HelmRepository in `flux-system`.\n\n" +
		"```yaml\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: nginx\n  namespace: nginx\n" +
		"spec:\n  chart:\n    spec:\n      chart: nginx-ingress-controller\n      sourceRef:\n        kind: HelmRepository\n" +
		"        name: bitnami\n        namespace: flux-system\n```\n\n" +
		"Good: both live in the configuration namespace, and the release is installed into `nginx`.\n\n" +
		"```yaml\nmetadata:\n  name: nginx\n  namespace: cluster-config\nspec:\n  targetNamespace: nginx\n" +
		"  chart:\n    spec:\n      sourceRef:\n        kind: HelmRepository\n        name: bitnami\n        namespace: cluster-config\n```\n\n" +
		"`fluxlint migrate --config-namespace NS` makes this change for HelmReleases and their sources\n" +
		"without reinstalling anything. References that lockdown does not check (dependsOn, healthChecks)\n" +
		"are not reported.",
	Run: runCrossNamespaceRef,
}

func runCrossNamespaceRef(p *Pass) {
	for _, o := range p.Objects() {
		if o.Namespace == "" || !flux.IsFlux(o.APIVersion) {
			continue
		}
		check := func(kind string, path ...string) {
			ns := o.String(path...)
			if ns == "" || ns == o.Namespace {
				return
			}
			refPath := append(append([]string(nil), path[:len(path)-1]...), "name")
			target := kind + " " + ns + "/" + o.String(refPath...)
			p.ReportValue(o, path, "%s refers to %s in another namespace than its own (%s); multi-tenancy lockdown refuses cross-namespace references",
				o.ID(), target, o.Namespace)
		}
		kindAt := func(def string, path ...string) string {
			if k := o.String(path...); k != "" {
				return k
			}
			return def
		}
		switch group := o.Group(); {
		case group == flux.KustomizeGroup && o.Kind == flux.KindKustomization:
			check(kindAt("source", "spec", "sourceRef", "kind"), "spec", "sourceRef", "namespace")
		case group == flux.HelmGroup && o.Kind == flux.KindHelmRelease:
			check(kindAt("source", "spec", "chart", "spec", "sourceRef", "kind"), "spec", "chart", "spec", "sourceRef", "namespace")
			check(kindAt("chart", "spec", "chartRef", "kind"), "spec", "chartRef", "namespace")
		case group == flux.ImageGroup && o.Kind == flux.KindImagePolicy:
			check(flux.KindImageRepository, "spec", "imageRepositoryRef", "namespace")
		case group == flux.ImageGroup && o.Kind == flux.KindImageUpdateAutomation:
			check(kindAt(flux.KindGitRepository, "spec", "sourceRef", "kind"), "spec", "sourceRef", "namespace")
		case group == flux.NotificationGroup && o.Kind == flux.KindAlert:
			checkList(o, "eventSources", check)
		case group == flux.NotificationGroup && o.Kind == flux.KindReceiver:
			checkList(o, "resources", check)
		}
	}
}

func checkList(o *render.Object, field string, check func(kind string, path ...string)) {
	list := o.Lookup("spec", field)
	if list == nil {
		return
	}
	for i := range list.Content {
		idx := strconv.Itoa(i)
		kind := o.String("spec", field, idx, "kind")
		if kind == "" {
			kind = "object"
		}
		check(kind, "spec", field, idx, "namespace")
	}
}
