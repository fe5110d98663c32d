package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// ReleaseName reports HelmReleases whose Helm release name Helm refuses.
var ReleaseName = &analysis.Analyzer{
	Name:     "release-name",
	Doc:      doc("release-name"),
	Severity: analysis.Error,
	Run:      runReleaseName,
}

func runReleaseName(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		id := flux.HelmReleaseFieldsOf(o.Node.YNode()).Identity()
		if err := flux.ValidReleaseName(id.Name); err != nil {
			p.ReportField(o, []string{"spec", "releaseName"}, "%s has release name %q, which Helm refuses: %v", o.ID(), id.Name, err)
		}
	}
}
