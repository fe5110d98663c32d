package render

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

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
	// precise says, for each visited directory, that the build reads
	// nothing of it but its kustomization file and the entries the walker
	// recorded; other directories are read whole (see cacheKey).
	precise map[string]bool
	// schema is what of the Kubernetes schema the kustomizations the
	// build reads need: their patches and transformers may merge
	// strategic-merge patches.
	schema  schemaNeed
	entries []pathEntry
	layout  *Layout
	root    string // the build directory, absolute
	// includes lists, for each kustomization directory, the kustomization
	// directories it includes, as often as it includes them; objects
	// counts the objects its own files and generators produce. Together
	// they give the size of the build before kustomize expands it.
	includes map[string][]string
	objects  map[string]int
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

// pathEntry is a path a kustomization file names, and where it names it;
// or, with target empty, an inline patch and where it is written.
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
	g.root = dirPath
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
	m, ok := parseKustomization(data)
	if !ok {
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
	g.schema = max(g.schema, kustomizationNeed(m))
	if g.precise == nil {
		g.precise = map[string]bool{}
	}
	g.precise[dir] = onlyTracked(m)
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
				g.includes[dir] = append(g.includes[dir], target)
				g.visit(target, dir)
			case slices.Contains(dirFields, field):
				g.layout.Files[g.rel(target)] = g.rel(dir)
				g.objects[dir] += g.documents(target)
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
	for _, field := range []string{"configMapGenerator", "secretGenerator"} {
		list, _ := m[field].([]any)
		g.objects[dir] += len(list)
	}
	for _, field := range []string{"patches", "configMapGenerator", "secretGenerator", "replacements"} {
		list, _ := m[field].([]any)
		for i, v := range list {
			item, _ := v.(map[string]any)
			if patch, ok := item["patch"].(string); ok && strings.TrimSpace(patch) != "" {
				g.entries = append(g.entries, pathEntry{text: patch, pos: g.patchPos(doc, dir, i, len(list))})
			}
			if field != "patches" {
				for _, key := range []string{"envs", "env"} {
					g.neutralizeEnv(dir, item[key])
				}
			}
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

// patchPos is where the i-th of n patches of the kustomization in dir is
// written: for the build's root, Flux appends the Kustomization's own
// spec.patches after the file's, so the last ones are written there.
func (g *layoutWalker) patchPos(doc *load.Doc, dir string, i, n int) load.Pos {
	if g.rel(dir) == g.layout.Root {
		if own := len(g.k.Spec.Patches); i >= n-own {
			return g.k.Object.ValuePos("spec", "patches", strconv.Itoa(i-(n-own)), "patch")
		}
	}
	return g.entryPos(doc, "patches", i, "patch")
}

// neutralizeEnv rewrites, in the build's in-memory overlay, the lines of a
// generator's env files that have no "=": kustomize would take their value
// from its own process environment, which for kustomize-controller is the
// cluster's, and for fluxlint the CI runner's (where tokens live). They get
// an empty value instead; what the repository writes is unchanged.
func (g *layoutWalker) neutralizeEnv(dir string, files any) {
	var list []string
	switch v := files.(type) {
	case string:
		list = []string{v}
	case []any:
		for _, f := range v {
			if s, ok := f.(string); ok {
				list = append(list, s)
			}
		}
	}
	for _, f := range list {
		p := filepath.Join(dir, f)
		data, err := g.fs.ReadFile(p)
		if err != nil {
			continue
		}
		lines := strings.Split(string(data), "\n")
		changed := false
		for i, l := range lines {
			t := strings.TrimSpace(l)
			if t != "" && !strings.HasPrefix(t, "#") && !strings.Contains(l, "=") {
				lines[i] = strings.TrimRight(l, "\r") + "="
				changed = true
			}
		}
		if changed {
			_ = g.fs.WriteFile(p, []byte(strings.Join(lines, "\n")))
		}
	}
}

// documents counts the objects a resource file holds.
func (g *layoutWalker) documents(abs string) int {
	rel, ok := g.view.Repo.Rel(abs)
	if !ok {
		return 0
	}
	f := g.view.Repo.File(rel)
	if f == nil || !load.IsYAML(rel) {
		return 1
	}
	n := 0
	for _, d := range f.Docs() {
		n++
		if d.Node == nil {
			continue
		}
		if items := load.LookupNode(d.Node.YNode(), "items"); items != nil {
			n += len(items.Content)
		}
	}
	return n
}

// size is how many kustomizations the build under dir visits and how many
// objects it produces, counting what is included twice twice, as
// kustomize expands it; each directory is counted once, so a "diamond"
// that doubles at every level costs linear time here, not exponential.
func (g *layoutWalker) size(dir string, memo map[string][2]int, busy map[string]bool) (kustomizations, objects int) {
	if c, ok := memo[dir]; ok {
		return c[0], c[1]
	}
	if busy[dir] {
		return 0, 0 // a cycle, which kustomize reports
	}
	busy[dir] = true
	kustomizations, objects = 1, g.objects[dir]
	for _, sub := range g.includes[dir] {
		k, o := g.size(sub, memo, busy)
		kustomizations, objects = min(kustomizations+k, 1<<50), min(objects+o, 1<<50)
	}
	delete(busy, dir)
	memo[dir] = [2]int{kustomizations, objects}
	return kustomizations, objects
}

// checkLimits reports a build that would visit more kustomizations or
// produce more objects than the limits allow; ok is false when it must not
// run.
func (g *layoutWalker) checkLimits(root string, limits load.Limits) bool {
	k, o := g.size(root, map[string][2]int{}, map[string]bool{})
	pos := g.k.Object.ValuePos("spec", "path")
	switch {
	case k > limits.KustomizationsPerBuild:
		g.r.report(Problem{Code: LimitExceeded, Pos: pos, Kustomization: g.k, Object: g.k.Object,
			Message: fmt.Sprintf("the build of %s would visit %d kustomizations, counting those included more than once (the limit is %d, limits.kustomizationsPerBuild): it is not built", g.k.Key(), k, limits.KustomizationsPerBuild)})
		return false
	case o > limits.ObjectsPerBuild:
		g.r.report(Problem{Code: LimitExceeded, Pos: pos, Kustomization: g.k, Object: g.k.Object,
			Message: fmt.Sprintf("the build of %s would produce %d objects (the limit is %d, limits.objectsPerBuild): it is not built", g.k.Key(), o, limits.ObjectsPerBuild)})
		return false
	}
	return true
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
		if e.target == "" {
			// An inline patch: messages quote it, raw or Go-quoted.
			if q := strconv.Quote(e.text); strings.Contains(msg, e.text) || strings.Contains(msg, q[1:len(q)-1]) {
				cands = append(cands, e)
			}
			continue
		}
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

// scheme matches a URL scheme ("https://", "file://", "git+ssh://").
var scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// isURL reports whether a path is a URL of any scheme, file:// included, or
// an scp-like git address.
func isURL(s string) bool {
	return scheme.MatchString(s) || strings.HasPrefix(s, "git@")
}

// isRemote reports whether a kustomization entry points outside the
// repository: a URL of any scheme (file:// too: fluxlint reads nothing
// outside the repository, and kustomize would run git on it), a git
// address, an absolute path, or a host-qualified repository path that does
// not exist locally. Such an entry is never handed to kustomize.
func isRemote(s, dir string, fs filesys.FileSystem) bool {
	if s == "" {
		return false
	}
	if isURL(s) || filepath.IsAbs(s) || !fluxkustomize.IsLocalRelativePath(s) {
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

// trackedFields are the fields of a kustomization whose files the walker
// records as entries, or that name no file at all. A kustomization with
// any other field (patchesStrategicMerge, patchesJson6902, openapi, the
// plugin configurations of generators and transformers, fields of a newer
// kustomize) may read files the walker does not know of, so its directory
// is hashed whole.
var trackedFields = map[string]bool{
	"apiVersion": true, "kind": true, "metadata": true,
	"resources": true, "bases": true, "components": true, "crds": true, "configurations": true,
	"patches": true, "configMapGenerator": true, "secretGenerator": true, "replacements": true,
	"namespace": true, "namePrefix": true, "nameSuffix": true, "commonLabels": true, "commonAnnotations": true,
	"labels": true, "images": true, "replicas": true, "generatorOptions": true, "buildMetadata": true,
	"sortOptions": true,
}

func onlyTracked(m map[string]any) bool {
	for field := range m {
		if !trackedFields[field] {
			return false
		}
	}
	return true
}

// parsedKustomizations keeps each kustomization file's parse by content:
// the builds of a repository read the same components and bases over and
// over. Callers get a copy, which they may change.
var parsedKustomizations sync.Map // string(data) -> map[string]any

func parseKustomization(data []byte) (map[string]any, bool) {
	if v, ok := parsedKustomizations.Load(string(data)); ok {
		return deepCopyValue(v.(map[string]any)).(map[string]any), true
	}
	m := map[string]any{}
	if sigyaml.Unmarshal(data, &m) != nil {
		return nil, false
	}
	parsedKustomizations.Store(string(data), deepCopyValue(m))
	return m, true
}

func deepCopyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopyValue(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopyValue(x)
		}
		return out
	}
	return v // string, number, bool, nil
}
