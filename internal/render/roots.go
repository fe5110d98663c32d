package render

import (
	"fmt"
	"path"
	"sort"
	"strconv"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// How an entry point was found; render's header says it.
const (
	OriginGiven       = "AKS fluxConfiguration"
	OriginBootstrap   = "bootstrap"  // its path holds its own file, as flux bootstrap writes it
	OriginRemote      = "git remote" // its GitRepository's URL is the checkout's remote
	OriginGuessed     = "guessed"    // no evidence: a Kustomization nothing else applies
	originInstanceFmt = "sync of %s" // a FluxInstance's spec.sync
)

// candidate is a possible entry point: a Kustomization document, or the
// sync of a FluxInstance.
type candidate struct {
	doc    *load.Doc // nil for a synthesised root
	origin string
	// evidence is set when the repository says this is a real root, whose
	// source is the repository itself.
	evidence bool
	make     func() (*Kustomization, error)
}

// docKey names a document across the trees that stand for one repository
// (a source mapped to a directory of it reads the same files again).
func docKey(d *load.Doc) string { return d.File.Name() + "#" + strconv.Itoa(d.Index) }

// detectRoots finds the entry points the repository describes:
//
//   - the sync of every FluxInstance (written as an object or as the values
//     of the flux-instance chart);
//   - every Flux Kustomization with evidence of being a root: its path holds
//     its own file (flux bootstrap's layout), or its GitRepository's URL is
//     the checkout's git remote.
//
// When there are any, a Kustomization that none of them applies is an
// orphan: reported once (unreferenced) and not rendered. When there are
// none, the Kustomizations that no other one applies are taken as roots, as
// a guess, and render says so.
//
// Candidates are tried one at a time, those that no other candidate's path
// contains first; a candidate that a tree already produces is skipped, and
// a root that a later tree turns out to produce stops being a root. Each
// candidate is tried at most once, so this ends.
func (r *renderer) detectRoots() (roots []*Kustomization, guessed bool) {
	docs := r.kustomizationDocs()
	var real, guesses []candidate
	real = append(real, r.instanceCandidates()...)
	for _, d := range docs {
		c := candidate{doc: d, origin: OriginGuessed, make: func() (*Kustomization, error) { return r.rootFromDoc(d) }}
		src := r.sourceDocOf(d)
		switch {
		case r.remoteMatch(src):
			c.origin, c.evidence = OriginRemote, true
		case bootstrapLayout(d) && !r.remoteMismatch(src):
			c.origin, c.evidence = OriginBootstrap, true
		}
		if c.evidence {
			real = append(real, c)
		} else {
			guesses = append(guesses, c)
		}
	}
	if len(real) == 0 {
		return r.renderCandidates(guesses), true
	}
	roots = r.renderCandidates(real)
	produced := map[string]bool{}
	for _, k := range roots {
		for key := range k.tree.produced {
			produced[key] = true
		}
	}
	for _, c := range guesses {
		if produced[docKey(c.doc)] {
			continue
		}
		name := c.doc.Name
		if c.doc.Namespace != "" {
			name = c.doc.Namespace + "/" + name
		}
		r.report(Problem{Code: Unreferenced, Pos: c.doc.KindPos(),
			Message: fmt.Sprintf("Kustomization %s is applied by no entry point of the repository (%s): Flux never applies it, so fluxlint does not render it",
				name, rootNames(roots))})
	}
	return roots, false
}

func rootNames(roots []*Kustomization) string {
	s := ""
	for i, k := range roots {
		if i > 0 {
			s += ", "
		}
		s += k.Key()
	}
	return s
}

// renderCandidates renders the candidates as entry points (see
// detectRoots) and returns the roots that remain.
func (r *renderer) renderCandidates(cands []candidate) []*Kustomization {
	type rooted struct {
		k        *Kustomization
		doc      *load.Doc
		key      string // docKey(doc), or "" without a doc
		problems []Problem
	}
	var roots []*rooted
	tried := make([]bool, len(cands))
	// covered counts, per document, the roots whose trees produce it, so
	// that skipping a candidate costs one lookup however many roots there
	// are (a repository may hold thousands of Kustomizations no other
	// applies).
	keys := make([]string, len(cands))
	for i, c := range cands {
		if c.doc != nil {
			keys[i] = docKey(c.doc)
		}
	}
	covered := map[string]int{}
	skip := func(i int) bool {
		c := cands[i]
		if c.doc == nil {
			return false
		}
		if covered[keys[i]] > 0 {
			return true
		}
		for _, rt := range roots {
			if underAny(c.doc.File.Path, rt.k.tree.failedDirs[1:]) {
				return true
			}
		}
		return false
	}
	base := r.problems
	for {
		next := -1
		for i := range cands {
			if !tried[i] && !skip(i) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		tried[next] = true
		c := cands[next]
		r.problems = nil
		root, err := c.make()
		if err != nil {
			base = append(base, r.problems...)
			continue
		}
		root.Origin, root.evidence = c.origin, c.evidence
		t := r.renderTree(root)
		var kept []*rooted
		for _, rt := range roots {
			if rt.key == "" || !t.produced[rt.key] {
				kept = append(kept, rt)
				continue
			}
			for key := range rt.k.tree.produced {
				covered[key]--
			}
		}
		for key := range t.produced {
			covered[key]++
		}
		roots = append(kept, &rooted{k: root, doc: c.doc, key: keys[next], problems: r.problems})
	}
	r.problems = base
	var out []*Kustomization
	for _, rt := range roots {
		out = append(out, rt.k)
		r.problems = append(r.problems, rt.problems...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Object.Pos().Less(out[j].Object.Pos()) })
	return out
}

// kustomizationDocs are the Flux Kustomization documents that may be
// entry points, those that no other one's path contains first.
func (r *renderer) kustomizationDocs() []*load.Doc {
	patchFiles := r.patchFiles()
	var cands []*load.Doc
	for _, d := range r.index.byKind[flux.KindKustomization] {
		if flux.IsKustomization(d.APIVersion, d.Kind) && !patchFiles[d.File.Path] &&
			d.StringAt("spec", "sourceRef", "name") != "" {
			cands = append(cands, d)
		}
	}
	dirs := make(map[*load.Doc]string, len(cands))
	for _, d := range cands {
		dirs[d] = cleanRel(d.StringAt("spec", "path"))
	}
	// containedBy counts the other candidates whose path holds a
	// candidate's file: the candidates with each path, looked up for each
	// directory above the file.
	withPath := map[string]int{}
	for _, d := range cands {
		withPath[dirs[d]]++
	}
	containedBy := make(map[*load.Doc]int, len(cands))
	for _, d := range cands {
		n := 0
		for dir := path.Dir(d.File.Path); ; dir = path.Dir(dir) {
			n += withPath[dir]
			if dirs[d] == dir {
				n-- // not itself
			}
			if dir == "." || dir == "/" {
				break
			}
		}
		containedBy[d] = n
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if containedBy[a] != containedBy[b] {
			return containedBy[a] < containedBy[b]
		}
		if a.File.Path != b.File.Path {
			return a.File.Path < b.File.Path
		}
		return a.Index < b.Index
	})
	return cands
}

// bootstrapLayout reports whether a Kustomization syncs a directory that
// holds its own file, as flux bootstrap writes
// clusters/<name>/flux-system/gotk-sync.yaml for the path ./clusters/<name>.
// The repository's root counts only under bootstrap's own names: a
// Kustomization of another repository's root ("./") holds every path.
func bootstrapLayout(d *load.Doc) bool {
	p := cleanRel(d.StringAt("spec", "path"))
	if !isUnder(d.File.Path, p) {
		return false
	}
	return p != "." || (d.Name == "flux-system" && d.StringAt("spec", "sourceRef", "name") == "flux-system")
}

// rootFromDoc makes an entry point of a Kustomization document.
func (r *renderer) rootFromDoc(d *load.Doc) (*Kustomization, error) {
	obj := &Object{Node: d.Node.Copy(), APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name, Doc: d}
	return r.newKustomization(obj, nil)
}

// sourceDocOf finds the source document of a Kustomization document: in
// its own file first (where flux bootstrap writes it), else the only one
// of that kind, namespace and name in the repository.
func (r *renderer) sourceDocOf(d *load.Doc) *load.Doc {
	ref := flux.Ref{Kind: d.StringAt("spec", "sourceRef", "kind"), Namespace: d.StringAt("spec", "sourceRef", "namespace"), Name: d.StringAt("spec", "sourceRef", "name")}
	if ref.Namespace == "" {
		ref.Namespace = d.Namespace
	}
	for _, o := range d.File.Docs() {
		if o.Kind == ref.Kind && o.Name == ref.Name && (o.Namespace == ref.Namespace || o.Namespace == "") {
			return o
		}
	}
	return r.index.unique(ref)
}

// patchFiles lists the files kustomization files use as patches: the
// Kustomizations in them are partial documents, not entry points.
func (r *renderer) patchFiles() map[string]bool {
	out := map[string]bool{}
	for _, d := range r.index.byKind[flux.KindKustomization] {
		if flux.IsKustomization(d.APIVersion, d.Kind) {
			continue
		}
		dir := path.Dir(d.File.Path)
		add := func(p string) {
			if p != "" && !containsNewline(p) {
				out[path.Join(dir, p)] = true
			}
		}
		if n := load.LookupNode(d.Node.YNode(), "patches"); n != nil {
			for _, item := range n.Content {
				if pn := load.LookupNode(item, "path"); pn != nil {
					add(pn.Value)
				}
			}
		}
		if n := load.LookupNode(d.Node.YNode(), "patchesStrategicMerge"); n != nil {
			for _, item := range n.Content {
				add(item.Value)
			}
		}
	}
	return out
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}
