package helm

import (
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
)

// V3 renders with the Helm v3 SDK, as "helm template" v3 does: the same
// steps as its client-only install (dependency conditions and
// import-values, capabilities, values schema, kubeVersion check, engine,
// manifest sorting), without the storage, printing client and
// post-renderer it needs for nothing offline.
type V3 struct{}

var _ Renderer = V3{}

// Render implements Renderer.
func (V3) Render(c *Chart, rel Release) (*Output, error) {
	if err := chartutil.ValidateReleaseName(rel.Name); err != nil {
		return nil, fmt.Errorf("release name %q: %w", rel.Name, err)
	}
	ch := copyChart(c.chart)
	switch ch.Metadata.Type {
	case "", "application":
	default:
		return nil, fmt.Errorf("%s charts are not installable", ch.Metadata.Type)
	}
	if err := checkDependencies(ch); err != nil {
		return nil, err
	}
	vals := rel.Values
	if vals == nil {
		vals = map[string]any{}
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return nil, err
	}
	caps := chartutil.DefaultCapabilities.Copy()
	kv := rel.KubeVersion
	if kv == "" {
		kv = DefaultKubeVersion
	}
	parsed, err := chartutil.ParseKubeVersion(kv)
	if err != nil {
		return nil, fmt.Errorf("kube version %q: %w", kv, err)
	}
	caps.KubeVersion = *parsed
	caps.APIVersions = append(caps.APIVersions, rel.APIVersions...)
	opts := chartutil.ReleaseOptions{Name: rel.Name, Namespace: rel.Namespace, Revision: 1, IsInstall: true}
	top, err := chartutil.ToRenderValuesWithSchemaValidation(ch, vals, opts, caps, rel.SkipSchemaValidation)
	if err != nil {
		return nil, err
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", ch.Metadata.KubeVersion, caps.KubeVersion.String())
	}
	var e engine.Engine
	files, err := e.Render(ch, top)
	if err != nil {
		return nil, err
	}
	for k := range files {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(files, k)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, err
	}
	out := &Output{}
	if rel.IncludeCRDs {
		for _, crd := range ch.CRDObjects() {
			out.Docs = append(out.Docs, Doc{Source: crd.Filename, YAML: string(crd.File.Data), CRD: true})
		}
	}
	for _, m := range manifests {
		out.Docs = append(out.Docs, Doc{Source: m.Name, YAML: m.Content})
	}
	for _, h := range hooks {
		out.Docs = append(out.Docs, Doc{Source: h.Path, YAML: h.Manifest, Hook: true})
	}
	return out, nil
}

// checkDependencies fails, as helm install does, when Chart.yaml lists a
// dependency that charts/ does not hold.
func checkDependencies(ch *chart.Chart) error {
	var missing []string
	for _, d := range ch.Metadata.Dependencies {
		found := false
		for _, sub := range ch.Dependencies() {
			if sub.Name() == d.Name {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, d.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}
	return nil
}

// copyChart copies what rendering changes of a chart (its dependency list,
// the enabled flags of its Chart.yaml dependencies, its values) so that the
// chart loaded once stays as loaded; templates and files are shared.
func copyChart(c *chart.Chart) *chart.Chart {
	n := *c
	md := *c.Metadata
	md.Dependencies = nil
	for _, d := range c.Metadata.Dependencies {
		dc := *d
		md.Dependencies = append(md.Dependencies, &dc)
	}
	n.Metadata = &md
	n.Values = copyValues(c.Values)
	var deps []*chart.Chart
	for _, d := range c.Dependencies() {
		deps = append(deps, copyChart(d))
	}
	n.SetDependencies(deps...)
	return &n
}

func copyValues(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return copyValues(t)
	case []any:
		l := make([]any, len(t))
		for i := range t {
			l[i] = copyValue(t[i])
		}
		return l
	}
	return v
}
