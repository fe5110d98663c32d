package migrate

import (
	"path"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/rewrite"
)

// patches makes the patches that target a moving object follow it: a
// strategic-merge patch names its target by kind, name and namespace, and
// a patch entry's target selector may name a namespace too. Inline patch
// text cannot be edited in place; an object that one targets by its old
// namespace stays, with a note.
func (ps *pass) patches() {
	// Moving objects by kind, old namespace and name.
	moved := map[string]dest{}
	for k, d := range ps.moving {
		moved[k] = d
	}
	if len(moved) == 0 {
		return
	}
	for _, f := range ps.p.res.Repo.YAMLFiles() {
		for _, d := range f.Docs() {
			if !d.IsObject() || flux.Group(d.APIVersion) != "kustomize.config.k8s.io" {
				continue
			}
			dir := path.Dir(f.Path)
			root := d.Node.YNode()
			if seq := load.LookupNode(root, "patchesStrategicMerge"); seq != nil {
				for _, item := range seq.Content {
					if strings.Contains(item.Value, "\n") {
						ps.inlinePatch(d, item.Value, moved)
					} else {
						ps.patchFile(path.Join(dir, item.Value), moved)
					}
				}
			}
			for _, field := range []string{"patches", "patchesJson6902"} {
				seq := load.LookupNode(root, field)
				if seq == nil {
					continue
				}
				for i, item := range seq.Content {
					idx := strconv.Itoa(i)
					if p := load.LookupNode(item, "path"); p != nil {
						ps.patchFile(path.Join(dir, p.Value), moved)
					}
					if p := load.LookupNode(item, "patch"); p != nil {
						ps.inlinePatch(d, p.Value, moved)
					}
					ps.selector(d, []string{field, idx, "target"}, moved)
				}
			}
		}
	}
	// A Flux Kustomization's own patches.
	for _, o := range ps.p.objs {
		if !flux.IsKustomization(o.APIVersion, o.Kind) || o.Doc == nil {
			continue
		}
		if list := o.Lookup("spec", "patches"); list != nil {
			for i := range list.Content {
				idx := strconv.Itoa(i)
				ps.inlinePatch(o.Doc, o.Scalar("spec", "patches", idx, "patch"), moved)
				ps.selector(o.Doc, []string{"spec", "patches", idx, "target"}, moved)
			}
		}
	}
}

// patchFile edits the documents of a patch file that name a moving object.
func (ps *pass) patchFile(rel string, moved map[string]dest) {
	f := ps.p.res.Repo.File(rel)
	if f == nil {
		return
	}
	for _, d := range f.Docs() {
		if d.Node == nil || d.Kind == "" || d.Name == "" || d.Namespace == "" {
			continue // without a namespace, a patch matches wherever the object is
		}
		k := refKey(d.Kind, d.Namespace, d.Name)
		to, ok := moved[k]
		if !ok {
			continue
		}
		ps.edit(d, rewrite.Edit{Path: []string{"metadata", "namespace"}, Value: to.ns, Why: "patch"}, k)
		if to.name != d.Name {
			ps.edit(d, rewrite.Edit{Path: []string{"metadata", "name"}, Value: to.name, Why: "patch"}, k)
		}
	}
}

// inlinePatch blocks the moving objects an inline patch names by their old
// namespace: the patch text is a block scalar, which is not edited.
func (ps *pass) inlinePatch(d *load.Doc, text string, moved map[string]dest) {
	if text == "" {
		return
	}
	for _, part := range strings.Split(text, "\n---") {
		var n yaml.Node
		if yaml.Unmarshal([]byte(part), &n) != nil || len(n.Content) == 0 {
			continue
		}
		doc := n.Content[0]
		kind := load.Scalar(load.LookupNode(doc, "kind"))
		name := load.Scalar(load.LookupNode(doc, "metadata", "name"))
		ns := load.Scalar(load.LookupNode(doc, "metadata", "namespace"))
		if ns == "" {
			continue
		}
		if _, ok := moved[refKey(kind, ns, name)]; ok {
			for _, o := range ps.p.byKey[refKey(kind, ns, name)] {
				ps.block(o, "an inline patch in %s names it by its namespace %s: move that patch's metadata.namespace by hand", d.File.Name(), ns)
			}
		}
	}
}

// selector edits a patch target selector that names a moving object's
// namespace.
func (ps *pass) selector(d *load.Doc, at []string, moved map[string]dest) {
	sel := load.LookupNode(d.Node.YNode(), at...)
	if sel == nil {
		return
	}
	ns := load.Scalar(load.LookupNode(sel, "namespace"))
	if ns == "" {
		return
	}
	kind, name := load.Scalar(load.LookupNode(sel, "kind")), load.Scalar(load.LookupNode(sel, "name"))
	var hit []string
	for k, to := range moved {
		parts := strings.SplitN(k, "/", 3)
		if parts[1] == ns && (kind == "" || parts[0] == kind) && (name == "" || parts[2] == name) && to.ns != ns {
			hit = append(hit, k)
		}
	}
	if len(hit) == 0 {
		return
	}
	// The selector follows when everything it selects moves.
	for _, o := range ps.p.objs {
		if o.Namespace == ns && (kind == "" || o.Kind == kind) && (name == "" || o.Name == name) {
			if _, ok := moved[key(o)]; !ok {
				for _, k := range hit {
					for _, m := range ps.p.byKey[k] {
						ps.block(m, "the patch target in %s selects namespace %s, where %s stays", d.File.Name(), ns, o.ID())
					}
				}
				return
			}
		}
	}
	ps.edit(d, rewrite.Edit{Path: append(append([]string(nil), at...), "namespace"), Value: ps.p.ns, Why: "patch target"}, hit...)
}
