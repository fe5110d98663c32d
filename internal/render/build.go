package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// artifactRef ties a Kustomization to the artifact of its source.
type artifactRef struct {
	art *load.Artifact
}

// build renders one Kustomization into k.Objects.
func (r *renderer) build(t *tree, k *Kustomization) {
	src := r.sources[k.Source.String()]
	if src == nil && k.Source == t.root.Source && syncsRepository(k.Source.Kind) {
		// The source that syncs the entry point is this repository.
		src = &sourceDir{repo: r.repo}
	}
	if src == nil {
		r.report(Problem{Code: SourceNotMapped, Pos: k.Object.FieldPos("spec", "sourceRef"), Kustomization: k, Object: k.Object,
			Message: fmt.Sprintf("Kustomization %s is not rendered: its source %s is not this repository; map it with --source %s=DIR", k.Key(), k.Source, k.Source)})
		return
	}
	art, err := r.artifact(src, k.Source)
	if err != nil {
		r.report(Problem{Code: BuildFailed, Pos: k.Object.FieldPos("spec", "sourceRef"), Kustomization: k, Object: k.Object,
			Message: fmt.Sprintf("cannot prepare the artifact of %s: %v", k.Source, err)})
		return
	}
	rel := cleanRel(k.Spec.Path)
	k.Dir = src.repo.Prefix + rel
	k.artifact = &artifactRef{art: art}
	dirPath := filepath.Join(art.Dir, filepath.FromSlash(rel))
	if info, err := os.Stat(dirPath); err != nil || !info.IsDir() {
		r.report(Problem{Code: PathNotFound, Pos: k.Object.ValuePos("spec", "path"), Kustomization: k, Object: k.Object,
			Message: fmt.Sprintf("kustomization path not found: %s does not exist in %s", k.Spec.Path, k.Source)})
		return
	}

	r.reportSymlinks(src.repo, rel, k)
	clean := messageCleaner(art, src.repo)
	gen := fluxkustomize.NewGenerator(art.Dir, unstructured.Unstructured{Object: k.unstructured})
	manifest, kfile, _, err := gen.GenerateManifest(dirPath)
	if err != nil {
		r.reportBuildError(k, art, clean(err.Error()), nil)
		return
	}
	disk, err := securefs.MakeFsOnDiskSecure(art.Dir)
	if err != nil {
		r.reportBuildError(k, art, clean(err.Error()), nil)
		return
	}
	fs := securefs.MakeFsInMemory(disk)
	g := &kgraph{r: r, k: k, fs: fs, art: art, visited: map[string]bool{}}
	manifest, keepOrigin, err := g.prepareRoot(dirPath, kfile, manifest)
	if err == nil {
		err = fs.WriteFile(kfile, manifest)
	}
	if err != nil {
		r.reportBuildError(k, art, clean(err.Error()), g)
		return
	}
	m, err := kustomizeBuild(fs, dirPath, g.openAPI)
	if err != nil {
		r.reportBuildError(k, art, clean(err.Error()), g)
		return
	}
	r.collect(t, k, art, dirPath, m, keepOrigin)
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
		r.report(Problem{Code: SymlinkIgnored, Warning: true, Pos: load.Pos{File: repo.Prefix + l}, Kustomization: k,
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

// artifact returns the artifact of a source, materialising it on first use.
// The ignore rules of the source object (spec.ignore) are honoured when the
// repository holds its definition.
func (r *renderer) artifact(src *sourceDir, ref flux.Ref) (*load.Artifact, error) {
	ignore := ""
	if src.repo == r.repo {
		if d := r.index.lookup(ref); d != nil {
			ignore = stringAt(d, "spec", "ignore")
		}
	}
	key := src.repo.Root + "\x00" + ignore
	if a := r.artifacts[key]; a != nil {
		return a, nil
	}
	a, err := src.repo.Materialize(ignore, r.opts.TempDir)
	if err != nil {
		return nil, err
	}
	r.artifacts[key] = a
	return a, nil
}

// messageCleaner rewrites the temporary paths in kustomize's messages into
// the repository's own.
func messageCleaner(art *load.Artifact, repo *load.Repo) func(string) string {
	return func(s string) string {
		s = strings.ReplaceAll(s, art.Dir+string(filepath.Separator), repo.Prefix)
		return strings.ReplaceAll(s, art.Dir, strings.TrimSuffix(repo.Prefix, "/"))
	}
}

var (
	buildMu    sync.Mutex
	schemaOnce sync.Once
)

// kustomizeBuild runs kustomize with the options Flux's Build uses (no load
// restrictions, built-in plugins only, no reordering). Flux reloads kyaml's
// built-in OpenAPI schema before every build; that costs more than the build
// itself, so it is loaded once here and only reset around a build that uses
// the "openapi" field, which is what the reset guards against.
func kustomizeBuild(fs filesys.FileSystem, dirPath string, usesOpenAPI bool) (m resmap.ResMap, err error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("recovered from kustomize build panic: %v", rec)
		}
	}()
	schemaOnce.Do(func() { _ = openapi.Schema() })
	if usesOpenAPI {
		openapi.ResetOpenAPI()
		_ = openapi.Schema()
		defer func() {
			openapi.ResetOpenAPI()
			_ = openapi.Schema()
		}()
	}
	restore := silenceStderr()
	defer restore()
	k := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: kustypes.LoadRestrictionsNone,
		PluginConfig:     kustypes.DisabledPluginConfig(),
	})
	return k.Run(fs, dirPath)
}

// silenceStderr keeps kustomize's deprecation warnings, which it prints
// straight to os.Stderr, out of fluxlint's output. Builds are serialised, so
// nothing else writes to stderr meanwhile from this package.
func silenceStderr() func() {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return func() {}
	}
	saved := os.Stderr
	os.Stderr = devnull
	return func() {
		os.Stderr = saved
		devnull.Close()
	}
}

// reportBuildError reports a failed build at the most precise place the
// message allows: a kustomization entry it names, a YAML syntax error in a
// file it names, or the Kustomization's spec.path.
func (r *renderer) reportBuildError(k *Kustomization, art *load.Artifact, msg string, g *kgraph) {
	p := Problem{Code: BuildFailed, Pos: k.Object.ValuePos("spec", "path"), Kustomization: k, Object: k.Object,
		Message: fmt.Sprintf("kustomize build of %s failed: %s", k.Key(), msg)}
	// A file the message names that does not parse is the real cause.
	best := ""
	for _, f := range art.Included {
		name := f.Name()
		if len(name) > len(best) && strings.Contains(msg, name) && load.IsYAML(f.Path) {
			for _, d := range f.Docs() {
				if d.Err != nil {
					best = name
					p.Code = YAMLSyntax
					p.Pos = load.Pos{File: name, Line: d.ErrLine}
					p.Message = fmt.Sprintf("%s does not parse, so %s cannot be built: %v", name, k.Key(), d.Err)
					break
				}
			}
		}
	}
	if best == "" && g != nil {
		if pos, ok := g.locate(msg); ok {
			p.Pos = pos
		}
	}
	r.report(p)
}

// collect turns the build output into objects: provenance, substitution,
// commonMetadata and the owner labels, in the order kustomize-controller
// applies them.
func (r *renderer) collect(t *tree, k *Kustomization, art *load.Artifact, dirPath string, m resmap.ResMap, keepOrigin bool) {
	prov := newProvenance(art, dirPath)
	sub := r.newSubstituter(t, k, m)
	for _, res := range m.Resources() {
		doc, generated, list := prov.locate(res)
		if !keepOrigin {
			_ = res.SetOrigin(nil)
		}
		obj := &Object{Doc: doc, Generated: generated, AppliedBy: k}
		if list != nil {
			obj.At = list.KindPos()
		}
		if obj.Doc == nil && !obj.Generated.IsValid() && !obj.At.IsValid() {
			obj.At = k.Object.ValuePos("spec", "path")
		}
		node := &res.RNode
		if sub != nil {
			node = sub.apply(res, obj)
		}
		obj.Node = yaml.NewRNode(node.YNode())
		setCommonMetadata(obj.Node, k)
		fillIdentity(obj)
		k.Objects = append(k.Objects, obj)
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
	_ = n.SetLabels(labels)
}
