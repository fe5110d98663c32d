package render

import (
	"fmt"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// externalArtifact assembles, offline, the ExternalArtifact that an
// ArtifactGenerator (source-watcher) makes from other sources, so that a
// Kustomization reading it renders without --source. The generator's copy
// operations run as source-watcher documents them: in order, later ones
// overwriting earlier ones; "@alias/dir/" copies the directory as a
// subdirectory, "@alias/dir/**" (or any glob) copies what it matches
// relative to the pattern's fixed prefix, a single file goes into a
// directory destination ("@artifact/dir/") or becomes the destination.
// Positions in the assembled artifact name the files it was copied from.
func (r *renderer) externalArtifact(t *tree, ref flux.Ref, busy map[string]bool) (*sourceDir, string, string) {
	if busy[ref.String()] {
		return nil, "", fmt.Sprintf("its source %s is assembled from itself", ref)
	}
	busy = cloneBusy(busy)
	busy[ref.String()] = true
	gen, spec := r.findGenerator(t, ref)
	if gen == nil {
		return nil, "", fmt.Sprintf("its source %s is made by no ArtifactGenerator of the repository", ref)
	}
	// One repository may hold a generator of the same name per cluster.
	cacheKey := ref.String() + "@" + gen.Pos().String()
	if s := r.artifacts[cacheKey]; s != nil {
		return s, "", ""
	}
	get := func(n *yaml.Node, p ...string) string { return load.Scalar(load.LookupNode(n, p...)) }
	if get(gen.Node.YNode(), "spec", "pathPattern") != "" {
		return nil, "", fmt.Sprintf("its source %s comes from %s, whose spec.pathPattern fluxlint does not emulate", ref, gen.ID())
	}
	aliases := map[string]*load.View{}
	if srcs := load.LookupNode(gen.Node.YNode(), "spec", "sources"); srcs != nil {
		for _, s := range srcs.Content {
			sref := flux.Ref{Kind: get(s, "kind"), Namespace: get(s, "namespace"), Name: get(s, "name")}
			if sref.Namespace == "" {
				sref.Namespace = gen.Namespace
			}
			dir, ignore, why := r.resolveSource(t, sref, sref == t.root.Source, busy)
			if dir == nil {
				return nil, "", fmt.Sprintf("its source %s comes from %s, and %s: %s", ref, gen.ID(), "@"+get(s, "alias"), strings.TrimPrefix(why, "its source "))
			}
			aliases[get(s, "alias")] = r.view(dir, ignore)
		}
	}
	files := map[string]*load.File{}
	if ops := load.LookupNode(spec, "copy"); ops != nil {
		for _, op := range ops.Content {
			if st := get(op, "strategy"); st != "" && st != "Overwrite" {
				return nil, "", fmt.Sprintf("its source %s comes from %s, whose %s copy strategy fluxlint does not emulate", ref, gen.ID(), st)
			}
			if err := copyOp(files, aliases, get(op, "from"), get(op, "to"), scalarList(load.LookupNode(op, "exclude"))); err != nil {
				return nil, "", fmt.Sprintf("its source %s comes from %s: %v", ref, gen.ID(), err)
			}
		}
	}
	repo, dir, err := load.Assemble(files, r.opts.TempDir, r0(r.opts))
	if dir != "" {
		r.assembled = append(r.assembled, dir)
	}
	if err != nil {
		return nil, "", fmt.Sprintf("its source %s cannot be assembled: %v", ref, err)
	}
	s := &sourceDir{repo: repo, assembled: true}
	r.artifacts[cacheKey] = s
	return s, "", ""
}

func cloneBusy(m map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func scalarList(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

// findGenerator finds the ArtifactGenerator whose spec.artifacts makes the
// ExternalArtifact ref: among the tree's rendered objects first, else the
// repository's documents. An artifact lands in its generator's namespace,
// or in its own spec.artifacts[].namespace (Flux 2.10).
func (r *renderer) findGenerator(t *tree, ref flux.Ref) (*Object, *yaml.Node) {
	match := func(o *Object) *yaml.Node {
		if o.Kind != flux.KindArtifactGenerator || flux.Group(o.APIVersion) != flux.SourceExtGroup {
			return nil
		}
		arts := o.Lookup("spec", "artifacts")
		if arts == nil {
			return nil
		}
		for _, a := range arts.Content {
			ns := load.Scalar(load.LookupNode(a, "namespace"))
			if ns == "" {
				ns = o.Namespace
			}
			if load.Scalar(load.LookupNode(a, "name")) == ref.Name && ns == ref.Namespace {
				return a
			}
		}
		return nil
	}
	for _, o := range t.byKind[flux.KindArtifactGenerator] {
		if a := match(o); a != nil {
			return o, a
		}
	}
	// Several clusters may each write a generator of the same name: the one
	// nearest the entry point's file is the cluster's.
	var best *Object
	var bestArt *yaml.Node
	bestShared := -1
	for _, d := range r.index.byKind[flux.KindArtifactGenerator] {
		o := &Object{Node: d.Node, APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name, Doc: d}
		a := match(o)
		if a == nil {
			continue
		}
		shared := 0
		if rd := t.root.Object.Doc; rd != nil {
			shared = sharedDirs(path.Dir(rd.File.Path), path.Dir(d.File.Path))
		}
		if shared > bestShared {
			best, bestArt, bestShared = o, a, shared
		}
	}
	return best, bestArt
}

// sharedDirs counts the leading directories two slash paths share.
func sharedDirs(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// copyOp runs one copy operation into files (artifact path -> file).
func copyOp(files map[string]*load.File, aliases map[string]*load.View, from, to string, exclude []string) error {
	alias, pattern, ok := strings.Cut(strings.TrimPrefix(from, "@"), "/")
	if !strings.HasPrefix(from, "@") || !ok && pattern == "" && alias == "" {
		return fmt.Errorf("copy from %q is not @alias/path", from)
	}
	view := aliases[alias]
	if view == nil {
		return fmt.Errorf("copy from %q names no source alias", from)
	}
	if !strings.HasPrefix(to, "@artifact/") && to != "@artifact" {
		return fmt.Errorf("copy to %q is not @artifact/path", to)
	}
	dest := strings.TrimPrefix(strings.TrimPrefix(to, "@artifact"), "/")
	intoDir := dest == "" || strings.HasSuffix(to, "/")
	dest = strings.TrimSuffix(dest, "/")
	excluded := func(rel, relBase string) bool {
		for _, x := range exclude {
			if !strings.Contains(x, "/") {
				if ok, _ := doublestar.Match(x, path.Base(rel)); ok {
					return true
				}
				continue
			}
			if ok, _ := doublestar.Match(x, rel); ok {
				return true
			}
			if ok, _ := doublestar.Match(x, relBase); ok {
				return true
			}
		}
		return false
	}
	put := func(rel, relBase string, f *load.File) {
		if !excluded(rel, relBase) {
			files[path.Join(dest, relBase)] = f
		}
	}
	switch {
	case strings.ContainsAny(pattern, "*?[{"):
		base := globBase(pattern)
		for _, f := range view.Included {
			if ok, _ := doublestar.Match(pattern, f.Path); ok && view.Contains(f.Path) {
				put(f.Path, strings.TrimPrefix(strings.TrimPrefix(f.Path, base), "/"), f)
			}
		}
	case pattern == "" || strings.HasSuffix(pattern, "/") || view.IsDir(pattern):
		dir := strings.TrimSuffix(pattern, "/")
		sub := path.Base(dir)
		if dir == "" {
			sub = ""
		}
		for _, f := range view.Included {
			if (dir == "" || strings.HasPrefix(f.Path, dir+"/")) && view.Contains(f.Path) {
				put(f.Path, path.Join(sub, strings.TrimPrefix(strings.TrimPrefix(f.Path, dir), "/")), f)
			}
		}
	default:
		f := view.Repo.File(pattern)
		if f == nil || !view.Contains(pattern) {
			return fmt.Errorf("copy from %q: no such file in @%s", from, alias)
		}
		if excluded(f.Path, path.Base(f.Path)) {
			return nil
		}
		if intoDir {
			files[path.Join(dest, path.Base(f.Path))] = f
		} else {
			files[dest] = f
		}
	}
	return nil
}

// globBase is the directory part of a pattern before its first glob
// character.
func globBase(pattern string) string {
	var parts []string
	for _, p := range strings.Split(pattern, "/") {
		if strings.ContainsAny(p, "*?[{") {
			break
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/")
}
