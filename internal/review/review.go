// Package review compares two renders of a repository, before and after a
// change: what changes in the cluster (objects added, removed and changed,
// grouped by the Flux Kustomization that applies them) and what the
// change does to the findings (those it introduces and those it fixes).
// The base side is read from Git with internal/gitrev, never from the work
// tree, so a review touches neither the work tree nor the index.
package review

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/object"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/gitrev"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Side is one render of the repository and its findings.
type Side struct {
	// Rev names the revision ("working tree", "index", a commit).
	Rev    string
	Report *lint.Report
}

// Change is one object that is added, removed or changed.
type Change struct {
	APIVersion, Kind, Namespace, Name string
	// Before and After are the object's YAML as it may be printed (Secret
	// values masked); empty on the side where it does not exist.
	Before, After string
	// Diff is the unified diff of Before and After, for a changed object.
	Diff string
	// SecretOnly is set when only masked Secret values changed.
	SecretOnly bool
	// Pruned says, for a removed object, whether its Kustomization
	// deletes it from the cluster (prune: true) or leaves it there.
	Pruned bool
}

// ID is "Kind namespace/name".
func (c Change) ID() string {
	if c.Namespace == "" {
		return c.Kind + " " + c.Name
	}
	return c.Kind + " " + c.Namespace + "/" + c.Name
}

// Group is what changes under one Flux Kustomization.
type Group struct {
	// Kustomization is "namespace/name", or "" for the entry points.
	Kustomization           string
	Added, Removed, Changed []Change
}

// Result is a review.
type Result struct {
	Base, Head Side
	Groups     []Group
	// Introduced are the findings of the head that the base does not have;
	// Fixed those of the base that the head no longer has.
	Introduced, Fixed []analysis.Diagnostic
	// ChangedObjects are the identities (render.Object.Identity) of the
	// objects added or changed.
	ChangedObjects map[string]bool
}

// Compare compares two checked renders.
func Compare(base, head Side) *Result {
	r := &Result{Base: base, Head: head, ChangedObjects: map[string]bool{}}
	b, h := index(base.Report.Result), index(head.Report.Result)
	groups := map[string]*Group{}
	group := func(k string) *Group {
		if g := groups[k]; g != nil {
			return g
		}
		g := &Group{Kustomization: k}
		groups[k] = g
		return g
	}
	for id, ho := range h {
		bo, ok := b[id]
		switch {
		case !ok:
			r.ChangedObjects[id] = true
			g := group(applier(ho))
			g.Added = append(g.Added, change(nil, ho))
		case !sameNode(bo.Node.YNode(), ho.Node.YNode()):
			r.ChangedObjects[id] = true
			g := group(applier(ho))
			g.Changed = append(g.Changed, change(bo, ho))
		}
	}
	for id, bo := range b {
		if _, ok := h[id]; !ok {
			c := change(bo, nil)
			c.Pruned = prunes(bo)
			g := group(applier(bo))
			g.Removed = append(g.Removed, c)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := groups[k]
		for _, l := range [][]Change{g.Added, g.Removed, g.Changed} {
			sort.Slice(l, func(i, j int) bool { return l[i].ID() < l[j].ID() })
		}
		r.Groups = append(r.Groups, *g)
	}
	r.Introduced, r.Fixed = delta(base.Report.Diagnostics, head.Report.Diagnostics)
	return r
}

// index maps each rendered object by its identity (the first, when two
// Kustomizations apply one object).
func index(res *render.Result) map[string]*render.Object {
	out := map[string]*render.Object{}
	for _, o := range res.Objects {
		if _, dup := out[o.Identity()]; !dup {
			out[o.Identity()] = o
		}
	}
	return out
}

func applier(o *render.Object) string {
	if o.AppliedBy == nil {
		return ""
	}
	return o.AppliedBy.Key()
}

// prunes reports whether the Kustomization that applied a removed object
// deletes it from the cluster.
func prunes(o *render.Object) bool {
	k := o.AppliedBy
	if k == nil {
		return false
	}
	switch k.Spec.DeletionPolicy {
	case "Orphan":
		return false
	case "Delete", "WaitForTermination":
		return true
	}
	return k.Spec.Prune
}

// sameNode reports whether two objects say the same: the same kinds of
// node, tags and values, whatever the comments and the quoting. Secret
// values are compared too (and never printed).
func sameNode(a, b *yaml.Node) bool {
	for a != nil && a.Kind == yaml.AliasNode {
		a = a.Alias
	}
	for b != nil && b.Kind == yaml.AliasNode {
		b = b.Alias
	}
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func change(before, after *render.Object) Change {
	o := after
	if o == nil {
		o = before
	}
	c := Change{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
	if before != nil {
		c.Before, _ = render.Redacted(before).String()
	}
	if after != nil {
		c.After, _ = render.Redacted(after).String()
	}
	if before != nil && after != nil {
		if c.Before == c.After {
			c.SecretOnly = true
		} else {
			c.Diff = unified(c.ID(), c.Before, c.After)
		}
	}
	return c
}

// delta splits findings into those only the head has and those only the
// base has, by fingerprint.
func delta(base, head []analysis.Diagnostic) (introduced, fixed []analysis.Diagnostic) {
	count := func(ds []analysis.Diagnostic) map[string]int {
		m := map[string]int{}
		for _, d := range ds {
			m[d.Fingerprint()]++
		}
		return m
	}
	bc, hc := count(base), count(head)
	for _, d := range head {
		fp := d.Fingerprint()
		if bc[fp] > 0 {
			bc[fp]--
			continue
		}
		introduced = append(introduced, d)
	}
	for _, d := range base {
		fp := d.Fingerprint()
		if hc[fp] > 0 {
			hc[fp]--
			continue
		}
		fixed = append(fixed, d)
	}
	return introduced, fixed
}

// Base is where a review's base comes from.
type Base struct {
	Repo   *gitrev.Repo
	Prefix string // the checked directory, in the work tree
	Commit *object.Commit
	// Label says what it is, for people: "merge base of HEAD and
	// origin/main (1a2b3c4d5e6f)".
	Label string
}

// FindBaseOf resolves the base of a review of dir: the merge base of
// headRev and rev, or of headRev and the upstream branch when rev is
// empty.
func FindBaseOf(dir, headRev, rev string) (*Base, error) {
	repo, prefix, err := gitrev.Open(dir)
	if err != nil {
		return nil, err
	}
	head, err := repo.Resolve(headRev)
	if err != nil {
		return nil, err
	}
	name := rev
	if name == "" {
		if name, err = repo.Upstream(); err != nil {
			return nil, err
		}
	}
	other, err := repo.Resolve(name)
	if err != nil {
		return nil, err
	}
	mb, err := repo.MergeBase(head, other)
	if err != nil {
		return nil, err
	}
	return &Base{Repo: repo, Prefix: prefix, Commit: mb,
		Label: fmt.Sprintf("merge base of %s and %s (%s)", headRev, name, mb.Hash.String()[:12])}, nil
}

// Checkout puts a commit's files (or, with commit nil, the index's) of
// the checked directory in a new temporary directory, with the
// repository's .git/config beside them so that the render finds the same
// remote and the same entry points. The caller removes the directory.
func Checkout(repo *gitrev.Repo, prefix string, commit *object.Commit, tmp string) (string, error) {
	dir, err := os.MkdirTemp(tmp, "fluxlint-rev-")
	if err != nil {
		return "", err
	}
	if commit == nil {
		err = repo.ExtractIndex(prefix, dir, gitrev.DefaultLimits)
	} else {
		err = repo.Extract(commit, prefix, dir, gitrev.DefaultLimits)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if prefix == "" {
		if data, err := os.ReadFile(filepath.Join(repo.Root, ".git", "config")); err == nil {
			if os.Mkdir(filepath.Join(dir, ".git"), 0o755) == nil {
				_ = os.WriteFile(filepath.Join(dir, ".git", "config"), data, 0o644)
			}
		}
	}
	return dir, nil
}

// unified is the unified diff of two texts.
func unified(name, a, b string) string {
	return strings.TrimRight(rewrite.Diff(name, []byte(a), []byte(b)), "\n")
}
