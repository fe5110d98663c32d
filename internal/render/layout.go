package render

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigyaml "sigs.k8s.io/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// layoutWalker walks the kustomization files a build will read before kustomize
// does: it takes remote bases and remote files out (fluxlint never fetches
// anything, and reports them instead), notes whether any kustomization sets
// "openapi", and remembers where each entry is written so that a build error
// can point at it.
type layoutWalker struct {
	r       *renderer
	k       *Kustomization
	fs      filesys.FileSystem
	view    *load.View
	visited map[string]bool
	openAPI bool
	entries []pathEntry
	layout  *Layout
}

// Layout is how a Flux Kustomization's build is put together: which
// kustomization lists each file, and which includes each kustomization.
// The migrator uses it to find what sets an object's namespace.
type Layout struct {
	// Root is the build directory, relative to the repository.
	Root string
	// Dirs are the kustomizations of the build, by directory.
	Dirs map[string]*KustomizeDir
	// Files maps each resource file to the directory of the kustomization
	// that lists it.
	Files map[string]string
}

// KustomizeDir is one kustomization of a build.
type KustomizeDir struct {
	Dir string
	// Doc is its kustomization file's document; nil for the one Flux
	// generated for a path without one.
	Doc *load.Doc
	// Namespace is its own namespace field ("" when it has none; Flux's
	// targetNamespace is not counted).
	Namespace string
	// Parent is the directory of the kustomization that includes it; ""
	// for the build's root.
	Parent string
}

// Enclosing lists the kustomizations from the one that lists file up to the
// build's root.
func (l *Layout) Enclosing(file string) []*KustomizeDir {
	dir, ok := l.Files[file]
	if !ok {
		return nil
	}
	return l.EnclosingDir(dir)
}

// EnclosingDir lists the kustomizations from the one in dir up to the root.
func (l *Layout) EnclosingDir(dir string) []*KustomizeDir {
	var out []*KustomizeDir
	for seen := map[string]bool{}; !seen[dir]; {
		seen[dir] = true
		kd := l.Dirs[dir]
		if kd == nil {
			break
		}
		out = append(out, kd)
		if kd.Parent == "" {
			break
		}
		dir = kd.Parent
	}
	return out
}

// pathEntry is a path a kustomization file names, and where it names it.
type pathEntry struct {
	target string // absolute path in the repository
	text   string // as written
	pos    load.Pos
}

// fields of a kustomization that name other kustomizations or files.
var (
	dirFields  = []string{"resources", "bases", "components"}
	fileFields = []string{"crds", "configurations", "transformers", "generators", "validators"}
)

// prepareRoot prepares the kustomization Flux generated for dirPath and
// every kustomization under it. It always adds origin annotations, which
// is how fluxlint traces objects to files; keepOrigin says whether Flux
// itself would have had them in its output.
func (g *layoutWalker) prepareRoot(dirPath, kfile string, manifest []byte) ([]byte, bool, error) {
	m := map[string]any{}
	if err := sigyaml.Unmarshal(manifest, &m); err != nil {
		return nil, false, err
	}
	keepOrigin := false
	if bm, ok := m["buildMetadata"].([]any); ok {
		for _, v := range bm {
			if v == "originAnnotations" {
				keepOrigin = true
			}
		}
		if !keepOrigin {
			m["buildMetadata"] = append(bm, "originAnnotations")
		}
	} else {
		m["buildMetadata"] = []any{"originAnnotations"}
	}
	g.visited[dirPath] = true
	root := g.rel(dirPath)
	g.layout = &Layout{Root: root, Dirs: map[string]*KustomizeDir{}, Files: map[string]string{}}
	kd := &KustomizeDir{Dir: root, Doc: g.kustomizationDoc(kfile)}
	if kd.Doc != nil {
		kd.Namespace = kd.Doc.StringAt("namespace")
	}
	g.layout.Dirs[root] = kd
	g.walk(dirPath, kfile, m)
	out, err := sigyaml.Marshal(m)
	return out, keepOrigin, err
}

// visit prepares the kustomization in dir, rewriting it in the in-memory
// overlay when a remote entry had to be taken out.
func (g *layoutWalker) visit(dir, parent string) {
	if g.visited[dir] {
		return
	}
	g.visited[dir] = true
	kfile := ""
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		if p := filepath.Join(dir, name); g.fs.Exists(p) && !g.fs.IsDir(p) {
			kfile = p
			break
		}
	}
	if kfile == "" {
		return
	}
	data, err := g.fs.ReadFile(kfile)
	if err != nil {
		return
	}
	m := map[string]any{}
	if sigyaml.Unmarshal(data, &m) != nil {
		return // kustomize reports it
	}
	kd := &KustomizeDir{Dir: g.rel(dir), Doc: g.kustomizationDoc(kfile), Parent: g.rel(parent)}
	if ns, ok := m["namespace"].(string); ok {
		kd.Namespace = ns
	}
	g.layout.Dirs[kd.Dir] = kd
	if g.walk(dir, kfile, m) {
		if out, err := sigyaml.Marshal(m); err == nil {
			_ = g.fs.WriteFile(kfile, out)
		}
	}
}

// walk looks at the entries of one kustomization; it reports whether it
// removed any.
func (g *layoutWalker) walk(dir, kfile string, m map[string]any) bool {
	if _, ok := m["openapi"]; ok {
		g.openAPI = true
	}
	doc := g.kustomizationDoc(kfile)
	changed := false
	for _, field := range append(append([]string(nil), dirFields...), fileFields...) {
		list, ok := m[field].([]any)
		if !ok {
			continue
		}
		var kept []any
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				kept = append(kept, v)
				continue
			}
			pos := g.entryPos(doc, field, i)
			if isRemote(s, dir, g.fs) {
				g.r.report(Problem{Code: RemoteResource, Pos: pos, Kustomization: g.k, Object: g.k.Object,
					Message: fmt.Sprintf("%s entry %q is remote; fluxlint does not fetch it, so what it holds is not rendered or checked", field, s)})
				changed = true
				continue
			}
			kept = append(kept, v)
			target := filepath.Join(dir, s)
			g.entries = append(g.entries, pathEntry{target: target, text: s, pos: pos})
			switch {
			case g.fs.IsDir(target):
				g.visit(target, dir)
			case slices.Contains(dirFields, field):
				g.layout.Files[g.rel(target)] = g.rel(dir)
			}
		}
		if changed {
			if len(kept) == 0 {
				delete(m, field)
			} else {
				m[field] = kept
			}
		}
	}
	for _, field := range []string{"patches", "configMapGenerator", "secretGenerator", "replacements"} {
		list, _ := m[field].([]any)
		for i, v := range list {
			item, _ := v.(map[string]any)
			for _, key := range []string{"path", "files", "envs", "env"} {
				switch val := item[key].(type) {
				case string:
					g.entries = append(g.entries, pathEntry{target: filepath.Join(dir, val), text: val, pos: g.entryPos(doc, field, i, key)})
				case []any:
					var kept []any
					for j, f := range val {
						s, ok := f.(string)
						if !ok {
							kept = append(kept, f)
							continue
						}
						file := s
						if eq := strings.IndexByte(s, '='); eq >= 0 {
							file = s[eq+1:]
						}
						pos := g.entryPos(doc, field, i, key, strconv.Itoa(j))
						if isURL(file) {
							g.r.report(Problem{Code: RemoteResource, Pos: pos, Kustomization: g.k, Object: g.k.Object,
								Message: fmt.Sprintf("%s %s entry %q is remote; fluxlint does not fetch it, so the generated object lacks it", field, key, s)})
							changed = true
							continue
						}
						kept = append(kept, f)
						g.entries = append(g.entries, pathEntry{target: filepath.Join(dir, file), text: file, pos: pos})
					}
					item[key] = kept
				}
			}
		}
	}
	if changed && isEmptyKustomization(m) {
		// kustomize refuses an empty kustomization; give it a name so that
		// the rest of the build goes on without what was taken out.
		m["metadata"] = map[string]any{"name": "fluxlint-remote-entries-removed"}
	}
	return changed
}

// rel is a path of the build relative to its repository.
func (g *layoutWalker) rel(p string) string {
	r, err := filepath.Rel(g.view.Repo.Root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// kustomizationDoc is the repository document of a kustomization file, or
// nil for one Flux generated.
func (g *layoutWalker) kustomizationDoc(kfile string) *load.Doc {
	rel, err := filepath.Rel(g.view.Repo.Root, kfile)
	if err != nil {
		return nil
	}
	f := g.view.Repo.File(filepath.ToSlash(rel))
	if f == nil {
		return nil
	}
	docs := f.Docs()
	if len(docs) == 0 {
		return nil
	}
	return docs[0]
}

func (g *layoutWalker) entryPos(doc *load.Doc, path ...interface{}) load.Pos {
	if doc == nil {
		return g.k.Object.ValuePos("spec", "path")
	}
	var p []string
	for _, e := range path {
		switch v := e.(type) {
		case string:
			p = append(p, v)
		case int:
			p = append(p, strconv.Itoa(v))
		}
	}
	if pos, ok := doc.Lookup(p...); ok {
		return pos
	}
	return doc.Nearest(p...)
}

// locate finds the entry a kustomize error message is about: the one whose
// path the message names, preferring the longest (most specific) match.
func (g *layoutWalker) locate(msg string) (load.Pos, bool) {
	var cands []pathEntry
	for _, e := range g.entries {
		rel, err := filepath.Rel(g.view.Repo.Root, e.target)
		if err != nil {
			continue
		}
		name := g.view.Repo.Prefix + filepath.ToSlash(rel)
		if strings.Contains(msg, name) || strings.Contains(msg, "'"+e.text+"'") {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return load.Pos{}, false
	}
	sort.SliceStable(cands, func(i, j int) bool { return len(cands[i].target) > len(cands[j].target) })
	return cands[0].pos, true
}

// isEmptyKustomization reports whether kustomize would call m empty.
func isEmptyKustomization(m map[string]any) bool {
	for k, v := range m {
		switch k {
		case "apiVersion", "kind":
			continue
		}
		if l, ok := v.([]any); ok && len(l) == 0 {
			continue
		}
		return false
	}
	return true
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// isRemote reports whether a kustomization entry points outside the
// repository: a URL, a git address, or a host-qualified repository path
// that does not exist locally.
func isRemote(s, dir string, fs filesys.FileSystem) bool {
	if s == "" || filepath.IsAbs(s) || strings.HasPrefix(strings.ToLower(s), "file://") {
		return false
	}
	if !fluxkustomize.IsLocalRelativePath(s) {
		return true
	}
	if fs.Exists(filepath.Join(dir, s)) {
		return false
	}
	if strings.Contains(s, "?ref=") || strings.Contains(s, "?version=") || strings.Contains(s, "_git/") {
		return true
	}
	first, rest, found := strings.Cut(s, "/")
	return found && rest != "" && strings.Contains(first, ".") && first != "." && first != ".." &&
		!strings.HasSuffix(first, ".yaml") && !strings.HasSuffix(first, ".yml")
}
