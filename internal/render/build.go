package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/load"
)

// job is a Kustomization ready to build: its source resolved to an
// artifact, and the directory it builds.
type job struct {
	k    *Kustomization
	view *load.View
	rel  string
}

// prepare resolves the source and path of a Kustomization. It runs before
// the builds of a round start, so it may report and change shared state;
// ok is false when there is nothing to build.
func (r *renderer) prepare(t *tree, k *Kustomization) (job, bool) {
	src, ignore, why := r.sourceFor(t, k)
	if src == nil {
		r.report(Problem{Code: SourceNotMapped, Pos: k.Object.FieldPos("spec", "sourceRef"), Kustomization: k, Object: k.Object,
			Message: fmt.Sprintf("Kustomization %s is not rendered: %s; map it with --source %s=DIR", k.Key(), why, k.Source)})
		return job{}, false
	}
	view := r.view(src, ignore)
	rel := cleanRel(k.Spec.Path)
	k.Dir = src.repo.Prefix + rel
	r.reportSymlinks(src.repo, rel, k)
	if !view.IsDir(rel) {
		r.report(Problem{Code: PathNotFound, Pos: k.Object.ValuePos("spec", "path"), Kustomization: k, Object: k.Object,
			Message: fmt.Sprintf("kustomization path not found: %s does not exist in %s", k.Spec.Path, k.Source)})
		return job{}, false
	}
	return job{k: k, view: view, rel: rel}, true
}

// build renders one prepared Kustomization into k.Objects. Builds of one
// round run concurrently: build reads the tree and the renderer but only
// writes to k and to its own renderer copy's problems.
func (r *renderer) build(t *tree, j job) {
	k, view, rel := j.k, j.view, j.rel
	dirPath := filepath.Join(view.Repo.Root, filepath.FromSlash(rel))
	clean := messageCleaner(view.Repo)
	manifest, kfile, err := r.generate(view, rel, k)
	if err != nil {
		r.reportBuildError(k, view, clean(err.Error()), nil)
		return
	}
	vfs, err := view.FS()
	if err != nil {
		r.reportBuildError(k, view, clean(err.Error()), nil)
		return
	}
	fs := securefs.MakeFsInMemory(vfs)
	g := &layoutWalker{r: r, k: k, fs: fs, view: view, visited: map[string]bool{}, includes: map[string][]string{}, objects: map[string]int{}}
	manifest, keepOrigin, err := g.prepareRoot(dirPath, kfile, manifest)
	if err == nil {
		err = fs.WriteFile(kfile, manifest)
	}
	if err != nil {
		r.reportBuildError(k, view, clean(err.Error()), g)
		return
	}
	if !g.checkLimits(dirPath, r.opts.Limits) {
		return
	}
	key := g.cacheKey(manifest)
	m, hit := r.opts.Cache.get(key)
	if !hit {
		if m, err = kustomizeBuild(fs, dirPath, g.openAPI, g.schema); err != nil {
			r.reportBuildError(k, view, clean(err.Error()), g)
			return
		}
		r.opts.Cache.put(key, m)
	}
	k.Layout = g.layout
	r.collect(t, k, view, dirPath, m, keepOrigin, key)
	predecode(k.Objects)
	k.Rendered = true
}

// reportSymlinks warns, once each, about the symbolic links under a
// rendered directory: they are not part of what Flux builds.
func (r *renderer) reportSymlinks(repo *load.Repo, rel string, k *Kustomization) {
	for _, l := range repo.Symlinks {
		if !isUnder(l, rel) || r.linksSeen[repo.Prefix+l] {
			continue
		}
		r.linksSeen[repo.Prefix+l] = true
		r.report(Problem{Code: SymlinkIgnored, Pos: load.Pos{File: repo.Prefix + l}, Kustomization: k,
			Message: fmt.Sprintf("%s is a symbolic link: Flux's artifact leaves links out, so neither fluxlint nor Flux reads what it points to", repo.Prefix+l)})
	}
}

// syncsRepository reports whether a source of this kind can be the
// repository itself; an ExternalArtifact is assembled from other sources
// (by an ArtifactGenerator) and must be mapped with --source.
func syncsRepository(kind string) bool {
	switch kind {
	case flux.KindGitRepository, flux.KindOCIRepository, flux.KindBucket:
		return true
	}
	return false
}

// view returns the artifact of a source with the ignore rules of the
// source object (spec.ignore), when the repository holds its definition.
func (r *renderer) view(src *sourceDir, ignore string) *load.View {
	if src.assembled {
		ignore = "\x00all"
	}
	key := src.repo.Root + "\x00" + ignore
	if v := r.views[key]; v != nil {
		return v
	}
	if f := r.prefetched; f != nil && f.key == key && !src.assembled {
		<-f.done
		r.views[key] = f.view
		return f.view
	}
	v := src.repo.View(ignore)
	if src.assembled {
		v = src.repo.ViewAll()
	}
	r.views[key] = v
	return v
}

// generate runs Flux's generator for the directory rel of an artifact. The
// generator can only read from disk; the repository itself serves when it
// reads there what the artifact holds, else the artifact's files are
// copied out first.
func (r *renderer) generate(view *load.View, rel string, k *Kustomization) ([]byte, string, error) {
	u := unstructured.Unstructured{Object: k.unstructured}
	if sameForGenerator(view, rel, k.Spec.Components) {
		root := view.Repo.Root
		dirPath := filepath.Join(root, filepath.FromSlash(rel))
		key := r.generatorKey(view, rel, k)
		if kept, ok := r.opts.Cache.lookup(key, false); ok && len(kept) == 2 {
			return []byte(kept[0].YNode().Value), filepath.Join(dirPath, kept[1].YNode().Value), nil
		}
		manifest, kfile, _, err := fluxkustomize.NewGenerator(root, u).GenerateManifest(dirPath)
		if err == nil && key != "" {
			r.opts.Cache.store(key, []*yaml.RNode{yaml.NewScalarRNode(string(manifest)), yaml.NewScalarRNode(filepath.Base(kfile))}, false)
		}
		return manifest, kfile, err
	}
	tmp, err := view.Materialize(".", r.opts.TempDir)
	if tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return nil, "", err
	}
	manifest, kfile, _, err := fluxkustomize.NewGenerator(tmp, u).GenerateManifest(filepath.Join(tmp, filepath.FromSlash(rel)))
	if err != nil {
		return nil, "", errors.New(strings.ReplaceAll(err.Error(), tmp, view.Repo.Root))
	}
	return manifest, filepath.Join(view.Repo.Root, filepath.FromSlash(rel), filepath.Base(kfile)), nil
}

// generatorKey is the key of what Flux's generator makes of the directory
// rel for k, when the directory has a kustomization file: then the
// generator reads that file, k's spec and whether k's components exist,
// and nothing else. It is "" otherwise (the generator lists the directory)
// and without a cache.
func (r *renderer) generatorKey(view *load.View, rel string, k *Kustomization) string {
	if r.opts.Cache == nil {
		return ""
	}
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := path.Join(rel, name)
		if _, err := os.Lstat(filepath.Join(view.Repo.Root, filepath.FromSlash(p))); err != nil {
			continue // the generator looks for the next name
		}
		f := view.Repo.File(p)
		if f == nil {
			return "" // on disk, but not a file fluxlint read
		}
		data, err := f.Data()
		if err != nil {
			return ""
		}
		spec, err := json.Marshal(k.unstructured["spec"])
		if err != nil {
			return ""
		}
		var exist []byte
		for _, c := range k.Spec.Components {
			p := cleanRel(path.Join(rel, c))
			exist = fmt.Appendf(exist, "%s=%t\n", c, view.IsDir(p) || view.Contains(p))
		}
		return r.opts.Cache.keyOf("generator", []byte(name), data, spec, exist)
	}
	return ""
}

// sameForGenerator reports whether the generator, reading the repository
// on disk at rel, sees what it would see in the artifact: the same
// kustomization file and components when there is a kustomization file,
// the whole tree when it has to scan it.
func sameForGenerator(view *load.View, rel string, components []string) bool {
	hasKfile := false
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := path.Join(rel, name)
		onDisk := view.Repo.File(p) != nil || slices.Contains(view.Repo.Symlinks, p)
		if onDisk != view.Contains(p) {
			return false
		}
		hasKfile = hasKfile || onDisk
	}
	if !hasKfile {
		return view.SameOnDisk(rel)
	}
	for _, c := range components {
		p := cleanRel(path.Join(rel, c))
		if !view.SameOnDisk(p) {
			return false
		}
	}
	return true
}

// messageCleaner rewrites the absolute paths in kustomize's messages into
// the repository's own.
func messageCleaner(repo *load.Repo) func(string) string {
	return func(s string) string {
		s = strings.ReplaceAll(s, repo.Root+string(filepath.Separator), repo.Prefix)
		return strings.ReplaceAll(s, repo.Root, strings.TrimSuffix(repo.Prefix, "/"))
	}
}

// buildMu lets builds run together, except one that sets kustomize's
// global OpenAPI schema (the "openapi" field), which runs alone, and the
// installation of the Kubernetes schema.
var buildMu sync.RWMutex

// kustomizeBuild runs kustomize with the options Flux's Build uses (no load
// restrictions, built-in plugins only, no reordering).
//
// kustomize reads the Kubernetes OpenAPI schema to merge strategic-merge
// patches, and kyaml parses its built-in copy the first time one needs it:
// about 200 ms of CPU, more than most builds. So a build that may merge one
// into a Kubernetes type installs kubeschema's compact copy first; one that
// merges them into custom resources only installs kyaml's schema without
// the Kubernetes types, which merges those the same; and a build without
// patches loads no schema at all (need says which). A build that uses the
// "openapi" field gets kyaml's schema as Flux would give it, which Flux
// reloads before every build: the built-in one, then what the field sets.
func kustomizeBuild(fs filesys.FileSystem, dirPath string, usesOpenAPI bool, need schemaNeed) (m resmap.ResMap, err error) {
	if usesOpenAPI {
		buildMu.Lock()
		defer buildMu.Unlock()
		kubeschema.Reset()
		_ = openapi.Schema()
		defer kubeschema.Reset()
	} else {
		for {
			if !need.ready() {
				buildMu.Lock()
				err := need.install()
				buildMu.Unlock()
				if err != nil {
					return nil, err
				}
			}
			buildMu.RLock()
			if need.ready() {
				break
			}
			buildMu.RUnlock() // an "openapi" build reset it meanwhile
		}
		defer buildMu.RUnlock()
	}
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("recovered from kustomize build panic: %v", rec)
		}
	}()
	return fluxKustomizer().Run(fs, dirPath)
}

// fluxKustomizer is kustomize with the options Flux's Build uses: no load
// restrictions, built-in plugins only.
func fluxKustomizer() *krusty.Kustomizer {
	return krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: kustypes.LoadRestrictionsNone,
		PluginConfig:     kustypes.DisabledPluginConfig(),
	})
}

// silenceStderr keeps kustomize's deprecation warnings, which it prints
// straight to os.Stderr, out of fluxlint's output while a render runs.
// fluxlint's own commands write to the writers they were given. Renders
// may overlap (a review checks its two sides at once): the first to start
// silences, the last to end restores.
func silenceStderr() func() {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	if stderrUsers == 0 {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return func() {}
		}
		stderrSaved, stderrNull = os.Stderr, devnull
		os.Stderr = devnull
	}
	stderrUsers++
	return func() {
		stderrMu.Lock()
		defer stderrMu.Unlock()
		if stderrUsers--; stderrUsers == 0 {
			os.Stderr = stderrSaved
			stderrNull.Close()
		}
	}
}

var (
	stderrMu                sync.Mutex
	stderrUsers             int
	stderrSaved, stderrNull *os.File
)

// reportBuildError reports a failed build at the most precise place the
// message allows: a kustomization entry it names, a YAML syntax error in a
// file it names, or the Kustomization's spec.path.
func (r *renderer) reportBuildError(k *Kustomization, view *load.View, msg string, g *layoutWalker) {
	p := Problem{Code: BuildFailed, Pos: k.Object.ValuePos("spec", "path"), Kustomization: k, Object: k.Object,
		Message: fmt.Sprintf("kustomize build of %s failed: %s", k.Key(), describe(msg))}
	// A file the message names that fluxlint refused, or that does not
	// parse, is the real cause.
	best := ""
	for _, f := range view.Included {
		name := f.Name()
		if len(name) <= len(best) || !strings.Contains(msg, name) {
			continue
		}
		if f.Refusal() != nil {
			best = name
			p.Message = fmt.Sprintf("kustomize build of %s failed: it needs %s, which fluxlint left out (alias-expansion)", k.Key(), name)
			continue
		}
		if load.IsYAML(f.Path) {
			for _, d := range f.Docs() {
				if d.Err != nil {
					best = name
					p.Code = YAMLSyntax
					p.Pos = load.Pos{File: name, Line: d.ErrLine}
					p.Message = fmt.Sprintf("%s does not parse, so %s cannot be built: %s", name, k.Key(), describe(d.Err.Error()))
					break
				}
			}
		}
	}
	if (best == "" || p.Code == BuildFailed) && g != nil {
		if pos, ok := g.locate(msg); ok {
			p.Pos = pos
		}
	}
	r.report(p)
}

// collect turns the build output into objects: provenance, substitution,
// commonMetadata and the owner labels, in the order kustomize-controller
// applies them. key is the build's cache key: the substituted objects are
// kept under it and the substitution's inputs, unless substituting them
// reported a problem.
func (r *renderer) collect(t *tree, k *Kustomization, view *load.View, dirPath string, m resmap.ResMap, keepOrigin bool, key string) {
	prov := newProvenance(view, dirPath)
	sub := r.newSubstituter(t, k, m)
	var subKey string
	var kept, substituted []*yaml.RNode
	if sub != nil {
		subKey = sub.cacheKey(key)
		if nodes, ok := r.opts.Cache.getNodes(subKey); ok && len(nodes) == m.Size() {
			kept = nodes
		}
	}
	problems := len(r.problems)
	for i, res := range m.Resources() {
		doc, gen, list := prov.locate(res)
		if !keepOrigin {
			_ = res.SetOrigin(nil)
		}
		obj := &Object{Doc: doc, Generated: gen.pos, GeneratorDoc: gen.doc, GeneratorPath: gen.path, AppliedBy: k}
		if list != nil {
			obj.At = list.KindPos()
		}
		if obj.Doc == nil && !obj.Generated.IsValid() && !obj.At.IsValid() {
			obj.At = k.Object.ValuePos("spec", "path")
		}
		node := &res.RNode
		obj.Node = node
		fillIdentity(obj) // as built, for messages about substitution
		if sub != nil {
			if doc == nil {
				obj.Unsubstituted = res.RNode.Copy() // what Git holds of a generated object
			}
			if kept != nil {
				node = kept[i]
			} else {
				node = sub.apply(res, obj)
				if subKey != "" {
					substituted = append(substituted, node.Copy())
				}
			}
		}
		obj.Node = yaml.NewRNode(node.YNode())
		setCommonMetadata(obj.Node, k)
		fillIdentity(obj)
		r.checkSecretShape(k, obj)
		k.Objects = append(k.Objects, obj)
	}
	if kept == nil && subKey != "" && len(r.problems) == problems {
		r.opts.Cache.putNodes(subKey, substituted)
	}
}

func fillIdentity(o *Object) {
	o.APIVersion = o.Node.GetApiVersion()
	o.Kind = o.Node.GetKind()
	o.Name = o.Node.GetName()
	o.Namespace = o.Node.GetNamespace()
}

// setCommonMetadata applies spec.commonMetadata, then the labels
// kustomize-controller marks its objects with.
func setCommonMetadata(n *yaml.RNode, k *Kustomization) {
	labels := n.GetLabels()
	if cm := k.Spec.CommonMetadata; cm != nil {
		if len(cm.Annotations) > 0 {
			a := n.GetAnnotations()
			for key, v := range cm.Annotations {
				a[key] = v
			}
			_ = n.SetAnnotations(a)
		}
		for key, v := range cm.Labels {
			labels[key] = v
		}
	}
	labels[flux.KustomizeGroup+"/name"] = k.Name
	labels[flux.KustomizeGroup+"/namespace"] = k.Namespace
	setLabels(n, labels)
}

// setLabels does what kyaml's RNode.SetLabels does, which kustomize-
// controller's labels go through: the labels field is taken out of
// metadata and written again at its end, keys sorted, each value a string
// node, double-quoted when YAML 1.1 would read it as something else.
// kyaml parses every value with a YAML 1.1 parser to know that, which was
// a tenth of a warm check; this asks once per distinct value.
// TestSetLabelsAsKyaml holds the two to the same trees.
func setLabels(n *yaml.RNode, labels map[string]string) {
	root := n.YNode()
	var meta *yaml.Node
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == yaml.MetadataField {
				meta = root.Content[i+1]
				break
			}
		}
	}
	if meta == nil || meta.Kind != yaml.MappingNode {
		_ = n.SetLabels(labels) // kyaml creates or refuses metadata
		return
	}
	for i := 0; i+1 < len(meta.Content); i += 2 {
		if meta.Content[i].Value == yaml.LabelsField {
			meta.Content = append(meta.Content[:i], meta.Content[i+2:]...)
			break
		}
	}
	if len(labels) == 0 {
		return
	}
	m := &yaml.Node{Kind: yaml.MappingNode}
	meta.Content = append(meta.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: yaml.LabelsField}, m)
	for _, key := range yaml.SortedMapKeys(labels) {
		v := yaml.NewStringRNode(labels[key]).YNode()
		if yaml.IsYNodeString(v) && v.Style == 0 && yaml11NonString(v.Value) {
			v.Style = yaml.DoubleQuotedStyle
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
}

// yaml11NonString is kyaml's IsValueNonString, remembered by value.
func yaml11NonString(v string) bool {
	if b, ok := nonStrings.Load(v); ok {
		return b.(bool)
	}
	b := yaml.IsValueNonString(v)
	nonStrings.Store(v, b)
	return b
}

var nonStrings sync.Map

// checkSecretShape reports a Secret whose data or stringData is not a
// mapping: the API server refuses it, and render prints it masked whole.
func (r *renderer) checkSecretShape(k *Kustomization, o *Object) {
	if !flux.IsSecret(o.APIVersion, o.Kind) {
		return
	}
	for _, field := range []string{"data", "stringData"} {
		if n := o.Lookup(field); n != nil && n.Kind != yaml.MappingNode && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
			r.report(Problem{Code: InvalidObject, Pos: o.FieldPos(field), Kustomization: k, Object: o,
				Message: fmt.Sprintf("%s has a %s that is not a mapping of keys to values: the API server refuses it (what it holds is never printed)", o.ID(), field)})
		}
	}
}
