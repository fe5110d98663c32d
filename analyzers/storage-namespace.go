package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// StorageNamespace reports HelmReleases that keep Helm's release history
// in another namespace than the release's.
var StorageNamespace = &analysis.Analyzer{
	Name:     "storage-namespace",
	Doc:      doc("storage-namespace"),
	Severity: analysis.Warning,
	Run:      runStorageNamespace,
}

func runStorageNamespace(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) || !tenancyOn(p, o) {
			continue
		}
		storage := o.Scalar("spec", "storageNamespace")
		release := o.Scalar("spec", "targetNamespace")
		if release == "" {
			release = o.Namespace
		}
		if storage == "" || release == "" || storage == release {
			continue
		}
		p.ReportValue(o, []string{"spec", "storageNamespace"},
			"%s stores its Helm history in %s but installs into %s: the account it impersonates needs rights in both, and helm in %s does not see the release",
			o.ID(), storage, release, release)
	}
}
