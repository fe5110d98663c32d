package render

import (
	"strings"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// Kustomization is a Flux Kustomization of the rendered tree.
type Kustomization struct {
	Namespace, Name string

	// Object is the Kustomization as applied (or, for an entry point, as
	// written or synthesised).
	Object *Object
	Spec   kustomizev1.KustomizationSpec

	Parent   *Kustomization
	Children []*Kustomization
	// Objects are the objects its build produces, in build order.
	Objects []*Object
	// Releases are the HelmReleases among Objects, with what their charts
	// render (unless Options.Charts.Off).
	Releases []*Release

	// Source is the resolved sourceRef (namespace defaulted).
	Source flux.Ref
	// Rendered is true when the build succeeded (possibly with problems
	// that did not stop it, such as an unresolved variable).
	Rendered bool
	// Dir is the path of spec.path relative to the repository root, when
	// the source maps into the repository.
	Dir string
	// Layout is how its build is put together, when it was built.
	Layout *Layout
	// Origin says how an entry point was found (OriginBootstrap, ...); empty
	// for the Kustomizations below one.
	Origin string
	// Companions are the objects created with an entry point that no file
	// of the repository holds: the source of a FluxInstance's sync.
	Companions []*Object
	// Instance is the FluxInstance whose sync an entry point is.
	Instance *flux.Instance

	// evidence is set on an entry point the repository shows to be real,
	// whose source is the repository itself; tree is the rendering of the
	// entry point and all below it.
	evidence bool
	tree     *tree

	unstructured map[string]any
}

// Key is "namespace/name".
func (k *Kustomization) Key() string { return k.Namespace + "/" + k.Name }

// Root is the entry point the Kustomization was reached from.
func (k *Kustomization) Root() *Kustomization {
	for k.Parent != nil {
		k = k.Parent
	}
	return k
}

// Lineage lists the Kustomizations from the entry point down to k.
func (k *Kustomization) Lineage() []*Kustomization {
	var c []*Kustomization
	for ; k != nil; k = k.Parent {
		c = append([]*Kustomization{k}, c...)
	}
	return c
}

// LineageString is the lineage as "ns/a > ns/b > ns/c".
func (k *Kustomization) LineageString() string {
	var parts []string
	for _, c := range k.Lineage() {
		parts = append(parts, c.Key())
	}
	return strings.Join(parts, " > ")
}

// Walk visits k and its descendants depth-first, parents before children.
func (k *Kustomization) Walk(fn func(*Kustomization)) {
	fn(k)
	for _, c := range k.Children {
		c.Walk(fn)
	}
}
