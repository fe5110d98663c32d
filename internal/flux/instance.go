package flux

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Facts about flux-operator's FluxInstance (flux-semantics §11; read from
// flux-operator's documentation, which is AGPL-licensed: facts only).
const (
	OperatorGroup        = "fluxcd.controlplane.io"
	KindFluxInstance     = "FluxInstance"
	KindResourceSet      = "ResourceSet"
	InstanceChart        = "flux-instance"
	OperatorNamespace    = "flux-system"
	instanceSyncInterval = "10m0s"
)

// Instance is a FluxInstance, written as an object or as the values of the
// flux-instance Helm chart.
type Instance struct {
	Namespace string
	// At is where it is written: the object's kind, or the HelmRelease's.
	At load.Pos
	// From names it for messages: "FluxInstance flux-system/flux" or
	// "HelmRelease flux-system/flux-instance (flux-instance chart)".
	From string
	// Spec is the FluxInstance spec (the chart's values.instance).
	Spec *yaml.Node
	// SpecPath is where Spec is in its document, for positions.
	SpecPath []string
	// Doc is the document it is written in.
	Doc *load.Doc
	// Chart is set when it is written as the flux-instance chart's values.
	Chart bool
}

// InstanceFromDoc reads a FluxInstance document, or the HelmRelease of
// the flux-instance chart, whose values.instance the chart maps onto a
// FluxInstance named flux in the release's namespace. ok is false for any
// other document.
func InstanceFromDoc(d *load.Doc) (Instance, bool) {
	if d.Node == nil {
		return Instance{}, false
	}
	root := d.Node.YNode()
	switch {
	case d.Kind == KindFluxInstance && Group(d.APIVersion) == OperatorGroup:
		spec := load.LookupNode(root, "spec")
		if spec == nil {
			return Instance{}, false
		}
		ns := d.Namespace
		if ns == "" {
			ns = OperatorNamespace
		}
		return Instance{Namespace: ns, At: d.KindPos(), From: fmt.Sprintf("FluxInstance %s/%s", ns, d.Name), Spec: spec, SpecPath: []string{"spec"}, Doc: d}, true
	case IsHelmRelease(d.APIVersion, d.Kind) && isInstanceChart(root):
		spec := load.LookupNode(root, "spec", "values", "instance")
		if spec == nil {
			return Instance{}, false
		}
		ns := d.StringAt("spec", "targetNamespace")
		if ns == "" {
			ns = d.Namespace
		}
		if ns == "" {
			ns = OperatorNamespace
		}
		return Instance{Namespace: ns, At: d.KindPos(), From: fmt.Sprintf("HelmRelease %s (%s chart)", d.Name, InstanceChart),
			Spec: spec, SpecPath: []string{"spec", "values", "instance"}, Doc: d, Chart: true}, true
	}
	return Instance{}, false
}

// isInstanceChart reports whether a HelmRelease installs the flux-instance
// chart: by chart name, or by the name of the OCIRepository it points at.
func isInstanceChart(hr *yaml.Node) bool {
	get := func(p ...string) string { return load.Scalar(load.LookupNode(hr, p...)) }
	return get("spec", "chart", "spec", "chart") == InstanceChart ||
		strings.HasSuffix(get("spec", "chart", "spec", "chart"), "/"+InstanceChart) ||
		get("spec", "chartRef", "name") == InstanceChart
}

// Get returns the scalar at path of the instance's spec.
func (in Instance) Get(path ...string) string {
	return load.Scalar(load.LookupNode(in.Spec, path...))
}

// Pos is the position of the field at path of the spec, or of the
// instance when the document does not write it.
func (in Instance) Pos(path ...string) load.Pos {
	if p, ok := in.Doc.Lookup(append(append([]string(nil), in.SpecPath...), path...)...); ok {
		return p
	}
	return in.At
}

// SyncName is the name of the source and Kustomization the operator
// creates for spec.sync: spec.sync.name, or the instance's namespace.
func (in Instance) SyncName() string {
	if n := in.Get("sync", "name"); n != "" {
		return n
	}
	return in.Namespace
}

// HasSync reports whether the instance syncs a source.
func (in Instance) HasSync() bool {
	return in.Get("sync", "url") != "" && in.Get("sync", "path") != ""
}

// SyncObjects writes the source and the Kustomization the operator creates
// for spec.sync, as YAML, before spec.kustomize.patches. Both are named
// SyncName() in the instance's namespace; the Kustomization syncs
// spec.sync.path every 10 minutes with prune, and runs as
// kustomize-controller when the cluster is multi-tenant.
func (in Instance) SyncObjects() string {
	kind := in.Get("sync", "kind")
	if kind == "" {
		kind = KindGitRepository
	}
	name, ns := in.SyncName(), in.Namespace
	interval := in.Get("sync", "interval")
	if interval == "" {
		interval = "1m"
	}
	url, ref := in.Get("sync", "url"), in.Get("sync", "ref")
	spec := []any{"interval", interval}
	switch kind {
	case KindBucket:
		spec = append(spec, "endpoint", url, "bucketName", ref)
	case KindOCIRepository:
		spec = append(spec, "url", url, "ref", []any{"tag", ref})
	default:
		spec = append(spec, "url", url, "ref", []any{"name", ref})
	}
	if s := in.Get("sync", "pullSecret"); s != "" {
		spec = append(spec, "secretRef", []any{"name", s})
	}
	if p := in.Get("sync", "provider"); p != "" {
		spec = append(spec, "provider", p)
	}
	source := mapping("apiVersion", SourceGroup+"/v1", "kind", kind, "metadata", []any{"name", name, "namespace", ns}, "spec", spec)
	ks := []any{"interval", instanceSyncInterval, "path", in.Get("sync", "path"), "prune", true, "sourceRef", []any{"kind", kind, "name", name}}
	if in.Get("cluster", "multitenant") == "true" {
		ks = append(ks, "serviceAccountName", "kustomize-controller")
	}
	kustomization := mapping("apiVersion", KustomizeGroup+"/v1", "kind", KindKustomization, "metadata", []any{"name", name, "namespace", ns}, "spec", ks)
	a, _ := yaml.NewRNode(source).String()
	b, _ := yaml.NewRNode(kustomization).String()
	return a + "---\n" + b
}

// mapping builds a YAML mapping from alternating keys and values: a
// string, a bool, or a []any of the same form for a nested mapping.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case []any:
			v = mapping(x...)
		case bool:
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(x)}
		default:
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(x)}
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kv[i].(string)}, v)
	}
	return n
}
