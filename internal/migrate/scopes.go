package migrate

import (
	"fmt"
	"sort"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// A scope is what one field sets the namespace of: a Flux Kustomization's
// spec.targetNamespace, or a kustomization file's namespace. kustomize
// and Flux put every namespaced object of the scope in that namespace,
// overriding what the objects' own files say, and give its name to every
// Namespace object in it (flux-semantics §1.3, Appendix B 5).
type scope struct {
	key string
	// kustomization is the Flux Kustomization whose targetNamespace it is.
	kustomization *render.Object
	ns            string    // the namespace it sets
	doc           *load.Doc // where the field is written; nil when it cannot be edited
	path          []string
	what          string // for messages
	// transform is the kustomization file that takes a transformer in the
	// field's place when not everything in the scope moves: the file
	// itself, or the kustomization at a Flux Kustomization's path.
	transform *load.Doc
	objs      []*render.Object
}

// scopesOf lists the scopes that set an object's namespace, innermost
// first: every kustomization with a namespace field that encloses the
// object's file, and the targetNamespace of the Flux Kustomization that
// applies it.
func scopesOf(o *render.Object) []*scope {
	k := o.AppliedBy
	if k == nil || k.Layout == nil {
		return nil
	}
	chain := enclosing(o)
	var out []*scope
	for _, kd := range chain {
		if kd.Namespace == "" {
			continue
		}
		s := &scope{key: "kdir:" + k.Key() + ":" + kd.Dir, ns: kd.Namespace, doc: kd.Doc, path: []string{"namespace"},
			what: "the namespace field of " + kd.Dir + "/kustomization.yaml", transform: kd.Doc}
		if kd.Doc != nil {
			s.what = "the namespace field of " + kd.Doc.File.Name()
		}
		out = append(out, s)
	}
	if tn := k.Spec.TargetNamespace; tn != "" {
		s := &scope{key: "ks:" + k.Key(), kustomization: k.Object, ns: tn, doc: k.Object.Doc, path: []string{"spec", "targetNamespace"},
			what: "the targetNamespace of Kustomization " + k.Key()}
		if s.doc == nil || s.doc.StringAt(s.path...) != tn {
			s.doc = nil // synthetic, or set by a patch: not in a file we can edit
		}
		if root := k.Layout.Dirs[k.Layout.Root]; root != nil {
			s.transform = root.Doc
		}
		out = append(out, s)
	}
	return out
}

// namespaces plans how each moving object gets into the configuration
// namespace. An object no scope covers gets the namespace written in its
// own file (or on its generator). A scope whose namespaced objects all
// move is retargeted. A scope that also holds objects that stay keeps
// them where they are with kustomize's NamespaceTransformer in unsetOnly
// mode in place of the field: it gives the scope's namespace to the
// objects that do not name their own, so the moving ones can name the
// configuration namespace in their files.
func (ps *pass) namespaces() {
	scopes := map[string]*scope{}
	for _, o := range ps.p.objs {
		list := scopesOf(o)
		if len(list) == 0 {
			if _, _, moves := ps.destOf(o); moves {
				ps.setOwn(o, ps.p.ns, key(o))
			}
			continue
		}
		for _, s := range list {
			if have := scopes[s.key]; have != nil {
				s = have
			} else {
				scopes[s.key] = s
			}
			s.objs = append(s.objs, o)
		}
	}
	keys := make([]string, 0, len(scopes))
	for k := range scopes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	own := map[*render.Object]bool{} // objects whose namespace is written in their own file
	for _, sk := range keys {
		s := scopes[sk]
		var movers []string
		all := true
		for _, o := range s.objs {
			ns, _, moves := ps.destOf(o)
			if moves {
				movers = append(movers, key(o))
			}
			if o.Kind == "Namespace" || (!clusterScoped(o) && (!moves || ns != ps.p.ns)) {
				all = false
			}
		}
		if len(movers) == 0 {
			continue
		}
		fail := func(format string, args ...any) {
			for _, o := range s.objs {
				if _, _, moves := ps.destOf(o); moves {
					ps.block(o, "its namespace is set by %s, "+format, append([]any{s.what}, args...)...)
				}
			}
		}
		if s.doc == nil {
			fail("which is not written in a file of this repository")
			continue
		}
		if s.kustomization != nil {
			// What it applies, and where, is checked as a whole.
			ps.allow(s.kustomization, s.path...)
		}
		if all {
			ps.edit(s.doc, rewrite.Edit{Path: s.path, Value: ps.p.ns, Why: "retarget"}, movers...)
			continue
		}
		if s.transform == nil {
			fail("and its objects that stay need it, but its path has no kustomization.yaml to hold a NamespaceTransformer in its place")
			continue
		}
		ps.edit(s.doc, rewrite.Edit{Path: s.path, Op: rewrite.Delete, Why: "unset"}, movers...)
		if s.transform != s.doc && s.transform.StringAt("namespace") != "" {
			ps.edit(s.transform, rewrite.Edit{Path: []string{"namespace"}, Op: rewrite.Delete, Why: "unset"}, movers...)
		}
		ps.edit(s.transform, rewrite.Edit{Path: []string{"transformers"}, Op: rewrite.Append, Value: namespaceTransformer(s.ns),
			After: []string{"namespace", "kind"}, Why: "keep what stays in " + s.ns}, movers...)
		for _, o := range s.objs {
			ns, _, moves := ps.destOf(o)
			switch {
			case o.Kind == "Namespace":
				// The field named it; the transformer does not.
				if hd := ps.p.home(o.Doc); hd != nil && hd.Name != o.Name {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"metadata", "name"}, Value: o.Name, Why: "keep the namespace's name"}, movers...)
				}
			case clusterScoped(o):
			case moves && !own[o]:
				own[o] = true
				ps.setOwn(o, ns, key(o))
			case !moves && o.Doc != nil && o.Doc.Namespace != "" && o.Doc.Namespace != ns:
				// It names another namespace, which the field overrode.
				ps.setOwn(o, ns, movers...)
			}
		}
	}
	// An object every scope of which was retargeted still has a file that
	// may name its old namespace: it must not contradict where it lands.
	for _, o := range ps.p.objs {
		ns, _, moves := ps.destOf(o)
		if moves && !own[o] && o.Doc != nil && len(ps.p.byDoc[o.Doc]) == 1 && o.Doc.Namespace != "" && o.Doc.Namespace != ns {
			ps.setOwn(o, ns, key(o))
		}
	}
}

// namespaceTransformer is a kustomization transformers item that sets a
// namespace on the objects that have none, like a namespace field that
// leaves alone the objects naming theirs.
func namespaceTransformer(ns string) string {
	return fmt.Sprintf("|-\n  apiVersion: builtin\n  kind: NamespaceTransformer\n  metadata:\n    name: namespace\n    namespace: %s\n  unsetOnly: true", ns)
}

// setOwn writes an object's namespace in its own file, or on the
// generator that makes it.
func (ps *pass) setOwn(o *render.Object, ns string, owners ...string) {
	switch {
	case o.Doc != nil:
		if hd := ps.p.home(o.Doc); hd == nil || hd.StringAt("metadata", "namespace") != ns {
			if len(ps.p.byDoc[o.Doc]) > 1 {
				for _, k := range owners {
					for _, ob := range ps.p.byKey[k] {
						ps.block(ob, "%s must name namespace %s for %s, but %d objects come from it", o.Doc.File.Name(), ns, o.ID(), len(ps.p.byDoc[o.Doc]))
					}
				}
				return
			}
			ps.edit(o.Doc, rewrite.Edit{Path: []string{"metadata", "namespace"}, Value: ns, After: []string{"name"}, Why: "namespace"}, owners...)
		}
	case o.GeneratorDoc != nil:
		if o.GeneratorDoc.StringAt(append(o.GeneratorPath, "namespace")...) != ns {
			ps.edit(o.GeneratorDoc, rewrite.Edit{Path: append(append([]string(nil), o.GeneratorPath...), "namespace"), Value: ns, After: []string{"name"}, Why: "namespace"}, owners...)
		}
	default:
		ps.block(o, "it has no file whose namespace could be written")
	}
}

// enclosing lists the kustomizations that include an object's file (or
// its generator), innermost first, in the build of the Kustomization that
// applies it.
func enclosing(o *render.Object) []*render.KustomizeDir {
	k := o.AppliedBy
	if k == nil || k.Layout == nil {
		return nil
	}
	switch {
	case o.Doc != nil:
		return k.Layout.Enclosing(o.Doc.File.Path)
	case o.GeneratorDoc != nil:
		return k.Layout.EnclosingDir(dirOf(o.GeneratorDoc.File.Path))
	}
	return nil
}
