// Package helm renders Helm charts offline, as helm-controller would
// install them, behind an interface of fluxlint's own so that another Helm
// major version can be added beside v3.
//
// Nothing here touches the network except Pull, which only
// "fluxlint charts pull" calls.
package helm

// DefaultKubeVersion is the Kubernetes version charts are rendered for
// when --kube-version does not say: the version of the Kubernetes client
// libraries fluxlint is built with (k8s.io/client-go v0.37), which is also
// what "helm template" v3.22 reports when it is not told.
const DefaultKubeVersion = "v1.37.0"

// CRD policies of spec.install.crds.
const (
	CRDsSkip          = "Skip"
	CRDsCreate        = "Create"
	CRDsCreateReplace = "CreateReplace"
)

// Renderer renders a chart for a release. Helm v3 is the one
// implementation (V3); helm-controller renders with Helm v4 since Flux 2.8,
// whose output differs in small ways (see docs/helm.md).
type Renderer interface {
	// Render templates the chart with the release's values, client-only:
	// lookup returns nothing and no cluster is asked anything. The chart is
	// not modified: a chart loaded once serves every release.
	Render(c *Chart, rel Release) (*Output, error)
}

// Release is what one HelmRelease asks of a chart.
type Release struct {
	Name, Namespace string
	// Values are the composed user values (see Compose).
	Values map[string]any
	// KubeVersion is the Kubernetes version of the capabilities
	// (DefaultKubeVersion when empty); APIVersions are added to the
	// default API versions.
	KubeVersion string
	APIVersions []string
	// SkipSchemaValidation skips values.schema.json
	// (spec.install.disableSchemaValidation).
	SkipSchemaValidation bool
	// IncludeCRDs adds the CRDs of the chart's crds/ directories (and those
	// of its enabled subcharts) to the output, first.
	IncludeCRDs bool
}

// Doc is one rendered document.
type Doc struct {
	// Source is the chart path of the template that produced it
	// ("podinfo/templates/deployment.yaml"), as "# Source:" shows it.
	Source string
	// YAML is the document as rendered.
	YAML string
	// Hook and CRD say which part of the release the document is.
	Hook, CRD bool
}

// Output is a rendered release: its CRDs when asked for, its manifests in
// install order, then its hooks, as "helm template" prints them.
type Output struct {
	Docs []Doc
}

// String prints the output as "helm template" does.
func (o *Output) String() string {
	var b []byte
	for _, d := range o.Docs {
		b = append(b, "---\n# Source: "+d.Source+"\n"+d.YAML+"\n"...)
	}
	return string(b)
}
