package migrate

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// planner decides what moves and which edits move it. It works in rounds:
// a round that finds an object it cannot move safely blocks it, with the
// reason, and the next round plans without it. Blocks only grow, so this
// ends.
type planner struct {
	opts    Options
	ns      string // the configuration namespace
	res     *render.Result
	prof    *profile.Set
	objs    []*render.Object // the rendered objects that come from this repository
	byKey   map[string][]*render.Object
	byDoc   map[*load.Doc][]*render.Object // the distinct objects each document makes
	blocked map[string]Note
	order   []string // blocked keys, in the order they were blocked
	// accounts are the service accounts of the configuration namespace.
	accounts map[string]bool
}

// dest is where a moving object goes.
type dest struct {
	ns, name string
	why      string
}

// pass is one attempt at a plan.
type pass struct {
	p      *planner
	moving map[string]dest // by object key
	edits  map[*load.Doc][]owned
	notes  []Note
	blocks map[string]Note
	// allowed lists, by the key of an object before the migration, the
	// fields the plan changes on purpose; verification ignores them.
	allowed map[string][][]string
	// restored are the objects whose step 1 marker is taken away although
	// they do not move.
	restored []string
}

// owned is an edit and the objects whose move needs it: when the edit
// cannot be made, they do not move.
type owned struct {
	edit   rewrite.Edit
	owners []string
}

func key(o *render.Object) string { return o.Kind + "/" + o.Namespace + "/" + o.Name }

func refKey(kind, ns, name string) string { return kind + "/" + ns + "/" + name }

func newPlanner(opts Options, res *render.Result, prof *profile.Set) *planner {
	p := &planner{opts: opts, ns: opts.Render.ConfigNamespace, res: res, prof: prof,
		byKey: map[string][]*render.Object{}, byDoc: map[*load.Doc][]*render.Object{}, blocked: map[string]Note{},
		accounts: map[string]bool{flux.AKSApplier: true}}
	for _, o := range res.Objects {
		p.byKey[key(o)] = append(p.byKey[key(o)], o)
		if o.Synthetic {
			continue
		}
		p.objs = append(p.objs, o)
		if o.Doc != nil && !slices.ContainsFunc(p.byDoc[o.Doc], func(x *render.Object) bool { return key(x) == key(o) }) {
			p.byDoc[o.Doc] = append(p.byDoc[o.Doc], o)
		}
		if o.APIVersion == "v1" && o.Kind == "ServiceAccount" && o.Namespace == p.ns {
			p.accounts[o.Name] = true
		}
	}
	return p
}

// lookup finds a rendered object.
func (p *planner) lookup(kind, ns, name string) *render.Object {
	if l := p.byKey[refKey(kind, ns, name)]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// target finds what a reference names: a rendered object, or the
// ArtifactGenerator that makes the ExternalArtifact it names.
func (p *planner) target(r flux.Reference) *render.Object {
	if t := p.lookup(r.Kind, r.Namespace, r.Name); t != nil {
		return t
	}
	if r.Kind == flux.KindExternalArtifact {
		return p.generatorOf(r.Namespace, r.Name)
	}
	return nil
}

// generatorOf is the ArtifactGenerator that makes an ExternalArtifact in
// its own namespace.
func (p *planner) generatorOf(ns, name string) *render.Object {
	for _, o := range p.objs {
		if o.Kind != flux.KindArtifactGenerator || o.Namespace != ns {
			continue
		}
		if arts := o.Lookup("spec", "artifacts"); arts != nil {
			for _, a := range arts.Content {
				if load.Scalar(load.LookupNode(a, "name")) == name && load.Scalar(load.LookupNode(a, "namespace")) == "" {
					return o
				}
			}
		}
	}
	return nil
}

// home is the repository's own document an object comes from, and whether
// several rendered objects come from it (a shared component). A document
// read through a --source mapping or an assembled artifact is found again
// in the repository by its name.
func (p *planner) home(d *load.Doc) *load.Doc {
	if d == nil {
		return nil
	}
	repo := p.res.Repo
	f := repo.File(d.File.Path)
	if f != d.File {
		f = repo.File(d.File.Name())
		if f == nil {
			return nil
		}
	}
	for _, hd := range f.Docs() {
		if hd.Index == d.Index {
			return hd
		}
	}
	return nil
}

func (p *planner) plan() (*Plan, error) {
	plan := &Plan{Step: p.opts.Step, ConfigNamespace: p.ns, repo: p.res.Repo}
	for _, pr := range p.res.Problems {
		switch {
		case hides(pr):
			plan.Unseen = append(plan.Unseen, pr)
		case pr.Code == render.RemoteResource || pr.Code == render.SourceNotMapped:
			plan.Manual = append(plan.Manual, Note{Pos: pr.Pos, Message: pr.Message})
		}
	}
	for round := 0; round < 50; round++ {
		ps := p.pass()
		if len(ps.blocks) == 0 {
			changes, failed := ps.apply()
			if len(failed) == 0 {
				var err error
				if failed, err = verify(p, ps, changes, plan); err != nil {
					return plan, err
				}
				if len(failed) == 0 {
					ps.fill(plan, changes)
					return plan, nil
				}
			}
			ps.blocks = failed
		}
		progress := false
		for _, k := range slices.Sorted(maps.Keys(ps.blocks)) {
			if _, ok := p.blocked[k]; !ok {
				progress = true
			}
		}
		if !progress {
			var msgs []string
			for _, k := range slices.Sorted(maps.Keys(ps.blocks)) {
				msgs = append(msgs, ps.blocks[k].String())
			}
			return plan, &VerifyError{Failures: msgs}
		}
		for _, k := range slices.Sorted(maps.Keys(ps.blocks)) {
			if _, ok := p.blocked[k]; !ok {
				p.blocked[k] = ps.blocks[k]
				p.order = append(p.order, k)
			}
		}
	}
	return nil, fmt.Errorf("the migration plan does not settle; please report this repository's layout")
}

// hides reports whether a render problem kept part of the repository's
// tree from being seen: what it holds cannot be migrated or checked. A
// substitution problem does not: the objects are rendered (leniently),
// and what Flux makes of them is the check's business.
func hides(pr render.Problem) bool {
	switch pr.Code {
	case render.RemoteResource, render.SourceNotMapped, render.InvalidObject, render.PathNotFound, render.FluxConfiguration,
		render.Substitution, render.SubstituteFromMissing:
		return false
	}
	return pr.Blocking()
}

func (p *planner) pass() *pass {
	ps := &pass{p: p, moving: map[string]dest{}, edits: map[*load.Doc][]owned{}, blocks: map[string]Note{}, allowed: map[string][][]string{}}
	ps.choose()
	if len(ps.blocks) > 0 {
		return ps
	}
	// The move is planned in full for both steps: step 1 marks only what
	// step 2 can move.
	ps.rename()
	ps.namespaces()
	ps.specs()
	ps.references()
	ps.imagePolicyMarkers()
	ps.sourceMappings()
	ps.patches()
	ps.checkEditable()
	if len(ps.blocks) > 0 {
		return ps
	}
	if p.opts.Step == StepSuspend {
		ps.edits = map[*load.Doc][]owned{}
		ps.allowed = map[string][][]string{}
		ps.mark()
		ps.checkEditable()
	} else {
		ps.unmark()
	}
	return ps
}

// block keeps an object where it is, with the reason.
func (ps *pass) block(o *render.Object, format string, args ...any) {
	k := key(o)
	if _, ok := ps.p.blocked[k]; ok {
		return
	}
	if _, ok := ps.blocks[k]; ok {
		return
	}
	ps.blocks[k] = Note{Pos: o.Pos(), Object: o.ID(), Message: fmt.Sprintf(format, args...)}
}

func (ps *pass) blocked(o *render.Object) bool {
	_, a := ps.p.blocked[key(o)]
	_, b := ps.blocks[key(o)]
	return a || b
}

func (ps *pass) note(pos load.Pos, obj, format string, args ...any) {
	ps.notes = append(ps.notes, Note{Pos: pos, Object: obj, Message: fmt.Sprintf(format, args...)})
}

func (ps *pass) move(o *render.Object, why string) bool {
	if ps.blocked(o) {
		return false
	}
	if ps.shared(o) {
		return false
	}
	if _, ok := ps.moving[key(o)]; !ok {
		ps.moving[key(o)] = dest{ns: ps.p.ns, name: o.Name, why: why}
		return true
	}
	return false
}

func (ps *pass) moves(o *render.Object) bool {
	_, ok := ps.moving[key(o)]
	return ok
}

func (ps *pass) reason(o *render.Object) string {
	if n, ok := ps.p.blocked[key(o)]; ok {
		return n.Message
	}
	return ps.blocks[key(o)].Message
}

// allow records a field the plan changes on purpose.
func (ps *pass) allow(o *render.Object, path ...string) {
	ps.allowed[key(o)] = append(ps.allowed[key(o)], path)
}

// movable reports whether the migration moves an object: every object of
// Flux's controllers (all of them are namespaced).
func movable(o *render.Object) bool {
	return flux.IsFlux(o.APIVersion) && o.Kind != "" && o.Name != ""
}

// shared blocks an object that comes from a file that makes it in
// several namespaces (a component included by several kustomizations): a
// move would need the one file to say something different for each.
func (ps *pass) shared(o *render.Object) bool {
	copies := ps.p.byDoc[o.Doc]
	if o.Doc == nil || len(copies) < 2 {
		return false
	}
	var nss []string
	for _, c := range copies {
		nss = append(nss, c.Namespace)
	}
	name := o.Doc.File.Name()
	for _, c := range ps.p.res.Objects {
		if c.Namespace == ps.p.ns && c.Kind == o.Kind && c.Name == o.Name && sameSpec(c, o) {
			ps.block(o, "%s makes it in %d namespaces (%s), and %s says the same already: once what these copies serve is in %s, they serve nothing; take %s out of the other namespaces' builds by hand",
				name, len(copies), strings.Join(nss, ", "), c.ID(), ps.p.ns, name)
			return true
		}
	}
	ps.block(o, "%s makes it in %d namespaces (%s), and one file cannot name a different namespace for each: give each namespace its own copy of it, or keep a single one, then run the migration again",
		name, len(copies), strings.Join(nss, ", "))
	return true
}

// impersonates reports whether an object's controller impersonates a
// service account in the object's namespace (flux-semantics §4).
func impersonates(o *render.Object) bool {
	return flux.IsKustomization(o.APIVersion, o.Kind) || flux.IsHelmRelease(o.APIVersion, o.Kind)
}

// choose decides which objects move: every Flux object outside the
// configuration namespace, and what each reads in its own namespace
// (ConfigMaps and Secrets, and the ExternalSecrets that make them). An
// object that cannot follow blocks what needs it; an object that
// something staying behind needs in its namespace stays too.
func (ps *pass) choose() {
	p := ps.p
	for _, o := range p.objs {
		if !movable(o) || o.Namespace == p.ns || ps.blocked(o) {
			continue
		}
		switch {
		case p.home(o.Doc) == nil:
			ps.block(o, "it does not come from a file of this repository")
		case impersonates(o) && o.Scalar("spec", "serviceAccountName") != "" && !p.accounts[o.Scalar("spec", "serviceAccountName")]:
			ps.block(o, "it impersonates service account %s, which does not exist in %s: create it there (or remove serviceAccountName to use %s), then run the migration again",
				o.Scalar("spec", "serviceAccountName"), p.ns, flux.AKSApplier)
		default:
			ps.move(o, "")
		}
	}
	// What the moving objects read in their own namespace follows them,
	// until nothing more is added.
	for again := true; again; {
		again = false
		for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
			for _, o := range p.byKey[k] {
				if ps.follow(o) {
					again = true
				}
			}
		}
	}
	ps.keepWhatStayersNeed()
	for k := range ps.moving {
		for _, o := range p.byKey[k] {
			if ps.blocked(o) {
				delete(ps.moving, k)
			}
		}
	}
}

// follow looks at the references of a moving object: what it reads in its
// own namespace moves with it; a source it needs that cannot move blocks
// it. It reports whether it added a move.
func (ps *pass) follow(o *render.Object) bool {
	p := ps.p
	added := false
	for _, r := range flux.References(o.Node.YNode()) {
		if r.Name == "*" {
			continue
		}
		if r.Field.Scalar { // a service account
			if !impersonates(o) && !p.accounts[r.Name] {
				ps.block(o, "it authenticates as service account %s/%s, which stays there: create the account in %s (with its cloud identity), then run the migration again", o.Namespace, r.Name, p.ns)
			}
			continue
		}
		t := p.target(r)
		if r.Field.Namespaced {
			if !r.Field.Lockdown {
				continue // followed by references(), wherever it points
			}
			switch {
			case t == nil && r.Namespace == p.ns:
			case t == nil:
				ps.block(o, "its source %s %s/%s is not in the repository: create it in %s first", r.Kind, r.Namespace, r.Name, p.ns)
			case t.Namespace == p.ns:
			case t.Synthetic:
				ps.block(o, "its source %s is not written in a file of this repository", t.ID())
			case ps.blocked(t):
				ps.block(o, "its source %s cannot move: %s", t.ID(), ps.reason(t))
			}
			continue
		}
		// A local reference: resolved in o's own namespace.
		switch {
		case t != nil && ps.blocked(t):
			ps.block(o, "it reads %s, which cannot move: %s", t.ID(), ps.reason(t))
		case t != nil:
			if ps.move(t, fmt.Sprintf("%s of %s", roleWord(r.Field.Role), o.ID())) {
				added = true
			}
		default:
			if prod := ps.producer(o, r); prod != nil {
				if ps.move(prod, fmt.Sprintf("makes Secret %s, %s of %s", r.Name, roleWord(r.Field.Role), o.ID())) {
					added = true
				}
			} else if !r.Optional && o.Namespace != p.ns {
				ps.note(o.ValuePos(r.NamePath()...), o.ID(),
					"it reads %s %s/%s, which is not in the repository: create it in %s too", r.Kind, o.Namespace, r.Name, p.ns)
			}
		}
	}
	return added
}

func roleWord(r flux.RefRole) string {
	switch r {
	case flux.RoleInput:
		return "input"
	case flux.RoleCredentials:
		return "credentials"
	case flux.RoleProvider:
		return "provider"
	case flux.RoleSource:
		return "source"
	}
	return "reference"
}

// producer finds what makes, in the cluster, a Secret that a moving object
// reads and the repository does not hold: an ExternalSecret, which moves
// with it when its store is cluster-wide, or a SealedSecret, which is
// sealed for its namespace. When neither can follow, o is blocked with
// the change to make.
func (ps *pass) producer(o *render.Object, r flux.Reference) *render.Object {
	if r.Kind != "Secret" {
		return nil
	}
	for _, c := range ps.p.objs {
		if c.Namespace != o.Namespace {
			continue
		}
		switch {
		case c.Kind == "ExternalSecret" && strings.HasPrefix(c.APIVersion, "external-secrets.io/"):
			target := c.Scalar("spec", "target", "name")
			if target == "" {
				target = c.Name
			}
			if target != r.Name {
				continue
			}
			if kind := c.Scalar("spec", "secretStoreRef", "kind"); kind != "ClusterSecretStore" {
				store := c.Scalar("spec", "secretStoreRef", "name")
				ps.block(o, "it reads Secret %s, which %s makes from SecretStore %s/%s: create that SecretStore in %s too (or use a ClusterSecretStore), then run the migration again",
					r.Name, c.ID(), c.Namespace, store, ps.p.ns)
				return nil
			}
			if ps.blocked(c) {
				ps.block(o, "it reads Secret %s, which %s makes, and that cannot move: %s", r.Name, c.ID(), ps.reason(c))
				return nil
			}
			return c
		case c.Kind == "SealedSecret" && strings.HasPrefix(c.APIVersion, "bitnami.com/"):
			if c.Name != r.Name {
				continue
			}
			if load.Scalar(load.LookupNode(c.Node.YNode(), "metadata", "annotations", "sealedsecrets.bitnami.com/cluster-wide")) == "true" {
				return c
			}
			ps.block(o, "it reads Secret %s, which %s is sealed for namespace %s: seal it again for %s (kubeseal --namespace %s), then run the migration again",
				r.Name, c.ID(), c.Namespace, ps.p.ns, ps.p.ns)
			return nil
		}
	}
	return nil
}

// keepWhatStayersNeed blocks the moving objects that something staying
// in their namespace needs there: a Flux object that cannot move and uses
// it as a source or reads it, or any other object that names a moving
// ConfigMap or Secret.
func (ps *pass) keepWhatStayersNeed() {
	p := ps.p
	for _, s := range p.objs {
		if s.Namespace == p.ns || s.Namespace == "" || ps.moves(s) {
			continue
		}
		if flux.IsFlux(s.APIVersion) || s.Kind == flux.KindResourceSet {
			for _, r := range flux.References(s.Node.YNode()) {
				if r.Name == "*" || r.Field.Scalar || (r.Field.Namespaced && !r.Field.Lockdown) || r.Namespace != s.Namespace {
					continue
				}
				if t := p.target(r); t != nil && ps.moves(t) {
					ps.block(t, "%s, which stays in %s, needs it there", s.ID(), s.Namespace)
				}
			}
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
			t := p.byKey[k][0]
			if t.Namespace != s.Namespace || (t.Kind != "ConfigMap" && t.Kind != "Secret") {
				continue
			}
			if names(s, t.Kind, t.Name) {
				ps.block(t, "%s, which stays in %s, uses it too: make a copy of it in %s, then run the migration again", s.ID(), s.Namespace, p.ns)
			}
		}
	}
}

// names reports whether a (non-Flux) object refers to a ConfigMap or
// Secret by name the ways Kubernetes objects do: secretRef, configMapRef,
// secretKeyRef, configMapKeyRef, a configMap or secret volume, a
// secretName, imagePullSecrets.
func names(o *render.Object, kind, name string) bool {
	found := false
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		if found || n == nil {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch {
				case v.Kind == yaml.ScalarNode && v.Value == name:
					switch {
					case k == "secretName" && kind == "Secret",
						k == "name" && refersTo(key, kind):
						found = true
					}
				default:
					walk(v, k)
				}
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, key)
			}
		}
	}
	walk(o.Node.YNode(), "")
	return found
}

func refersTo(parentKey, kind string) bool {
	switch parentKey {
	case "secretRef", "secretKeyRef", "secret", "imagePullSecrets":
		return kind == "Secret"
	case "configMapRef", "configMapKeyRef", "configMap":
		return kind == "ConfigMap"
	}
	return false
}

// rename finds names that would collide in the configuration namespace
// and renames the moving objects, old namespace first.
func (ps *pass) rename() {
	taken := map[string]*render.Object{}
	for _, o := range ps.p.res.Objects {
		if o.Namespace == ps.p.ns {
			taken[o.Kind+"/"+o.Name] = o
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := ps.p.byKey[k][0]
		d := ps.moving[k]
		name := o.Name
		first := taken[o.Kind+"/"+name]
		for i := 1; taken[o.Kind+"/"+name] != nil; i++ {
			name = o.Namespace + "-" + o.Name
			if i > 1 {
				name += fmt.Sprintf("-%d", i)
			}
		}
		taken[o.Kind+"/"+name] = o
		if name == o.Name {
			continue
		}
		for _, inst := range ps.p.byKey[k] {
			hd := ps.p.home(inst.Doc)
			switch {
			case hd == nil || hd.Name != inst.Name:
				ps.block(inst, "it must be renamed to %s to move (%s/%s exists), but its name is not written as such in its file", name, ps.p.ns, o.Name)
			case len(ps.p.byDoc[inst.Doc]) > 1 && first != nil && sameSpec(inst, first):
				ps.block(inst, "%s makes it in %d namespaces, and %s says the same already: once the objects these copies serve are in %s, they serve nothing; take %s out of the other namespaces' builds by hand",
					hd.File.Name(), len(ps.p.byDoc[inst.Doc]), first.ID(), ps.p.ns, hd.File.Name())
			case len(ps.p.byDoc[inst.Doc]) > 1:
				ps.block(inst, "it must be renamed to %s to move (%s/%s exists), but %s makes %d objects, so its name cannot change for this one alone",
					name, ps.p.ns, o.Name, hd.File.Name(), len(ps.p.byDoc[inst.Doc]))
			default:
				d.name = name
				ps.edit(inst.Doc, rewrite.Edit{Path: []string{"metadata", "name"}, Value: name, Why: "rename"}, k)
			}
		}
		if d.name != o.Name {
			if d.why != "" {
				d.why += "; "
			}
			d.why += "renamed: " + o.Kind + " " + ps.p.ns + "/" + o.Name + " exists"
			ps.moving[k] = d
		}
	}
}

// sameSpec reports whether two objects say the same apart from where they
// are.
func sameSpec(a, b *render.Object) bool {
	strip := func(o *render.Object) string {
		n := o.Node.Copy()
		_ = n.PipeE(yaml.Lookup("metadata"), yaml.Clear("namespace"))
		s, _ := n.String()
		return s
	}
	return strip(a) == strip(b)
}

// edit plans an edit of the repository's own copy of a document; an edit
// of a document the repository does not hold blocks its owners.
func (ps *pass) edit(d *load.Doc, e rewrite.Edit, owners ...string) {
	hd := ps.p.home(d)
	if hd == nil {
		for _, k := range owners {
			for _, o := range ps.p.byKey[k] {
				ps.block(o, "its move needs an edit (%s) of a file that is not in this repository", e)
			}
		}
		return
	}
	e.Doc = hd.Index
	ps.edits[hd] = append(ps.edits[hd], owned{edit: e, owners: owners})
}

// destOf is where an object is after the migration.
func (ps *pass) destOf(o *render.Object) (ns, name string, moves bool) {
	if d, ok := ps.moving[key(o)]; ok {
		return d.ns, d.name, true
	}
	return o.Namespace, o.Name, false
}

func clusterScoped(o *render.Object) bool {
	return openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: o.APIVersion, Kind: o.Kind})
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// fill writes the pass's outcome into the plan.
func (ps *pass) fill(plan *Plan, changes map[string]*Change) {
	p := ps.p
	plan.Changes = sortedChanges(changes)
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := p.byKey[k][0]
		d := ps.moving[k]
		plan.Moves = append(plan.Moves, Move{Kind: o.Kind, From: o.Namespace + "/" + o.Name, To: d.ns + "/" + d.name, Why: d.why})
		if !safeToDelete(o) {
			field, value := ps.safeField(o)
			plan.Marks = append(plan.Marks, Mark{Kind: o.Kind, Object: o.Namespace + "/" + o.Name, Field: "spec." + field, Value: value})
			if p.opts.Step == StepMove {
				plan.NotSafe = append(plan.NotSafe, o.Kind+" "+o.Namespace+"/"+o.Name)
			}
		}
	}
	if p.opts.Step == StepMove {
		restored := map[string]bool{}
		for _, r := range ps.restored {
			restored[r] = true
		}
		plan.Restored = ps.restored
		for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
			o := p.byKey[k][0]
			if hd := p.home(o.Doc); hd != nil && !restored[o.Namespace+"/"+o.Name] {
				for _, f := range []string{"suspend", "deletionPolicy", "prune"} {
					if n := hd.NodeAt("spec", f); n != nil {
						if _, _, ok := marker(n.LineComment); ok {
							plan.Unmarked = append(plan.Unmarked, o.Namespace+"/"+o.Name)
							break
						}
					}
				}
			}
		}
	}
	plan.Cleanup = ps.cleanup()
	for _, k := range p.order {
		plan.Manual = append(plan.Manual, p.blocked[k])
	}
	plan.Manual = append(plan.Manual, ps.notes...)
	plan.Manual = append(plan.Manual, ps.receivers()...)
	plan.Manual = mergeNotes(plan.Manual)
}

// mergeNotes sorts notes by position and makes one of the notes that say
// the same at the same place about several objects (the copies a shared
// component makes in several namespaces).
func mergeNotes(notes []Note) []Note {
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].Pos.Less(notes[j].Pos) })
	var out []Note
	objects := map[int][]string{}
	at := map[string]int{}
	for _, n := range notes {
		k := n.Pos.String() + "\x00" + n.Message
		if i, ok := at[k]; ok {
			if !slices.Contains(objects[i], n.Object) {
				objects[i] = append(objects[i], n.Object)
			}
			continue
		}
		at[k] = len(out)
		objects[len(out)] = []string{n.Object}
		out = append(out, n)
	}
	for i := range out {
		l := objects[i]
		if len(l) < 2 {
			continue
		}
		out[i].Objects = l
		// "Alert a/x", "Alert b/x": "Alert x in 2 namespaces".
		kind, rest, _ := strings.Cut(l[0], " ")
		_, name, _ := strings.Cut(rest, "/")
		same := true
		for _, o := range l[1:] {
			k, r, _ := strings.Cut(o, " ")
			_, n, _ := strings.Cut(r, "/")
			same = same && k == kind && n == name
		}
		if same {
			out[i].Object = fmt.Sprintf("%s %s in %d namespaces", kind, name, len(l))
		} else {
			out[i].Object = l[0] + fmt.Sprintf(" and %d more (%s)", len(l)-1, strings.Join(l[1:], ", "))
		}
	}
	return out
}

// cleanup lists the commands that delete, once step 2 is applied, the old
// objects no Kustomization prunes: those whose Kustomization moves too
// (it is deleted orphaning them) or does not prune, and the HelmCharts
// that a suspended HelmRelease leaves behind (flux-semantics §5). Old
// Kustomizations come first, so that none of them applies again what the
// others delete.
func (ps *pass) cleanup() []string {
	var ks, others, charts []string
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := ps.p.byKey[k][0]
		a := o.AppliedBy
		if a == nil || a.Object == nil {
			continue
		}
		if _, _, moves := ps.destOf(a.Object); moves || a.Object.Scalar("spec", "prune") != "true" {
			cmd := fmt.Sprintf("kubectl -n %s delete %s %s", o.Namespace, kubectlKind(o), o.Name)
			if flux.IsKustomization(o.APIVersion, o.Kind) {
				ks = append(ks, cmd)
			} else {
				others = append(others, cmd)
			}
		}
		if flux.IsHelmRelease(o.APIVersion, o.Kind) && o.Has("spec", "chart") {
			chartNS := o.Scalar("spec", "chart", "spec", "sourceRef", "namespace")
			if chartNS == "" {
				chartNS = o.Namespace
			}
			charts = append(charts, fmt.Sprintf("kubectl -n %s delete helmchart.%s %s-%s", chartNS, flux.SourceGroup, o.Namespace, o.Name))
		}
	}
	return append(append(ks, others...), charts...)
}

// kubectlKind names an object's kind for kubectl, with its group so that
// Flux's Kustomization is not taken for another.
func kubectlKind(o *render.Object) string {
	kind := strings.ToLower(o.Kind)
	if g := o.Group(); g != "" {
		return kind + "." + g
	}
	return kind
}

// receivers notes the Receivers that move: their webhook path is derived
// from their namespace, so whatever calls it must be given the new one.
func (ps *pass) receivers() []Note {
	var out []Note
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := ps.p.byKey[k][0]
		if o.Kind == flux.KindReceiver && o.Group() == flux.NotificationGroup {
			ns, name, _ := ps.destOf(o)
			out = append(out, Note{Pos: o.Pos(), Object: o.ID(), Message: fmt.Sprintf(
				"its webhook path is derived from its name, namespace and token, so it changes: once step 2 is applied, give the sender the new status.webhookPath (kubectl -n %s get receiver %s -o jsonpath='{.status.webhookPath}')", ns, name)})
		}
	}
	return out
}

// sourceMappings makes the source mappings (sources: in .fluxlint.yaml)
// of the sources that move name them where they are after the move; a
// mapping given with --source is left to the person who types it.
func (ps *pass) sourceMappings() {
	var cfg *load.Doc
	if f := ps.p.res.Repo.File(".fluxlint.yaml"); f != nil && len(f.Docs()) > 0 {
		cfg = f.Docs()[0]
	}
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		o := ps.p.byKey[k][0]
		if !flux.IsSource(o.APIVersion, o.Kind) {
			continue
		}
		ns, name, _ := ps.destOf(o)
		from, to := k, refKey(o.Kind, ns, name)
		if _, ok := ps.p.opts.Render.ConfinedSources[from]; ok && cfg != nil && cfg.StringAt("sources", from) != "" {
			ps.edit(cfg, rewrite.Edit{Path: []string{"sources", to}, Value: cfg.StringAt("sources", from), After: []string{from}, Why: "source mapping"}, k)
			ps.edit(cfg, rewrite.Edit{Path: []string{"sources", from}, Op: rewrite.Delete, Why: "source mapping"}, k)
			continue
		}
		if dir, ok := ps.p.opts.Render.Sources[from]; ok {
			ps.note(o.Pos(), o.ID(), "it is mapped with --source %s=%s: once the move is written, map it as --source %s=%s", from, dir, to, dir)
		}
	}
}

// followMappings adds, to source mappings, the keys of the sources that
// move, so that the migrated tree renders them from the same directories.
func (ps *pass) followMappings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, dir := range m {
		out[k] = dir
		if l := ps.p.byKey[k]; len(l) > 0 {
			if ns, name, moves := ps.destOf(l[0]); moves {
				out[refKey(l[0].Kind, ns, name)] = dir
			}
		}
	}
	return out
}
