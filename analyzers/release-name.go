package analyzers

import "github.com/fluxlint/fluxlint/internal/flux"

// ReleaseName reports HelmReleases whose Helm release name Helm refuses.
var ReleaseName = &Analyzer{
	Name:     "release-name",
	Summary:  "a HelmRelease's release name is not one Helm accepts",
	Severity: Error,
	Doc: "helm-controller names the release `spec.releaseName`, else `<targetNamespace>-<name>` when\n" +
		"targetNamespace is set, else the HelmRelease's name, and shortens names above 53 characters.\n" +
		"Helm then checks the name (lowercase letters, digits, '-' and '.', starting and ending with an\n" +
		"alphanumeric character): a name it refuses fails every install.\n\n" +
		"Bad:\n\n```yaml\nspec:\n  releaseName: Ingress_Nginx\n```\n\nGood:\n\n```yaml\nspec:\n  releaseName: ingress-nginx\n```",
	Run: runReleaseName,
}

func runReleaseName(p *Pass) {
	for _, o := range p.Objects() {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		id := flux.HelmReleaseFields{Namespace: o.Namespace, Name: o.Name, ReleaseName: o.String("spec", "releaseName"),
			TargetNamespace: o.String("spec", "targetNamespace"), StorageNamespace: o.String("spec", "storageNamespace")}.Identity()
		if err := flux.ValidReleaseName(id.Name); err != nil {
			p.ReportField(o, []string{"spec", "releaseName"}, "%s has release name %q, which Helm refuses: %v", o.ID(), id.Name, err)
		}
	}
}
