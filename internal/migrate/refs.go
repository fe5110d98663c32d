package migrate

import (
	"sort"

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

// suspend plans spec.suspend: true for every HelmRelease that will move.
func (ps *pass) suspend() {
	for _, k := range sortedKeys(ps.moving) {
		for _, o := range ps.p.byKey[k] {
			if flux.IsHelmRelease(o.APIVersion, o.Kind) && o.Doc != nil && o.Scalar("spec", "suspend") != "true" {
				ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", "suspend"}, Value: "true", Raw: true, Why: "suspend"}, k)
			}
		}
	}
}

// specs plans the fields each moving HelmRelease needs so that its
// release keeps its identity, and its chart references in the new
// namespace.
func (ps *pass) specs() {
	for _, k := range sortedKeys(ps.moving) {
		for _, o := range ps.p.byKey[k] {
			if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Doc == nil {
				continue
			}
			id := identityOf(o)
			set := func(field, value string, after ...string) {
				if o.Scalar("spec", field) == "" {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Value: value, After: after, Why: "identity"}, k)
				}
			}
			set("releaseName", id.Name)
			set("targetNamespace", id.Namespace, "releaseName")
			set("storageNamespace", id.StorageNamespace, "targetNamespace", "releaseName")
			for _, ref := range chartSources(o) {
				src := ps.p.lookup(ref.Kind, ref.Namespace, ref.Name)
				if src == nil {
					continue
				}
				ns, name, _ := ps.destOf(src)
				ps.ref(o, ref.Path, ns, name, ps.p.ns, k)
			}
			for _, r := range flux.ReferencesOf(flux.References(o.Node.YNode()), flux.RoleInput) {
				src := ps.p.lookup(r.Kind, r.Namespace, r.Name)
				if src == nil {
					continue
				}
				if _, name, _ := ps.destOf(src); name != src.Name {
					ps.edit(o.Doc, rewrite.Edit{Path: r.NamePath(), Value: name, Why: "rename"}, k)
				}
			}
			if o.Scalar("spec", "suspend") == "true" {
				if o.Doc.StringAt("spec", "suspend") == "true" {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", "suspend"}, Op: rewrite.Delete, Why: "unsuspend"}, k)
				} else {
					ps.block(o, "it is suspended by a patch, not in its file: take the suspension away by hand after the move")
				}
			}
		}
	}
	// A HelmChart that moves keeps pointing at its source by name.
	for _, k := range sortedKeys(ps.moving) {
		for _, o := range ps.p.byKey[k] {
			if o.Kind != flux.KindHelmChart || o.Doc == nil {
				continue
			}
			if src := ps.p.lookup(o.Scalar("spec", "sourceRef", "kind"), o.Namespace, o.Scalar("spec", "sourceRef", "name")); src != nil {
				if _, name, _ := ps.destOf(src); name != src.Name {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", "sourceRef", "name"}, Value: name, Why: "rename"}, k)
				}
			}
		}
	}
}

// ref makes the reference at path of o point at namespace ns and name
// name. The reference's namespace, when the file does not write it,
// defaults to the namespace o has after the migration (defaultNS).
func (ps *pass) ref(o *render.Object, path []string, ns, name, defaultNS string, owners ...string) {
	nsPath := append(append([]string(nil), path...), "namespace")
	namePath := append(append([]string(nil), path...), "name")
	written := o.Doc.StringAt(nsPath...)
	rendered := o.Scalar(nsPath...)
	switch {
	case written != "" && written != ns:
		ps.edit(o.Doc, rewrite.Edit{Path: nsPath, Value: ns, Why: "reference"}, owners...)
	case written == "" && rendered != "" && rendered != ns:
		ps.block(o, "the namespace of its reference %v is set by a patch, not in its file", path)
	case written == "" && rendered == "" && ns != defaultNS:
		ps.edit(o.Doc, rewrite.Edit{Path: nsPath, Value: ns, After: []string{"name"}, Why: "reference"}, owners...)
	}
	if name != o.Scalar(namePath...) {
		if o.Doc.StringAt(namePath...) == "" {
			ps.block(o, "the name of its reference %v is not written in its file", path)
			return
		}
		ps.edit(o.Doc, rewrite.Edit{Path: namePath, Value: name, Why: "reference"}, owners...)
	}
}

// references follows every other reference to a moving object: dependsOn,
// Kustomization health checks, and the objects Alerts and Receivers watch;
// and a HelmRelease that stays follows the chart sources that move.
func (ps *pass) references() {
	for _, o := range ps.p.objs {
		if o.Doc == nil {
			continue
		}
		ownNS, _, moves := ps.destOf(o)
		for _, r := range flux.References(o.Node.YNode()) {
			switch r.Field.Role {
			case flux.RoleDependency, flux.RoleHealthCheck, flux.RoleWatch:
				ps.followRef(o, r, ownNS)
			case flux.RoleSource:
				if !moves && flux.IsHelmRelease(o.APIVersion, o.Kind) {
					if src := ps.p.lookup(r.Kind, r.Namespace, r.Name); src != nil {
						if ns, name, srcMoves := ps.destOf(src); srcMoves {
							ps.ref(o, r.Path, ns, name, o.Namespace, key(src))
						}
					}
				}
			}
		}
	}
}

// followRef updates a namespaced reference of o that points at a moving
// object, or whose namespace default changes because o moves.
func (ps *pass) followRef(o *render.Object, r flux.Reference, ownNS string) {
	if r.Name == "*" || !r.Field.Namespaced {
		return
	}
	target := ps.p.lookup(r.Kind, r.Namespace, r.Name)
	tns, tname := r.Namespace, r.Name
	owner := key(o)
	if target != nil {
		var moves bool
		tns, tname, moves = ps.destOf(target)
		if moves {
			owner = key(target)
		}
	}
	if tns == r.Namespace && tname == r.Name && ownNS == o.Namespace {
		return // nothing moved on either end
	}
	owners := []string{owner}
	if _, _, moves := ps.destOf(o); moves && owner != key(o) {
		owners = append(owners, key(o))
	}
	ps.ref(o, r.Path, tns, tname, ownNS, owners...)
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
		path string
	}
	seen := map[slot]int{}
	var out []owned
	for _, e := range edits {
		s := slot{e.edit.Doc, pathString(e.edit.Path)}
		i, ok := seen[s]
		if !ok {
			seen[s] = len(out)
			out = append(out, e)
			continue
		}
		prev := out[i]
		if prev.edit.Op == e.edit.Op && prev.edit.Value == e.edit.Value {
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

func pathString(p []string) string {
	s := ""
	for _, x := range p {
		s += "/" + x
	}
	return s
}

// fill writes the pass's outcome into the plan.
func (ps *pass) fill(plan *Plan, changes map[string]*Change) {
	plan.Changes = sortedChanges(changes)
	for _, k := range sortedKeys(ps.moving) {
		o := ps.p.byKey[k][0]
		d := ps.moving[k]
		m := Move{Kind: o.Kind, From: o.Namespace + "/" + o.Name, To: d.ns + "/" + d.name, Why: d.why}
		if ps.p.opts.Step == StepSuspend {
			if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Scalar("spec", "suspend") == "true" {
				continue
			}
			m.To, m.Why = "suspended", "will move to "+d.ns+"/"+d.name
		}
		plan.Moves = append(plan.Moves, m)
		if flux.IsHelmRelease(o.APIVersion, o.Kind) && ps.p.opts.Step == StepMove {
			if o.Scalar("spec", "suspend") == "true" {
				plan.Unsuspended = append(plan.Unsuspended, o.Namespace+"/"+o.Name)
			} else {
				plan.NotSuspended = append(plan.NotSuspended, o.Namespace+"/"+o.Name)
			}
		}
	}
	for _, k := range ps.p.order {
		plan.Manual = append(plan.Manual, ps.p.blocked[k])
	}
	plan.Manual = append(plan.Manual, ps.notes...)
	sort.SliceStable(plan.Manual, func(i, j int) bool { return plan.Manual[i].Pos.Less(plan.Manual[j].Pos) })
}
