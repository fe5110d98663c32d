package render

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// instanceCandidates are the syncs of the FluxInstances the repository
// writes, as objects or as values of the flux-instance chart: each is an
// entry point whose source is the repository itself.
func (r *renderer) instanceCandidates() []candidate {
	var out []candidate
	seen := map[string]bool{}
	for _, kind := range []string{flux.KindFluxInstance, flux.KindHelmRelease} {
		for _, d := range r.index.byKind[kind] {
			in, ok := flux.InstanceFromDoc(d)
			if !ok || !in.HasSync() {
				continue
			}
			// One cluster may write its FluxInstance twice (an object and a
			// chart); its sync is one root.
			key := in.Namespace + "/" + in.SyncName() + "@" + in.Get("sync", "path")
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, candidate{origin: fmt.Sprintf(originInstanceFmt, in.From), evidence: true,
				make: func() (*Kustomization, error) { return r.instanceRoot(in) }})
		}
	}
	return out
}

// instanceRoot synthesises what flux-operator creates for a FluxInstance's
// spec.sync: the source and the Kustomization, both named after the
// instance's namespace (or spec.sync.name), patched by
// spec.kustomize.patches as the operator builds them together.
func (r *renderer) instanceRoot(in flux.Instance) (*Kustomization, error) {
	fs := filesys.MakeFsInMemory()
	kust := yaml.NewMapRNode(nil)
	_ = kust.PipeE(yaml.SetField("resources", yaml.NewListRNode("sync.yaml")))
	need := schemaNone
	if p := load.LookupNode(in.Spec, "kustomize", "patches"); p != nil && p.Kind == yaml.SequenceNode {
		_ = kust.PipeE(yaml.SetField("patches", yaml.NewRNode(p)))
		// The build holds the sync's source and Kustomization alone, custom
		// resources which no Kubernetes type describes: a patch meant for
		// the controllers selects nothing here.
		need = schemaBare
	}
	kb, err := kust.String()
	if err == nil {
		err = fs.WriteFile("/sync/sync.yaml", []byte(in.SyncObjects()))
	}
	if err == nil {
		err = fs.WriteFile("/sync/kustomization.yaml", []byte(kb))
	}
	if err != nil {
		return nil, err
	}
	// The build reads only these two files, so they are its key.
	key := r.opts.Cache.keyOf("FluxInstance sync", []byte(in.SyncObjects()), []byte(kb))
	m, hit := r.opts.Cache.get(key)
	if !hit {
		if m, err = kustomizeBuild(fs, "/sync", false, need); err == nil {
			r.opts.Cache.put(key, m)
		}
	}
	if err != nil {
		r.report(Problem{Code: BuildFailed, Pos: in.Pos("kustomize", "patches"),
			Message: fmt.Sprintf("the sync of %s cannot be built with its spec.kustomize.patches: %s", in.From, describe(err.Error()))})
		return nil, err
	}
	var root *Kustomization
	var companions []*Object
	for _, res := range m.Resources() {
		obj := &Object{Node: res.RNode.Copy(), Synthetic: true, At: in.Pos("sync")}
		fillIdentity(obj)
		if flux.IsKustomization(obj.APIVersion, obj.Kind) {
			obj.At = in.Pos("sync", "path")
			if root, err = r.newKustomization(obj, nil); err != nil {
				return nil, err
			}
			continue
		}
		companions = append(companions, obj)
	}
	if root == nil {
		return nil, fmt.Errorf("the sync of %s made no Kustomization", in.From)
	}
	root.Companions = companions
	root.Instance = &in
	return root, nil
}

// remote is the URL of the checkout's git remote ("origin", else the first
// one), read from .git/config without running git; "" when there is none.
func readRemote(root string) string {
	gitDir := filepath.Join(root, ".git")
	if info, err := os.Lstat(gitDir); err == nil && info.Mode().IsRegular() {
		// A worktree or submodule: ".git" names the git directory.
		b, err := os.ReadFile(gitDir)
		if err != nil {
			return ""
		}
		dir := strings.TrimSpace(strings.TrimPrefix(string(b), "gitdir:"))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		gitDir = dir
		if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(gitDir, common)
			}
			gitDir = common
		}
	}
	b, err := os.ReadFile(filepath.Join(gitDir, "config"))
	if err != nil {
		return ""
	}
	remotes := map[string]string{}
	var first, section string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if m := remoteSection.FindStringSubmatch(l); m != nil {
			section = m[1]
			continue
		}
		if strings.HasPrefix(l, "[") {
			section = ""
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && section != "" && strings.TrimSpace(k) == "url" {
			remotes[section] = strings.TrimSpace(v)
			if first == "" {
				first = section
			}
		}
	}
	if u, ok := remotes["origin"]; ok {
		return u
	}
	return remotes[first]
}

var remoteSection = regexp.MustCompile(`^\[remote\s+"([^"]+)"\]$`)

// normalizeGitURL reduces a git URL to host/path, lower case, so that the
// https, ssh and scp-like spellings of one repository compare equal.
func normalizeGitURL(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if at := strings.IndexByte(u, '@'); at >= 0 && at < strings.IndexByte(u+"/", '/') {
			u = u[at+1:]
		}
		host, rest, _ := strings.Cut(u, "/")
		if h, _, ok := strings.Cut(host, ":"); ok {
			host = h // a port
		}
		u = host + "/" + rest
	} else if at := strings.IndexByte(u, '@'); at >= 0 {
		// scp-like: git@github.com:org/repo.git
		host, rest, _ := strings.Cut(u[at+1:], ":")
		u = host + "/" + rest
	}
	// GitHub and GitLab compare owner and repository names without case.
	return strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git"))
}

// remoteMatch reports whether a source document is a GitRepository whose
// URL is the checkout's git remote.
func (r *renderer) remoteMatch(d *load.Doc) bool {
	if d == nil || r.remote == "" || d.Kind != flux.KindGitRepository {
		return false
	}
	u := d.StringAt("spec", "url")
	return u != "" && normalizeGitURL(u) == normalizeGitURL(r.remote)
}

// bootstrapSource is the GitRepository flux bootstrap creates for the
// repository it bootstraps.
var bootstrapSource = flux.Ref{Kind: flux.KindGitRepository, Namespace: "flux-system", Name: "flux-system"}

// remoteMismatch reports whether a source document is plainly another
// repository: a GitRepository whose URL is not the git remote, or an
// OCIRepository or Bucket.
func (r *renderer) remoteMismatch(d *load.Doc) bool {
	if d == nil {
		return false
	}
	if d.Kind != flux.KindGitRepository {
		return d.Kind == flux.KindOCIRepository || d.Kind == flux.KindBucket
	}
	u := d.StringAt("spec", "url")
	return u != "" && r.remote != "" && normalizeGitURL(u) != normalizeGitURL(r.remote)
}

// sourceObject finds the object that defines a source of a tree: a
// companion of its entry point, an object it rendered, a document of the
// entry point's own file, or the only document of the repository by that
// name. Several clusters of one repository may each define their own
// flux-system GitRepository, so a source is looked up in its tree first.
func (t *tree) sourceObject(r *renderer, ref flux.Ref) (*yaml.Node, *load.Doc) {
	for _, o := range t.named(ref.Kind, ref.Namespace, ref.Name) {
		if flux.IsSource(o.APIVersion, o.Kind) {
			return o.Node.YNode(), o.Doc
		}
	}
	if d := t.root.Object.Doc; d != nil {
		for _, o := range d.File.Docs() {
			if o.Node != nil && o.Kind == ref.Kind && o.Name == ref.Name && (o.Namespace == ref.Namespace || o.Namespace == "") {
				return o.Node.YNode(), o
			}
		}
	}
	if d := r.index.unique(ref); d != nil {
		return d.Node.YNode(), d
	}
	return nil, nil
}

// sourceFor decides what a Kustomization's source stands for: a directory
// mapped to it, the repository itself (with evidence: the entry point's
// own source when the repository shows it is a real root, or a
// GitRepository whose URL is the git remote), or, for the source of an
// entry point guessed without evidence, the repository unless the source
// is plainly elsewhere. why says why it is not rendered when src is nil.
func (r *renderer) sourceFor(t *tree, k *Kustomization) (src *sourceDir, ignore, why string) {
	return r.resolveSource(t, k.Source, k.Source == t.root.Source, nil)
}

// resolveSource decides what a source of a tree stands for (see
// sourceFor); rootSource is set for the source of the tree's entry point.
// busy guards against ExternalArtifacts assembled from each other.
func (r *renderer) resolveSource(t *tree, ref flux.Ref, rootSource bool, busy map[string]bool) (src *sourceDir, ignore, why string) {
	if s := r.sources[ref.String()]; s != nil {
		return s, "", ""
	}
	if ref.Kind == flux.KindExternalArtifact {
		return r.externalArtifact(t, ref, busy)
	}
	node, _ := t.sourceObject(r, ref)
	get := func(p ...string) string { return load.Scalar(load.LookupNode(node, p...)) }
	ignore = get("spec", "ignore")
	url := get("spec", "url")
	this := &sourceDir{repo: r.repo}
	if ref.Kind == flux.KindGitRepository && url != "" && r.remote != "" && normalizeGitURL(url) == normalizeGitURL(r.remote) {
		return this, ignore, ""
	}
	if ref == bootstrapSource && node == nil {
		// flux bootstrap names the repository's own GitRepository
		// flux-system/flux-system, and writes it only into the cluster.
		return this, "", ""
	}
	if rootSource && syncsRepository(ref.Kind) {
		if t.root.evidence {
			return this, ignore, ""
		}
		switch {
		case node != nil && ref.Kind != flux.KindGitRepository:
			return nil, "", fmt.Sprintf("its source %s is an %s at %s, not this repository", ref, ref.Kind, firstNonEmpty(url, get("spec", "endpoint")))
		case url != "" && r.remote != "":
			return nil, "", fmt.Sprintf("its source %s is %s, not this repository (%s)", ref, url, r.remote)
		}
		return this, ignore, ""
	}
	return nil, "", fmt.Sprintf("its source %s is not this repository", ref)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
