package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// verify renders the migrated tree in a temporary copy and checks that the
// plan does what it says and nothing else:
//
//   - every object renders again, where the plan puts it, and says the same
//     field for field, apart from the changes the plan makes on purpose
//     (its namespace and name, the release identity fields, the step
//     markers) and its references, which must name the same objects where
//     those are after the migration;
//   - every Flux Kustomization applies the same objects, at the same
//     namespaces, as before;
//   - every HelmRelease keeps its release identity;
//   - in step 1, everything step 2 moves is safe to delete; in step 2,
//     nothing moved has a lockdown finding;
//   - nothing that rendered before fails to render now.
//
// A difference is blamed on the moves whose edits touch the files the
// object is built from, which are then blocked; a difference no move
// explains is an error, and nothing is written.
func verify(p *planner, ps *pass, changes map[string]*Change, plan *Plan) (map[string]Note, error) {
	opts := p.opts.Render
	tmp, err := os.MkdirTemp(opts.TempDir, "fluxlint-migrate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	root := p.res.Repo.Root
	if err := copyRepo(root, tmp, sortedChanges(changes)); err != nil {
		return nil, fmt.Errorf("preparing the check of the migration: %w", err)
	}
	ro := opts
	ro.Dir = root
	ro = ro.In(tmp)
	ro.Sources = ps.followMappings(ro.Sources)
	ro.ConfinedSources = ps.followMappings(ro.ConfinedSources)
	after, err := render.Render(ro)
	if err != nil {
		return nil, err
	}
	v := &verifier{p: p, ps: ps, after: after, failed: map[string]Note{}, fileOwners: map[string][]string{}, docOwners: map[string][]string{}}
	for d, edits := range ps.edits {
		for _, e := range edits {
			v.fileOwners[d.File.Path] = append(v.fileOwners[d.File.Path], e.owners...)
			v.docOwners[docKey(d)] = append(v.docOwners[docKey(d)], e.owners...)
		}
	}
	v.objects()
	v.kustomizations()
	ids := v.identities(plan)
	lockdown := v.lockdown()
	v.problems(tmp)
	if v.unexplained != nil {
		return nil, &VerifyError{Failures: v.unexplained}
	}
	if len(v.failed) > 0 {
		return v.failed, nil
	}
	plan.Checks = nil
	plan.Checks = append(plan.Checks,
		fmt.Sprintf("%d object(s) render where the plan puts them, field for field as before apart from the intended changes", v.compared),
		fmt.Sprintf("%d Flux Kustomization(s) apply the same objects at the same namespaces", v.kcount),
		fmt.Sprintf("%d HelmRelease(s) keep their release name, release namespace and storage namespace", ids))
	if p.opts.Step == StepSuspend {
		plan.Checks = append(plan.Checks, fmt.Sprintf("%d object(s) that step 2 moves are safe to delete", len(ps.moving)))
	} else {
		plan.Checks = append(plan.Checks, fmt.Sprintf("%d moved object(s) have no cross-namespace-ref or config-namespace finding", len(ps.moving)))
	}
	plan.Checks = append(plan.Checks, fmt.Sprintf("%d changed file(s) parse, and nothing that rendered before fails now", len(changes)))
	plan.LockdownAfter = lockdown
	return nil, nil
}

type verifier struct {
	p     *planner
	ps    *pass
	after *render.Result
	// fileOwners and docOwners are the moves whose edits touch each file,
	// and each document.
	fileOwners  map[string][]string
	docOwners   map[string][]string
	failed      map[string]Note
	unexplained []string
	compared    int
	kcount      int
}

// fail blames a difference on o's move, and on the moves whose edits
// touch the files o is built from.
func (v *verifier) fail(o *render.Object, format string, args ...any) {
	msg := "the migrated tree would not render as planned: " + fmt.Sprintf(format, args...)
	owners := map[string]bool{}
	if _, _, moves := v.ps.destOf(o); moves {
		owners[key(o)] = true
	}
	for _, d := range v.deps(o) {
		for _, k := range v.docOwners[d] {
			if l := v.p.byKey[k]; len(l) > 0 && v.ps.moves(l[0]) {
				owners[k] = true
			}
		}
	}
	if len(owners) == 0 {
		v.unexplained = append(v.unexplained, msg)
		return
	}
	for k := range owners {
		if _, done := v.failed[k]; done {
			continue
		}
		if l := v.p.byKey[k]; len(l) > 0 {
			v.failed[k] = Note{Pos: l[0].Pos(), Object: l[0].ID(), Message: msg}
		}
	}
}

func docKey(d *load.Doc) string { return fmt.Sprintf("%s#%d", d.File.Path, d.Index) }

// deps lists the documents an object is built from: its own, its
// generator's, the kustomizations that include it, and its Flux
// Kustomization's.
func (v *verifier) deps(o *render.Object) []string {
	var out []string
	home := func(d *load.Doc) {
		if hd := v.p.home(d); hd != nil {
			out = append(out, docKey(hd))
		}
	}
	home(o.Doc)
	home(o.GeneratorDoc)
	if k := o.AppliedBy; k != nil {
		if k.Object != nil {
			home(k.Object.Doc)
		}
		if k.Layout != nil {
			chain := enclosing(o)
			if len(chain) == 0 {
				for _, kd := range k.Layout.Dirs {
					chain = append(chain, kd)
				}
			}
			for _, kd := range chain {
				home(kd.Doc)
			}
		}
	}
	return out
}

// dest is where an object is after this step: step 1 moves nothing.
func (v *verifier) dest(o *render.Object) (ns, name string, moves bool) {
	if v.p.opts.Step == StepSuspend {
		return o.Namespace, o.Name, false
	}
	return v.ps.destOf(o)
}

// afterKey is the key an object has after this step.
func (v *verifier) afterKey(o *render.Object) string {
	ns, name, _ := v.dest(o)
	return refKey(o.Kind, ns, name)
}

// gkey and afterGKey key an object with its API group too: two kinds of
// one name (a core ServiceAccount and another group's) are different
// objects.
func gkey(o *render.Object) string { return o.Group() + "|" + key(o) }

func (v *verifier) afterGKey(o *render.Object) string { return o.Group() + "|" + v.afterKey(o) }

// placed keys an object by the Kustomization that applies it and itself,
// both as they are after the migration.
func (v *verifier) placedBefore(o *render.Object) string {
	by := ""
	if o.AppliedBy != nil && o.AppliedBy.Object != nil {
		by = v.afterKey(o.AppliedBy.Object)
	}
	return by + "|" + v.afterGKey(o)
}

func placedAfter(o *render.Object) string {
	by := ""
	if o.AppliedBy != nil && o.AppliedBy.Object != nil {
		by = key(o.AppliedBy.Object)
	}
	return by + "|" + gkey(o)
}

// objects compares every object with what it renders as afterwards.
func (v *verifier) objects() {
	afterBy := map[string]*render.Object{}
	afterKeys := map[string]*render.Object{}
	for _, o := range v.after.Objects {
		if _, dup := afterBy[placedAfter(o)]; !dup {
			afterBy[placedAfter(o)] = o
		}
		if _, dup := afterKeys[gkey(o)]; !dup {
			afterKeys[gkey(o)] = o
		}
	}
	for _, b := range v.p.res.Objects {
		a := afterBy[v.placedBefore(b)]
		if a == nil {
			a = afterKeys[v.afterGKey(b)]
		}
		if a == nil {
			v.fail(b, "%s should render as %s, and does not", b.ID(), strings.Replace(v.afterKey(b), "/", " ", 1))
			continue
		}
		v.compared++
		allowed := v.ps.allowed[key(b)]
		if bs, as := canonical(b, allowed), canonical(a, allowed); bs != as {
			v.fail(b, "%s would change: %s", b.ID(), firstDifference(bs, as))
			continue
		}
		v.references(b, a)
	}
}

// references checks that each reference of b, as a, names the object it
// named before, where that object is after the migration.
func (v *verifier) references(b, a *render.Object) {
	after := map[string]flux.Reference{}
	for _, r := range flux.References(a.Node.YNode()) {
		after[strings.Join(r.Path, ".")] = r
	}
	ownNS, _, _ := v.dest(b)
	for _, r := range flux.References(b.Node.YNode()) {
		if r.Field.Scalar || r.Name == "*" {
			continue
		}
		ra, ok := after[strings.Join(r.Path, ".")]
		if !ok {
			v.fail(b, "its reference %s is gone", strings.Join(r.Path, "."))
			continue
		}
		wantNS, wantName := r.Namespace, r.Name
		if t := v.p.target(r); t != nil {
			ns, name, _ := v.dest(t)
			wantNS = ns
			if t.Kind == r.Kind {
				wantName = name
			}
		} else if !r.NamespaceWritten && !r.Field.NoDefault {
			wantNS = ownNS
		}
		if !r.Field.Namespaced {
			wantNS = ownNS
		}
		if ra.Namespace != wantNS || ra.Name != wantName {
			v.fail(b, "its reference %s would name %s/%s instead of %s/%s", strings.Join(r.Path, "."), ra.Namespace, ra.Name, wantNS, wantName)
		}
	}
}

// canonical is an object's text without what the plan may change: its
// namespace and name, the allowed fields, the namespace and name of its
// references, and comments.
func canonical(o *render.Object, allowed [][]string) string {
	n := o.Node.Copy()
	y := n.YNode()
	clear := func(path []string) {
		if len(path) == 0 {
			return
		}
		parent := load.LookupNode(y, path[:len(path)-1]...)
		if parent == nil || parent.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == path[len(path)-1] {
				parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
				return
			}
		}
	}
	clear([]string{"metadata", "namespace"})
	clear([]string{"metadata", "name"})
	// The labels Flux puts on what a Kustomization applies name it: they
	// follow it when it moves (checked by the Kustomizations' sets).
	clear([]string{"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"})
	clear([]string{"metadata", "labels", "kustomize.toolkit.fluxcd.io/namespace"})
	for _, p := range allowed {
		clear(p)
	}
	for _, r := range flux.References(o.Node.YNode()) {
		if r.Field.Namespaced {
			clear(r.NamespacePath())
		}
		if !r.Field.Scalar {
			clear(r.NamePath())
		}
	}
	stripComments(y)
	s, _ := n.String()
	return s
}

func stripComments(n *yaml.Node) {
	if n == nil {
		return
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		stripComments(c)
	}
}

// firstDifference describes where two texts first differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("%q becomes %q", strings.TrimSpace(x), strings.TrimSpace(y))
		}
	}
	return "its text differs"
}

// kustomizations checks that each Flux Kustomization applies the same set
// of objects, at the same namespaces, as before.
func (v *verifier) kustomizations() {
	sets := func(res *render.Result, keyOf func(*render.Object) string, kKey func(*render.Kustomization) string) map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, k := range res.Kustomizations() {
			if k.Object == nil {
				continue
			}
			s := map[string]bool{}
			for _, o := range k.Objects {
				s[keyOf(o)] = true
			}
			out[kKey(k)] = s
		}
		return out
	}
	before := sets(v.p.res, v.afterGKey, func(k *render.Kustomization) string { return v.afterKey(k.Object) })
	after := sets(v.after, gkey, func(k *render.Kustomization) string { return key(k.Object) })
	byAfterKey := map[string]*render.Kustomization{}
	for _, k := range v.p.res.Kustomizations() {
		if k.Object != nil {
			byAfterKey[v.afterKey(k.Object)] = k
		}
	}
	for _, kk := range slices.Sorted(maps.Keys(before)) {
		k := byAfterKey[kk]
		bs, as := before[kk], after[kk]
		if as == nil {
			continue // reported as an object that does not render
		}
		v.kcount++
		var missing, extra []string
		for o := range bs {
			if !as[o] {
				missing = append(missing, o)
			}
		}
		for o := range as {
			if !bs[o] {
				extra = append(extra, o)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 || len(extra) > 0 {
			v.fail(k.Object, "Kustomization %s would apply %s instead of %s", k.Key(), describe(extra), describe(missing))
			for _, o := range k.Objects {
				if !as[v.afterGKey(o)] {
					v.fail(o, "Kustomization %s would no longer apply it at %s", k.Key(), v.afterKey(o))
				}
			}
		}
	}
}

func describe(keys []string) string {
	if len(keys) == 0 {
		return "nothing more"
	}
	if len(keys) > 3 {
		return strings.Join(keys[:3], ", ") + fmt.Sprintf(" and %d more", len(keys)-3)
	}
	return strings.Join(keys, ", ")
}

// identities checks every HelmRelease's release identity and records it.
func (v *verifier) identities(plan *Plan) int {
	plan.Identities = nil
	afterKeys := map[string]*render.Object{}
	for _, o := range v.after.Objects {
		if _, dup := afterKeys[key(o)]; !dup {
			afterKeys[key(o)] = o
		}
	}
	n := 0
	for _, b := range v.p.objs {
		if !flux.IsHelmRelease(b.APIVersion, b.Kind) {
			continue
		}
		a := afterKeys[v.afterKey(b)]
		if a == nil {
			continue // reported already
		}
		id := Identity{Before: b.Namespace + "/" + b.Name, After: a.Namespace + "/" + a.Name, Old: identityOf(b), New: identityOf(a)}
		plan.Identities = append(plan.Identities, id)
		n++
		if id.Old != id.New {
			v.fail(b, "HelmRelease %s would change its release identity from %+v to %+v, and Helm would install it again", id.Before, id.Old, id.New)
		}
		if v.p.opts.Step == StepSuspend && v.ps.moves(b) && !safeToDelete(a) {
			v.fail(b, "HelmRelease %s is not suspended after step 1", id.Before)
		}
	}
	if v.p.opts.Step == StepSuspend {
		for _, k := range slices.Sorted(maps.Keys(v.ps.moving)) {
			b := v.p.byKey[k][0]
			if a := afterKeys[k]; a != nil && !safeToDelete(a) {
				v.fail(b, "%s is not safe to delete after step 1", b.ID())
			}
		}
	}
	return n
}

// lockdown runs the multi-tenancy rules on the migrated tree, with
// lockdown on: in step 2, nothing moved may have a finding. It returns the
// findings that remain.
func (v *verifier) lockdown() []analysis.Diagnostic {
	ds := lockdownFindings(v.after)
	moved := map[string]string{} // after key -> before key
	for k := range v.ps.moving {
		moved[v.afterKey(v.p.byKey[k][0])] = k
	}
	for _, d := range ds {
		if d.Object == nil || v.p.opts.Step == StepSuspend {
			continue
		}
		if bk, ok := moved[key(d.Object)]; ok {
			v.fail(v.p.byKey[bk][0], "after the migration, %s: %s [%s]", d.Pos, d.Message, d.Rule)
		}
	}
	return ds
}

// problems checks that nothing that rendered before fails now.
func (v *verifier) problems(tmp string) {
	was := map[string]bool{}
	for _, pr := range v.p.res.Problems {
		was[string(pr.Code)+"\x00"+pr.Message] = true
	}
	for _, pr := range v.after.Problems {
		if !pr.Blocking() || was[string(pr.Code)+"\x00"+strings.ReplaceAll(pr.Message, tmp, v.p.res.Repo.Root)] {
			continue
		}
		var owners []string
		files := []string{pr.Pos.File}
		if pr.Kustomization != nil && pr.Kustomization.Object != nil {
			if hd := v.p.home(pr.Kustomization.Object.Doc); hd != nil {
				files = append(files, hd.File.Path)
			}
		}
		for _, f := range files {
			for _, k := range v.fileOwners[f] {
				if l := v.p.byKey[k]; len(l) > 0 && v.ps.moves(l[0]) {
					owners = append(owners, k)
				}
			}
		}
		msg := "after the migration: " + pr.String()
		if len(owners) == 0 {
			v.unexplained = append(v.unexplained, msg)
			continue
		}
		for _, k := range owners {
			if l := v.p.byKey[k]; len(l) > 0 {
				if _, done := v.failed[k]; !done {
					v.failed[k] = Note{Pos: l[0].Pos(), Object: l[0].ID(), Message: msg}
				}
			}
		}
	}
}

// VerifyError is a plan that did not pass its own check, for a reason no
// move explains: nothing may be written.
type VerifyError struct {
	Failures []string
}

func (e *VerifyError) Error() string {
	return "the migrated tree does not check out, so nothing is written:\n  " + strings.Join(e.Failures, "\n  ")
}

// copyRepo copies the regular files of the repository to dir, with the
// planned changes in place. Unchanged files are hard-linked when possible.
func copyRepo(root, dir string, changes []*Change) error {
	changed := map[string][]byte{}
	for _, c := range changes {
		changed[filepath.FromSlash(c.Path)] = c.New
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		dst := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			if d.Name() == ".git" && p != root {
				// Only its config, which names the remote the roots are
				// found by.
				if data, err := os.ReadFile(filepath.Join(p, "config")); err == nil {
					if err := os.MkdirAll(dst, 0o755); err != nil {
						return err
					}
					if err := os.WriteFile(filepath.Join(dst, "config"), data, 0o644); err != nil {
						return err
					}
				}
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		if data, ok := changed[rel]; ok {
			return os.WriteFile(dst, data, 0o644)
		}
		if os.Link(p, dst) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return errors.Join(os.WriteFile(dst, data, 0o644))
	})
}
