package migrate

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// identityOf is the release identity of a rendered HelmRelease.
func identityOf(o *render.Object) flux.ReleaseIdentity {
	return flux.HelmReleaseFields{
		Namespace:        o.Namespace,
		Name:             o.Name,
		ReleaseName:      o.Scalar("spec", "releaseName"),
		TargetNamespace:  o.Scalar("spec", "targetNamespace"),
		StorageNamespace: o.Scalar("spec", "storageNamespace"),
	}.Identity()
}

// specs plans the fields each moving HelmRelease needs so that its
// release keeps its identity (flux-semantics §5, Appendix B 1).
func (ps *pass) specs() {
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		for _, o := range ps.p.byKey[k] {
			if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Doc == nil {
				continue
			}
			id := identityOf(o)
			set := func(field, value string, after ...string) {
				ps.allow(o, "spec", field)
				if o.Scalar("spec", field) == "" {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Value: value, After: after, Why: "identity"}, k)
				}
			}
			set("releaseName", id.Name)
			set("targetNamespace", id.Namespace, "releaseName")
			set("storageNamespace", id.StorageNamespace, "targetNamespace", "releaseName")
		}
	}
}

// references makes every reference to a moving object follow it, and
// every reference of a moving object whose namespace default changes keep
// pointing where it did: sources, dependsOn, health checks, what Alerts and
// Receivers watch, a ResourceSet's dependsOn, and the ConfigMaps and
// Secrets read by name.
func (ps *pass) references() {
	for _, o := range ps.p.objs {
		if ps.p.home(o.Doc) == nil {
			continue
		}
		ownNS, _, _ := ps.destOf(o)
		for _, r := range flux.References(o.Node.YNode()) {
			switch {
			case r.Field.Scalar:
			case !r.Field.Namespaced:
				if t := ps.p.target(r); t != nil {
					if _, name, moves := ps.destOf(t); moves && name != t.Name {
						ps.ref(o, r, ownNS, name, ownNS, key(t), key(o))
					}
				}
			case r.Name == "*":
				ps.wildcard(o, r)
			default:
				ps.followRef(o, r, ownNS)
			}
		}
	}
}

// followRef updates a namespaced reference of o that points at a moving
// object, or whose namespace default changes because o moves.
func (ps *pass) followRef(o *render.Object, r flux.Reference, ownNS string) {
	if r.Field.NoDefault && !r.NamespaceWritten {
		return // a cluster-scoped object: nothing moves
	}
	t := ps.p.target(r)
	tns, tname := r.Namespace, r.Name
	owner := key(o)
	if t != nil {
		ns, name, moves := ps.destOf(t)
		if moves {
			tns, owner = ns, key(t)
			if t.Kind == r.Kind { // not an artifact named after its generator
				tname = name
			}
		}
	}
	if tns == r.Namespace && tname == r.Name && ownNS == o.Namespace {
		return // nothing moved on either end
	}
	owners := []string{owner}
	if _, _, moves := ps.destOf(o); moves && owner != key(o) {
		owners = append(owners, key(o))
	}
	defaultNS := ownNS
	if r.Field.NoDefault {
		defaultNS = ""
	}
	ps.ref(o, r, tns, tname, defaultNS, owners...)
}

// wildcard makes an Alert's or Receiver's "*" entry that names a namespace
// follow the objects that move out of it.
func (ps *pass) wildcard(o *render.Object, r flux.Reference) {
	if !r.NamespaceWritten || r.Namespace == ps.p.ns {
		return
	}
	var owners []string
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		m := ps.p.byKey[k][0]
		if m.Namespace == r.Namespace && (r.Kind == "" || m.Kind == r.Kind) {
			owners = append(owners, k)
		}
	}
	if len(owners) == 0 {
		return
	}
	if _, _, moves := ps.destOf(o); moves {
		owners = append(owners, key(o))
	}
	ps.ref(o, r, ps.p.ns, r.Name, "", owners...)
}

// ref makes the reference r of o point at namespace ns and name name. The
// reference's namespace, when the file does not write it, defaults to
// defaultNS, the namespace o has after the migration ("" for a field
// without a default).
func (ps *pass) ref(o *render.Object, r flux.Reference, ns, name, defaultNS string, owners ...string) {
	hd := ps.p.home(o.Doc)
	if hd == nil {
		return
	}
	nsPath, namePath := r.NamespacePath(), r.NamePath()
	if r.Field.Namespaced {
		written := hd.StringAt(nsPath...)
		rendered := o.Scalar(nsPath...)
		switch {
		case written != "" && written != ns:
			ps.edit(o.Doc, rewrite.Edit{Path: nsPath, Value: ns, Why: "reference"}, owners...)
		case written == "" && rendered != "" && rendered != ns:
			ps.block(o, "the namespace of its reference %s is set by a patch, not in its file", strings.Join(r.Path, "."))
		case written == "" && rendered == "" && ns != defaultNS:
			ps.edit(o.Doc, rewrite.Edit{Path: nsPath, Value: ns, After: []string{"name"}, Why: "reference"}, owners...)
		}
	}
	if name != o.Scalar(namePath...) {
		if hd.StringAt(namePath...) == "" {
			ps.block(o, "the name of its reference %s is not written in its file", strings.Join(r.Path, "."))
			return
		}
		ps.edit(o.Doc, rewrite.Edit{Path: namePath, Value: name, Why: "reference"}, owners...)
	}
}

// policyMarker is an image automation setter comment
// (flux-semantics Appendix A).
var policyMarker = regexp.MustCompile(`\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}`)

// imagePolicyMarkers makes the image policy markers in every YAML file of
// the repository name the namespace and name their ImagePolicy has after
// the migration: image-automation-controller looks the policy up by the
// marker's "namespace:name".
func (ps *pass) imagePolicyMarkers() {
	moved := map[string]string{} // "ns:name" -> "newns:newname"
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := ps.p.byKey[k][0]
		if o.Kind == flux.KindImagePolicy {
			ns, name, _ := ps.destOf(o)
			moved[o.Namespace+":"+o.Name] = ns + ":" + name
		}
	}
	if len(moved) == 0 {
		return
	}
	for _, f := range ps.p.res.Repo.YAMLFiles() {
		for _, d := range f.Docs() {
			if d.Node == nil {
				continue
			}
			walkComments(d.Node.YNode(), func(line int, comment string) {
				for _, m := range policyMarker.FindAllStringSubmatch(comment, -1) {
					parts := strings.SplitN(m[1], ":", 3)
					if len(parts) < 2 {
						continue
					}
					to, ok := moved[parts[0]+":"+parts[1]]
					if !ok {
						continue
					}
					newValue := to
					if len(parts) == 3 {
						newValue += ":" + parts[2]
					}
					policy := ps.p.byKey[refKey(flux.KindImagePolicy, parts[0], parts[1])][0]
					ps.edit(d, rewrite.Edit{Op: rewrite.ReplaceInComment, Line: line, Comment: `"` + m[1] + `"`, Value: `"` + newValue + `"`, Why: "image policy marker"}, key(policy))
				}
			})
		}
	}
}

// walkComments calls fn with the line comment of every node.
func walkComments(n *yaml.Node, fn func(line int, comment string)) {
	if n == nil {
		return
	}
	if n.LineComment != "" {
		fn(n.Line, n.LineComment)
	}
	for _, c := range n.Content {
		walkComments(c, fn)
	}
}

// checkEditable blocks the objects whose move needs an edit in a SOPS
// encrypted file: the MAC covers every value, so only a person holding the
// key can change it.
func (ps *pass) checkEditable() {
	for d, edits := range ps.edits {
		if !sopsFile(d.File) {
			continue
		}
		for _, e := range edits {
			for _, k := range e.owners {
				for _, o := range ps.p.byKey[k] {
					ps.block(o, "%s is SOPS-encrypted (its MAC covers every value): %s there by hand, re-encrypt, and run the migration again", d.File.Name(), e.edit)
				}
			}
		}
	}
}

func sopsFile(f *load.File) bool {
	for _, d := range f.Docs() {
		if d.Node != nil && flux.HasSOPSKey(d.Node.YNode()) {
			return true
		}
	}
	return false
}

// apply makes the edits, file by file. Edits that conflict, or that the
// rewriter refuses, block the objects that need them.
func (ps *pass) apply() (map[string]*Change, map[string]Note) {
	failed := map[string]Note{}
	byFile := map[*load.File][]owned{}
	for d, edits := range ps.edits {
		byFile[d.File] = append(byFile[d.File], edits...)
	}
	changes := map[string]*Change{}
	var files []*load.File
	for f := range byFile {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		edits := dedupe(byFile[f], failed, ps)
		var plain []rewrite.Edit
		for _, e := range edits {
			plain = append(plain, e.edit)
		}
		data, err := f.Data()
		if err == nil {
			var out []byte
			out, err = rewrite.Apply(f.Name(), data, plain)
			if err == nil {
				changes[f.Path] = &Change{Path: f.Path, Old: data, New: out}
				continue
			}
		}
		for _, e := range edits {
			for _, k := range e.owners {
				if len(ps.p.byKey[k]) > 0 {
					o := ps.p.byKey[k][0]
					failed[k] = Note{Pos: o.Pos(), Object: o.ID(), Message: err.Error()}
				}
			}
		}
	}
	return changes, failed
}

// dedupe merges identical edits and blocks the owners of conflicting ones.
func dedupe(edits []owned, failed map[string]Note, ps *pass) []owned {
	type slot struct {
		doc  int
		op   rewrite.Op
		path string
		line int
	}
	seen := map[slot]int{}
	var out []owned
	for _, e := range edits {
		op := e.edit.Op
		if op == rewrite.Delete {
			op = rewrite.Set // a set and a delete of one field conflict
		}
		s := slot{e.edit.Doc, op, strings.Join(e.edit.Path, "/"), e.edit.Line}
		i, ok := seen[s]
		if !ok {
			seen[s] = len(out)
			out = append(out, e)
			continue
		}
		prev := out[i]
		if prev.edit.Op == e.edit.Op && prev.edit.Value == e.edit.Value && prev.edit.Comment == e.edit.Comment {
			out[i].owners = append(out[i].owners, e.owners...)
			continue
		}
		for _, k := range append(prev.owners, e.owners...) {
			if len(ps.p.byKey[k]) > 0 {
				o := ps.p.byKey[k][0]
				failed[k] = Note{Pos: o.Pos(), Object: o.ID(),
					Message: "two moves need different values in the same field: " + prev.edit.String() + " and " + e.edit.String()}
			}
		}
	}
	return out
}
