package migrate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// planner decides what moves and which edits move it. It works in passes:
// a pass that finds an object it cannot move safely blocks it, with the
// reason, and the next pass plans without it. Blocks only grow, so this
// ends.
type planner struct {
	opts    Options
	ns      string // the configuration namespace
	res     *render.Result
	objs    []*render.Object // the rendered objects that come from this repository
	byKey   map[string][]*render.Object
	blocked map[string]Note
	order   []string // blocked keys, in the order they were blocked
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
}

// owned is an edit and the objects whose move needs it: when the edit
// cannot be made, they do not move.
type owned struct {
	edit   rewrite.Edit
	owners []string
}

func key(o *render.Object) string { return o.Kind + "/" + o.Namespace + "/" + o.Name }

func refKey(kind, ns, name string) string { return kind + "/" + ns + "/" + name }

func newPlanner(opts Options, res *render.Result) *planner {
	p := &planner{opts: opts, ns: opts.Render.ConfigNamespace, res: res, byKey: map[string][]*render.Object{}, blocked: map[string]Note{}}
	for _, o := range res.Objects {
		p.byKey[key(o)] = append(p.byKey[key(o)], o)
		if !o.Synthetic {
			p.objs = append(p.objs, o)
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

func (p *planner) plan() (*Plan, error) {
	plan := &Plan{Step: p.opts.Step, ConfigNamespace: p.ns, repo: p.res.Repo}
	for _, pr := range p.res.Problems {
		if pr.Blocking() {
			plan.RenderErrors = append(plan.RenderErrors, pr)
		}
	}
	for round := 0; round < 50; round++ {
		ps := p.pass()
		if len(ps.blocks) == 0 {
			changes, failed := ps.apply()
			if len(failed) == 0 {
				ps.fill(plan, changes)
				return plan, nil
			}
			ps.blocks = failed
		}
		for _, k := range sortedKeys(ps.blocks) {
			if _, ok := p.blocked[k]; !ok {
				p.blocked[k] = ps.blocks[k]
				p.order = append(p.order, k)
			}
		}
	}
	return nil, fmt.Errorf("the migration plan does not settle; please report this repository's layout")
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (p *planner) pass() *pass {
	ps := &pass{p: p, moving: map[string]dest{}, edits: map[*load.Doc][]owned{}, blocks: map[string]Note{}}
	ps.choose()
	if len(ps.blocks) > 0 {
		return ps
	}
	// The move is planned in full even for the suspend step: only the
	// HelmReleases that can move get suspended.
	ps.rename()
	ps.namespaces()
	ps.specs()
	ps.references()
	ps.patches()
	ps.checkEditable()
	if ps.p.opts.Step == StepSuspend && len(ps.blocks) == 0 {
		ps.edits = map[*load.Doc][]owned{}
		ps.suspend()
		ps.checkEditable()
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

func (ps *pass) move(o *render.Object, why string) {
	if _, ok := ps.moving[key(o)]; !ok {
		ps.moving[key(o)] = dest{ns: ps.p.ns, name: o.Name, why: why}
	}
}

// chartSources lists the sources a HelmRelease's chart comes from.
func chartSources(o *render.Object) []flux.Reference {
	if !flux.IsHelmRelease(o.APIVersion, o.Kind) {
		return nil
	}
	return flux.ReferencesOf(flux.References(o.Node.YNode()), flux.RoleSource)
}

// choose decides which objects move: every HelmRelease outside the
// configuration namespace, the sources they use, every HelmRepository, and
// the ConfigMaps and Secrets their values come from.
func (ps *pass) choose() {
	p := ps.p
	sa := map[string]bool{flux.AKSApplier: true}
	for _, o := range p.res.Objects {
		if o.APIVersion == "v1" && o.Kind == "ServiceAccount" && o.Namespace == p.ns {
			sa[o.Name] = true
		}
	}
	for _, o := range p.objs {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Namespace == p.ns || ps.blocked(o) {
			continue
		}
		if o.Doc == nil || o.Doc.File.Name() != o.Doc.File.Path {
			ps.block(o, "it does not come from a file of this repository")
			continue
		}
		if acct := o.Scalar("spec", "serviceAccountName"); acct != "" && !sa[acct] {
			ps.block(o, "it impersonates service account %s, which does not exist in %s: create it there (or remove serviceAccountName to use flux-applier), then run the migration again", acct, p.ns)
			continue
		}
		ok := true
		for _, ref := range chartSources(o) {
			src := p.lookup(ref.Kind, ref.Namespace, ref.Name)
			switch {
			case src == nil:
				ps.block(o, "its chart source %s %s/%s is not in the repository: create it in %s first", ref.Kind, ref.Namespace, ref.Name, p.ns)
				ok = false
			case src.Namespace == p.ns:
			case ps.blocked(src):
				ps.block(o, "its chart source %s cannot move: %s", src.ID(), ps.reason(src))
				ok = false
			}
		}
		if ok {
			ps.move(o, "")
		}
	}
	// Sources: those the moving HelmReleases use, and every HelmRepository.
	for _, o := range p.objs {
		if _, ok := ps.moving[key(o)]; !ok || !flux.IsHelmRelease(o.APIVersion, o.Kind) {
			continue
		}
		for _, ref := range chartSources(o) {
			if src := p.lookup(ref.Kind, ref.Namespace, ref.Name); src != nil && src.Namespace != p.ns {
				ps.move(src, "used by HelmRelease "+o.Namespace+"/"+o.Name)
				if src.Kind == flux.KindHelmChart {
					if name := src.Scalar("spec", "sourceRef", "name"); name != "" {
						if up := p.lookup(src.Scalar("spec", "sourceRef", "kind"), src.Namespace, name); up != nil && up.Namespace != p.ns {
							ps.move(up, "source of HelmChart "+src.Namespace+"/"+src.Name)
						}
					}
				}
			}
		}
		ps.valuesFrom(o)
	}
	for _, o := range p.objs {
		if o.Kind == flux.KindHelmRepository && flux.IsSource(o.APIVersion, o.Kind) && o.Namespace != p.ns && !ps.blocked(o) {
			ps.move(o, "")
		}
	}
	// A source that something staying outside the configuration namespace
	// also uses cannot move: a HelmRelease that cannot move yet, or a
	// Kustomization.
	for _, o := range p.objs {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Namespace == p.ns {
			continue
		}
		if _, moves := ps.moving[key(o)]; moves {
			continue
		}
		for _, ref := range chartSources(o) {
			if k := refKey(ref.Kind, ref.Namespace, ref.Name); ps.moving[k] != (dest{}) {
				for _, src := range p.byKey[k] {
					ps.block(src, "HelmRelease %s/%s, which stays in %s for now, uses it", o.Namespace, o.Name, o.Namespace)
				}
			}
		}
	}
	for _, o := range p.objs {
		if !flux.IsKustomization(o.APIVersion, o.Kind) || o.Namespace == p.ns {
			continue
		}
		ns := o.Scalar("spec", "sourceRef", "namespace")
		if ns == "" {
			ns = o.Namespace
		}
		k := refKey(o.Scalar("spec", "sourceRef", "kind"), ns, o.Scalar("spec", "sourceRef", "name"))
		if _, ok := ps.moving[k]; ok {
			for _, src := range p.byKey[k] {
				ps.block(src, "Kustomization %s, which stays in %s, syncs from it", o.Namespace+"/"+o.Name, o.Namespace)
			}
		}
	}
	for k := range ps.moving {
		for _, o := range p.byKey[k] {
			if ps.blocked(o) {
				delete(ps.moving, k)
			}
			if o.Doc == nil && o.GeneratorDoc == nil {
				ps.block(o, "it does not come from a file of this repository")
			}
		}
	}
}

// valuesFrom moves the ConfigMaps and Secrets a HelmRelease takes values
// from: helm-controller reads them in the HelmRelease's own namespace.
func (ps *pass) valuesFrom(hr *render.Object) {
	for _, r := range flux.ReferencesOf(flux.References(hr.Node.YNode()), flux.RoleInput) {
		src := ps.p.lookup(r.Kind, r.Namespace, r.Name)
		switch {
		case src != nil && ps.blocked(src):
			ps.block(hr, "its values come from %s, which cannot move: %s", src.ID(), ps.reason(src))
		case src != nil:
			ps.move(src, "values of HelmRelease "+hr.Namespace+"/"+hr.Name)
		case !r.Optional:
			ps.note(hr.ValuePos(r.NamePath()...), hr.ID(),
				"its values come from %s %s/%s, which is not in the repository: it must exist in %s too", r.Kind, r.Namespace, r.Name, ps.p.ns)
		}
	}
}

func (ps *pass) reason(o *render.Object) string {
	if n, ok := ps.p.blocked[key(o)]; ok {
		return n.Message
	}
	return ps.blocks[key(o)].Message
}

// rename finds names that would collide in the configuration namespace
// and renames the moving objects, old namespace first.
func (ps *pass) rename() {
	taken := map[string]bool{}
	for _, o := range ps.p.objs {
		if o.Namespace == ps.p.ns {
			taken[o.Kind+"/"+o.Name] = true
		}
	}
	for _, o := range ps.p.res.Objects {
		if o.Synthetic && o.Namespace == ps.p.ns {
			taken[o.Kind+"/"+o.Name] = true
		}
	}
	keys := sortedKeys(ps.moving)
	for _, k := range keys {
		o := ps.p.byKey[k][0]
		d := ps.moving[k]
		name := o.Name
		for i := 1; taken[o.Kind+"/"+name]; i++ {
			name = o.Namespace + "-" + o.Name
			if i > 1 {
				name += "-" + strconv.Itoa(i)
			}
		}
		taken[o.Kind+"/"+name] = true
		if name != o.Name {
			d.name = name
			if d.why != "" {
				d.why += "; "
			}
			d.why += "renamed: " + o.Kind + " " + ps.p.ns + "/" + o.Name + " exists"
			ps.moving[k] = d
			for _, inst := range ps.p.byKey[k] {
				if inst.Doc == nil || inst.Doc.Name != inst.Name {
					ps.block(inst, "it must be renamed to %s to move (%s/%s exists), but its name is not written as such in its file", name, ps.p.ns, o.Name)
					continue
				}
				ps.edit(inst.Doc, rewrite.Edit{Path: []string{"metadata", "name"}, Value: name, Why: "rename"}, k)
			}
		}
	}
}

func (ps *pass) edit(d *load.Doc, e rewrite.Edit, owners ...string) {
	e.Doc = d.Index
	ps.edits[d] = append(ps.edits[d], owned{edit: e, owners: owners})
}

// destOf is where an object is after the migration.
func (ps *pass) destOf(o *render.Object) (ns, name string, moves bool) {
	if d, ok := ps.moving[key(o)]; ok {
		return d.ns, d.name, true
	}
	return o.Namespace, o.Name, false
}

// setter is what sets an object's namespace.
type setter struct {
	key   string
	doc   *load.Doc // where the field is written; nil when nothing can be edited
	path  []string
	what  string                 // for messages
	inner []*render.KustomizeDir // kustomizations inside it that set a namespace too
}

// setterOf finds what sets an object's namespace: the targetNamespace of
// the Flux Kustomization that applies it, else the outermost kustomization
// with a namespace field, else the object's own file (own: key "").
func setterOf(o *render.Object) setter {
	k := o.AppliedBy
	if k == nil || k.Layout == nil {
		return setter{}
	}
	var chain []*render.KustomizeDir
	switch {
	case o.Doc != nil:
		chain = k.Layout.Enclosing(o.Doc.File.Path)
	case o.GeneratorDoc != nil:
		chain = k.Layout.EnclosingDir(dirOf(o.GeneratorDoc.File.Path))
	}
	var withNS []*render.KustomizeDir
	for _, kd := range chain {
		if kd.Namespace != "" {
			withNS = append(withNS, kd)
		}
	}
	if k.Spec.TargetNamespace != "" {
		s := setter{key: "ks:" + k.Key(), doc: k.Object.Doc, path: []string{"spec", "targetNamespace"},
			what: "the targetNamespace of Kustomization " + k.Key(), inner: withNS}
		if s.doc == nil || s.doc.StringAt(s.path...) != k.Spec.TargetNamespace {
			s.doc = nil // synthetic, or set by a patch: not in a file we can edit
		}
		return s
	}
	if len(withNS) > 0 {
		out := withNS[len(withNS)-1]
		s := setter{key: "kdir:" + out.Dir, doc: out.Doc, path: []string{"namespace"},
			what: "the namespace field of " + out.Dir + "/kustomization.yaml", inner: withNS[:len(withNS)-1]}
		if out.Doc != nil {
			s.what = "the namespace field of " + out.Doc.File.Name()
		}
		return s
	}
	return setter{}
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func clusterScoped(o *render.Object) bool {
	return openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: o.APIVersion, Kind: o.Kind})
}

// namespaces plans how each moving object gets into the configuration
// namespace, changing what sets its namespace now: its own file, or else
// the kustomization or Flux Kustomization that sets it for a whole scope.
// Such a scope is retargeted when everything in it moves, and otherwise
// unset, each object of it getting its namespace written in its own file.
func (ps *pass) namespaces() {
	groups := map[string][]*render.Object{}
	setters := map[string]setter{}
	for _, o := range ps.p.objs {
		s := setterOf(o)
		if s.key == "" {
			if _, _, moves := ps.destOf(o); moves {
				ps.setOwn(o, ps.p.ns, key(o))
			}
			continue
		}
		groups[s.key] = append(groups[s.key], o)
		setters[s.key] = s
	}
	for _, sk := range sortedKeys(groups) {
		scope, s := groups[sk], setters[sk]
		var movers []string
		retarget := true
		for _, o := range scope {
			ns, _, moves := ps.destOf(o)
			if moves {
				movers = append(movers, key(o))
			}
			if o.Kind == "Namespace" || (!clusterScoped(o) && (!moves || ns != ps.p.ns)) {
				retarget = false
			}
		}
		if len(movers) == 0 {
			continue
		}
		fail := func(format string, args ...any) {
			for _, o := range scope {
				if _, _, moves := ps.destOf(o); moves {
					ps.block(o, "its namespace is set by %s, "+format, append([]any{s.what}, args...)...)
				}
			}
		}
		if s.doc == nil {
			fail("which is not written in a file of this repository")
			continue
		}
		if retarget {
			ps.edit(s.doc, rewrite.Edit{Path: s.path, Value: ps.p.ns, Why: "retarget"}, movers...)
			continue
		}
		// Unset it, and write every object's namespace where it is.
		ps.edit(s.doc, rewrite.Edit{Path: s.path, Op: rewrite.Delete, Why: "unset"}, movers...)
		for _, o := range scope {
			desired, _, _ := ps.destOf(o)
			if clusterScoped(o) {
				if o.Kind == "Namespace" && o.Doc != nil && o.Doc.Name != o.Name {
					ps.edit(o.Doc, rewrite.Edit{Path: []string{"metadata", "name"}, Value: o.Name, Why: "keep the namespace's name"}, movers...)
				}
				continue
			}
			if inner := innerSetter(s, o); inner != nil {
				if inner.Namespace != desired {
					fail("and without it %s/kustomization.yaml would set %s's namespace to %s", inner.Dir, o.ID(), inner.Namespace)
				}
				continue
			}
			ps.setOwn(o, desired, movers...)
		}
	}
}

// innerSetter is the kustomization inside s that would set o's namespace
// once s no longer does.
func innerSetter(s setter, o *render.Object) *render.KustomizeDir {
	own := setterOf(o)
	if own.key != s.key || len(own.inner) == 0 {
		return nil
	}
	return own.inner[len(own.inner)-1]
}

// setOwn writes an object's namespace in its own file, or on the
// generator that makes it.
func (ps *pass) setOwn(o *render.Object, ns string, owners ...string) {
	switch {
	case o.Doc != nil:
		if o.Doc.StringAt("metadata", "namespace") != ns {
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
