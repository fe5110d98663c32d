package render

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// Object is one rendered object.
type Object struct {
	// Node is the object as Flux would apply it.
	Node *yaml.RNode
	// Unsubstituted is the object as built, before postBuild substitution;
	// nil when no substitution ran.
	Unsubstituted *yaml.RNode

	APIVersion, Kind, Namespace, Name string

	// Doc is the source document the object was built from; nil for an
	// object that kustomize generated or that fluxlint synthesised.
	Doc *load.Doc
	// Generated is the kustomization.yaml entry (configMapGenerator,
	// secretGenerator) that generated the object, when it was generated;
	// GeneratorDoc and GeneratorPath locate that entry in its document.
	Generated     load.Pos
	GeneratorDoc  *load.Doc
	GeneratorPath []string
	// Synthetic is set for objects that stand for what a tool creates
	// outside Git (the AKS fluxConfiguration entry points); At says where
	// they were configured.
	Synthetic bool
	At        load.Pos

	// AppliedBy is the Flux Kustomization whose build produced the object;
	// nil for entry points, which nothing in the repository applies.
	AppliedBy *Kustomization

	// Release is the HelmRelease whose chart rendered the object, and
	// Template the chart template that produced it
	// ("podinfo/templates/deployment.yaml"), as Helm's "# Source:" names
	// it; nil for an object no chart rendered.
	Release  *Object
	Template string

	// decoded is a Flux Kustomization read into the API's types, by the
	// build that produced it (see predecode).
	decoded *decodedKustomization
}

// ID is "Kind namespace/name", or "Kind name" for an object without a
// namespace.
func (o *Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Group is the object's API group.
func (o *Object) Group() string { return flux.Group(o.APIVersion) }

// Pos is where a finding about the object as a whole points: its "kind:"
// line, the generator that made it, or where it was configured.
func (o *Object) Pos() load.Pos {
	switch {
	case o.Doc != nil:
		return o.Doc.KindPos()
	case o.Generated.IsValid():
		return o.Generated
	case o.Release != nil:
		return o.Release.Pos()
	}
	return o.At
}

// Provenance says where the object comes from: its position, and for an
// object a chart rendered, the chart template and the HelmRelease.
func (o *Object) Provenance() string {
	if o.Release != nil {
		return o.Template + " (HelmRelease " + o.Release.Namespace + "/" + o.Release.Name + ", " + o.Release.Pos().String() + ")"
	}
	return o.Pos().String()
}

// FieldPos is where a finding about the field at path points: the field's
// key in the source document when the document has it, else the closest
// ancestor the document has, else Pos.
func (o *Object) FieldPos(path ...string) load.Pos {
	if o.Doc != nil && o.Doc.Node != nil {
		return o.Doc.Nearest(path...)
	}
	return o.Pos()
}

// ValuePos is the position of the value of the field at path in the source
// document, falling back as FieldPos does.
func (o *Object) ValuePos(path ...string) load.Pos {
	if o.Doc != nil {
		if p, ok := o.Doc.Lookup(path...); ok {
			return p
		}
	}
	return o.FieldPos(path...)
}

// Scalar returns the scalar at path of the rendered object ("" if absent).
func (o *Object) Scalar(path ...string) string {
	return load.Scalar(load.LookupNode(o.Node.YNode(), path...))
}

// Lookup returns the rendered node at path, or nil.
func (o *Object) Lookup(path ...string) *yaml.Node {
	return load.LookupNode(o.Node.YNode(), path...)
}

// Has reports whether the rendered object has a field at path.
func (o *Object) Has(path ...string) bool { return o.Lookup(path...) != nil }

// Identity names the object in the cluster: its API group, kind,
// namespace and name ("helm.toolkit.fluxcd.io|HelmRelease|apps|web"). Two
// renders of a repository agree on it whatever moved in the files.
func (o *Object) Identity() string {
	return o.Group() + "|" + o.Kind + "|" + o.Namespace + "|" + o.Name
}
