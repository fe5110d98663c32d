package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/fluxconfig"
	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/redact"
)

// Options say what to render and how.
type Options struct {
	// Dir is the repository to render.
	Dir string

	// Entries are AKS-style entry points (az k8s-configuration flux create
	// --kustomization ...). When there are any, no root is auto-detected.
	Entries []flux.AKSKustomization
	// FluxConfiguration names the AKS fluxConfiguration to render among
	// those the repository writes as Terraform or ARM, when there are
	// several; with Entries given, none is read.
	FluxConfiguration string
	// ConfigNamespace is the AKS configuration namespace, which turns the
	// multi-tenancy rules on; ConfigName names the fluxConfiguration the
	// entries belong to. With entries, both default to flux's defaults.
	ConfigNamespace, ConfigName string

	// Sources maps a source ("Kind/namespace/name") to a local directory,
	// like flux's --local-sources. A relative directory is taken relative to
	// Dir. The source of the entry points always maps to Dir.
	Sources map[string]string
	// ConfinedSources are like Sources but must lie inside Dir: they come
	// from a configuration file, which an untrusted change can edit.
	ConfinedSources map[string]string

	// DryRunSubstitution ignores postBuild.substituteFrom, as
	// "flux build --dry-run" does.
	DryRunSubstitution bool

	// TempDir is where artifacts are materialised (os.TempDir when empty).
	TempDir string
	// Cache keeps kustomize builds by what they read; nil builds every
	// time (see BuildCache).
	Cache *BuildCache

	// Limits bound what a repository can make a render cost; zero fields
	// take their defaults.
	Limits load.Limits
	// Charts say how HelmReleases are rendered.
	Charts ChartOptions

	// Secrets collects every secret value the repositories hold, for the
	// redaction layer that masks them in any output; nil collects nothing.
	Secrets *redact.Set
}

// Result is a rendered repository.
type Result struct {
	Repo *load.Repo
	// Roots are the entry points, in order.
	Roots []*Kustomization
	// AutoDetected is true when the roots were found in the repository
	// rather than given as AKS entries; Guessed when nothing in the
	// repository shows a real root (a bootstrap layout, a FluxInstance), so
	// the Kustomizations that nothing else applies were taken as roots.
	AutoDetected, Guessed bool
	// ConfigNamespace is the AKS configuration namespace ("" when the
	// repository is not checked for AKS multi-tenancy).
	ConfigNamespace string
	// FluxConfiguration is the fluxConfiguration the repository writes as
	// code that gave the entry points, if any.
	FluxConfiguration *fluxconfig.Configuration
	// Objects are all objects: the entry points as written (or
	// synthesised), then everything the Kustomizations apply, depth-first.
	Objects []*Object
	// Problems are what kept parts of the repository from rendering.
	Problems []Problem
	// Charts are the charts the HelmReleases ask chart repositories for.
	Charts []ChartUse
}

// Kustomizations lists every Kustomization of the result, depth-first.
func (r *Result) Kustomizations() []*Kustomization {
	var out []*Kustomization
	for _, root := range r.Roots {
		root.Walk(func(k *Kustomization) { out = append(out, k) })
	}
	return out
}

type renderer struct {
	opts    Options
	repo    *load.Repo
	sources map[string]*sourceDir
	views   map[string]*load.View
	// prefetched is the repository's own artifact, computed while the
	// repository is parsed (see prefetchView).
	prefetched *viewFuture
	problems   []Problem
	index      *docIndex
	linksSeen  map[string]bool
	// remote is the URL of the checkout's git remote, or "".
	remote string
	// assembled are the directories of the artifacts fluxlint assembled,
	// removed when the render ends; artifacts caches them by
	// "ExternalArtifact/namespace/name".
	assembled []string
	artifacts map[string]*sourceDir
	// rendered counts the objects built so far, against
	// Limits.ObjectsTotal.
	rendered int
	// lock is the chart lock of the repository; valueObjects the
	// ConfigMaps and Secrets HelmReleases may take values from.
	lock         *helm.Lock
	valueObjects map[string]*Object
	chartUses    []ChartUse
	// apiVersions are those the repository's CRDs add to the charts'
	// capabilities.
	apiVersions []string
}

// Render renders the repository at opts.Dir. The error is only for a
// repository that cannot be read at all; everything else is a Problem.
func Render(opts Options) (*Result, error) {
	enforceOffline()
	opts.Limits = opts.Limits.OrDefault()
	defer opts.Cache.Bundle(parsesBundle, opts.Dir).Flush()
	repo, err := load.Open(opts.Dir, r0(opts))
	if err != nil {
		return nil, err
	}
	fc := entriesFromCode(&opts, repo)
	r := &renderer{opts: opts, repo: repo, sources: map[string]*sourceDir{}, views: map[string]*load.View{}, linksSeen: map[string]bool{}, remote: readRemote(repo.Root), artifacts: map[string]*sourceDir{}}
	if err := r.mapSources(); err != nil {
		return nil, err
	}
	if len(opts.Entries) > 0 && opts.ConfigNamespace == "" {
		opts.ConfigNamespace = flux.DefaultConfigNamespace
	}
	if opts.ConfigName == "" {
		opts.ConfigName = flux.DefaultConfigName
	}
	r.opts = opts
	r.problems = append(r.problems, fc.problems...)
	defer silenceStderr()()
	r.prefetchView(repo)
	if opts.Cache.cold(opts.Dir) {
		go warmKustomize()
	}
	repo.ParseAll(runtime.GOMAXPROCS(0))
	r.index = indexDocs(repo)

	res := &Result{Repo: repo, ConfigNamespace: opts.ConfigNamespace, FluxConfiguration: fc.config}
	if len(opts.Entries) > 0 {
		roots, objs, err := r.entryRoots()
		if err != nil {
			return nil, err
		}
		res.Objects = append(res.Objects, objs...)
		for _, root := range roots {
			root.Origin, root.evidence = OriginGiven, true
			r.renderTree(root)
			res.Roots = append(res.Roots, root)
		}
	} else {
		res.AutoDetected = true
		res.Roots, res.Guessed = r.detectRoots()
	}
	r.renderReleases(res)
	res.Charts = r.chartUses
	for _, root := range res.Roots {
		res.Objects = append(res.Objects, root.Companions...)
		if !producesItself(root) {
			res.Objects = append(res.Objects, root.Object)
		}
		root.Walk(func(k *Kustomization) {
			res.Objects = append(res.Objects, k.Objects...)
			for _, rel := range k.Releases {
				res.Objects = append(res.Objects, rel.Objects...)
			}
		})
	}
	for _, dir := range r.assembled {
		os.RemoveAll(dir)
	}
	r.reportRefused(r.repo)
	for _, src := range r.sources {
		if src.repo != r.repo {
			r.reportRefused(src.repo)
		}
	}
	res.Problems = dedupeProblems(r.problems)
	return res, nil
}

// r0 are the options every repository of a render is read with.
func r0(o Options) load.Options {
	opts := load.Options{Limits: o.Limits, Secrets: o.Secrets}
	opts.Parsed = o.Cache.Bundle(parsesBundle, o.Dir).Store()
	return opts
}

// parsesBundle is the bundle of the build cache that keeps parsed files.
const parsesBundle = "parses"

// reportRefused reports the files of a repository that were read and
// refused.
func (r *renderer) reportRefused(repo *load.Repo) {
	for _, f := range repo.Refused() {
		pos := load.Pos{File: f.Name()}
		for _, d := range f.Docs() {
			if d.Err != nil && errors.As(d.Err, new(*load.AliasError)) {
				pos.Line = d.ErrLine
				break
			}
		}
		r.report(Problem{Code: AliasExpansion, Pos: pos, Message: fmt.Sprintf("%s is left out: %v", f.Name(), f.Refusal())})
	}
}

// producesItself reports whether an entry point's build contains its own
// document, as a flux-system Kustomization that syncs its own directory does.
func producesItself(k *Kustomization) bool {
	for _, o := range k.Objects {
		if o.Doc != nil && o.Doc == k.Object.Doc && flux.IsKustomization(o.APIVersion, o.Kind) {
			return true
		}
	}
	return false
}

func (r *renderer) report(p Problem) { r.problems = append(r.problems, p) }

// sourceDir is a directory that stands for a Flux source.
type sourceDir struct {
	repo *load.Repo
	// assembled is set for an artifact fluxlint assembled (an
	// ExternalArtifact): no ignore rules apply to it.
	assembled bool
}

func (r *renderer) mapSources() error {
	add := func(m map[string]string, confined bool) error {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			ref, ok := flux.ParseRef(key)
			if !ok {
				return fmt.Errorf("source %q: want Kind/namespace/name", key)
			}
			dir := m[key]
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(r.repo.Root, dir)
			}
			abs, err := filepath.EvalSymlinks(dir)
			if err != nil {
				return fmt.Errorf("source %s: %w", key, err)
			}
			if abs == r.repo.Root {
				r.sources[ref.String()] = &sourceDir{repo: r.repo}
				continue
			}
			rel, inside := r.repo.Rel(abs)
			if confined && !inside {
				return fmt.Errorf("source %s: %s is outside the repository", key, m[key])
			}
			sub, err := load.Open(abs, r0(r.opts))
			if err != nil {
				return fmt.Errorf("source %s: %w", key, err)
			}
			if inside {
				sub.Prefix = rel + "/"
			} else {
				sub.Prefix = abs + "/"
			}
			r.sources[ref.String()] = &sourceDir{repo: sub}
		}
		return nil
	}
	if err := add(r.opts.ConfinedSources, true); err != nil {
		return err
	}
	return add(r.opts.Sources, false)
}

// docIndex finds documents of the repository by kind.
type docIndex struct {
	byKind map[string][]*load.Doc
}

func indexDocs(repo *load.Repo) *docIndex {
	ix := &docIndex{byKind: map[string][]*load.Doc{}}
	for _, f := range repo.ScanFiles() {
		for _, d := range f.Docs() {
			if d.IsObject() {
				ix.byKind[d.Kind] = append(ix.byKind[d.Kind], d)
			}
		}
	}
	return ix
}

// unique finds the one document of a kind, namespace and name; nil when
// there is none, or more than one (several clusters of one repository each
// define their own flux-system GitRepository).
func (ix *docIndex) unique(ref flux.Ref) *load.Doc {
	var found *load.Doc
	for _, d := range ix.byKind[ref.Kind] {
		if d.Name == ref.Name && (d.Namespace == ref.Namespace || d.Namespace == "") {
			if found != nil {
				return nil
			}
			found = d
		}
	}
	return found
}

// decodedKustomization is a Kustomization object read into the API's
// types, and as unstructured values (what Flux's generator and
// substitution take).
type decodedKustomization struct {
	spec         kustomizev1.KustomizationSpec
	unstructured map[string]any
	err          error
}

func decodeKustomization(n *yaml.RNode) *decodedKustomization {
	d := &decodedKustomization{}
	raw, err := marshalJSON(n)
	if err == nil {
		var typed kustomizev1.Kustomization
		if err = json.Unmarshal(raw, &typed); err == nil {
			d.spec = typed.Spec
			err = json.Unmarshal(raw, &d.unstructured)
		}
	}
	d.err = err
	return d
}

// predecode reads the Flux Kustomizations among a build's objects into the
// API's types, when the build ends: the next round's children are made
// one by one, and decoding was most of it. A build that produces many (an
// entry point that applies every application) decodes them on every
// processor: it is often the only build running.
func predecode(objs []*Object) {
	var ks []*Object
	for _, o := range objs {
		if flux.IsKustomization(o.APIVersion, o.Kind) && o.Node != nil {
			ks = append(ks, o)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(ks)+7)/8)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ks); i += workers {
				ks[i].decoded = decodeKustomization(ks[i].Node)
			}
		}()
	}
	wg.Wait()
}

// newKustomization reads the spec of a Kustomization object. A spec that
// does not match the Kustomization API is a problem; the Kustomization is
// then not rendered.
func (r *renderer) newKustomization(obj *Object, parent *Kustomization) (*Kustomization, error) {
	k := &Kustomization{Namespace: obj.Namespace, Name: obj.Name, Object: obj, Parent: parent}
	d := obj.decoded
	if d == nil {
		d = decodeKustomization(obj.Node)
	}
	k.Spec, k.unstructured = d.spec, d.unstructured
	if err := d.err; err != nil {
		r.report(Problem{Code: InvalidObject, Pos: obj.Pos(), Kustomization: parent, Object: obj,
			Message: fmt.Sprintf("Kustomization %s does not match the Kustomization API: %v", k.Key(), err)})
		return nil, err
	}
	k.Source = flux.Ref{Kind: k.Spec.SourceRef.Kind, Namespace: k.Spec.SourceRef.Namespace, Name: k.Spec.SourceRef.Name}
	if k.Source.Namespace == "" {
		k.Source.Namespace = k.Namespace
	}
	return k, nil
}

// cleanRel cleans a spec.path into a slash path relative to the source root
// ("." for the root), never escaping it, as SecureJoin does.
func cleanRel(p string) string {
	c := path.Clean("/" + filepath.ToSlash(p))
	if c == "/" {
		return "."
	}
	return strings.TrimPrefix(c, "/")
}

func isUnder(file, dir string) bool {
	return dir == "." || strings.HasPrefix(file, dir+"/")
}

func underAny(file string, dirs []string) bool {
	for _, d := range dirs {
		if isUnder(file, d) {
			return true
		}
	}
	return false
}

func dedupeProblems(ps []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range ps {
		key := string(p.Code) + "\x00" + p.Pos.String() + "\x00" + p.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Less(out[j].Pos) })
	return out
}

// codeEntries is what the fluxConfigurations written as code give a render.
type codeEntries struct {
	config   *fluxconfig.Configuration
	problems []Problem
}

// entriesFromCode reads the AKS fluxConfigurations the repository writes as
// Terraform or ARM when no entry point is given, and takes the one picked
// (or the only one) as the entry points.
func entriesFromCode(opts *Options, repo *load.Repo) codeEntries {
	var out codeEntries
	if len(opts.Entries) > 0 {
		return out
	}
	configs, problems := fluxconfig.Find(repo)
	for _, p := range problems {
		out.problems = append(out.problems, Problem{Code: FluxConfiguration, Pos: p.Pos, Message: p.Message})
	}
	c, why, ok := fluxconfig.Pick(configs, opts.FluxConfiguration)
	if !ok {
		if why != "" {
			pos := load.Pos{File: "--flux-configuration"}
			if len(configs) > 0 {
				pos = configs[0].At
			}
			out.problems = append(out.problems, Problem{Code: FluxConfiguration, Pos: pos, Message: why + "; the repository is rendered from the entry points it shows instead"})
		}
		return out
	}
	out.config = &c
	opts.Entries = c.Kustomizations
	if opts.ConfigNamespace == "" {
		opts.ConfigNamespace = c.Namespace
	}
	if opts.ConfigName == "" {
		opts.ConfigName = c.Name
	}
	return out
}

// In is the options for another copy of the same tree, at dir: the
// directory, and the source mappings that led into the tree, which lead
// into the copy. A review renders two revisions with it, and the
// migration its migrated copy.
func (o Options) In(dir string) Options {
	from := o.Dir
	remap := func(m map[string]string) map[string]string {
		if m == nil {
			return nil
		}
		out := make(map[string]string, len(m))
		for k, d := range m {
			if filepath.IsAbs(d) {
				if rel, err := filepath.Rel(from, d); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
					d = filepath.Join(dir, rel)
				}
			}
			out[k] = d
		}
		return out
	}
	o.Sources = remap(o.Sources)
	o.ConfinedSources = remap(o.ConfinedSources)
	o.Dir = dir
	return o
}
