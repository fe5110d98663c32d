package render

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/load"
)

// ChartOptions say how HelmReleases are rendered.
type ChartOptions struct {
	// Off leaves HelmReleases as custom resources.
	Off bool
	// Cache is the chart cache that HelmRepository and OCI charts are read
	// from ("" reads none: those charts are not available). A relative
	// directory is taken relative to Options.Dir; CacheConfined says it
	// must lie inside it (it comes from a configuration file).
	Cache         string
	CacheConfined bool
	// KubeVersion is the Kubernetes version charts are rendered for
	// (helm.DefaultKubeVersion when empty).
	KubeVersion string
	// Loader keeps loaded charts; a render makes its own when nil. Share
	// one between renders of the same charts to load each once.
	Loader *helm.Loader
	// Renderer renders charts (helm.V3 when nil).
	Renderer helm.Renderer
}

// Release is a HelmRelease of the rendered tree and what its chart
// renders.
type Release struct {
	// Object is the HelmRelease.
	Object *Object
	// Chart names the chart rendered ("podinfo 6.5.0 from
	// https://stefanprodan.github.io/podinfo"); empty when none was.
	Chart string
	// Objects are the objects the chart renders, after post-rendering:
	// CRDs first, then the manifests in Helm's install order, then hooks.
	Objects []*Object
	// Rendered is true when the chart rendered.
	Rendered bool
}

// ChartUse is a HelmRelease's use of a chart from a chart repository
// (HelmRepository, OCI), which "fluxlint charts pull" fetches.
type ChartUse struct {
	Release *Object
	Request helm.ChartRequest
}

// Helm-controller's origin labels.
const (
	originNameLabel      = "helm.toolkit.fluxcd.io/name"
	originNamespaceLabel = "helm.toolkit.fluxcd.io/namespace"
	// sourceAnnotation carries a document's template path through
	// post-rendering.
	sourceAnnotation = "fluxlint.internal/helm-source"
)

// hrSpec is what fluxlint reads of a HelmRelease's spec.
type hrSpec struct {
	ReleaseName     string `json:"releaseName"`
	TargetNamespace string `json:"targetNamespace"`
	Chart           *struct {
		Spec chartSpec `json:"spec"`
	} `json:"chart"`
	ChartRef   *crossRef       `json:"chartRef"`
	Values     json.RawMessage `json:"values"`
	ValuesFrom []struct {
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		ValuesKey  string `json:"valuesKey"`
		TargetPath string `json:"targetPath"`
		Optional   bool   `json:"optional"`
		Literal    bool   `json:"literal"`
	} `json:"valuesFrom"`
	Install *struct {
		CRDs                    string `json:"crds"`
		DisableSchemaValidation bool   `json:"disableSchemaValidation"`
		DisableHooks            bool   `json:"disableHooks"`
	} `json:"install"`
	Test *struct {
		Enable bool `json:"enable"`
	} `json:"test"`
	PostRenderers []struct {
		Kustomize map[string]any `json:"kustomize"`
	} `json:"postRenderers"`
	PostRenderStrategy string `json:"postRenderStrategy"`
	CommonMetadata     *struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"commonMetadata"`
}

type chartSpec struct {
	Chart                    string   `json:"chart"`
	Version                  string   `json:"version"`
	SourceRef                crossRef `json:"sourceRef"`
	ValuesFiles              []string `json:"valuesFiles"`
	IgnoreMissingValuesFiles bool     `json:"ignoreMissingValuesFiles"`
}

type crossRef struct {
	Kind, Name, Namespace string
}

// renderReleases renders the chart of every HelmRelease the Kustomizations
// apply.
func (r *renderer) renderReleases(res *Result) {
	if r.opts.Charts.Off {
		return
	}
	if r.opts.Charts.Loader == nil {
		r.opts.Charts.Loader = &helm.Loader{}
	}
	if r.opts.Charts.Renderer == nil {
		r.opts.Charts.Renderer = helm.V3{}
	}
	lock, err := helm.ReadLock(filepath.Join(r.repo.Root, helm.LockFile))
	if err != nil {
		r.report(Problem{Code: ChartNotAvailable, Pos: load.Pos{File: helm.LockFile}, Message: "the chart lock cannot be read: " + err.Error()})
		lock = &helm.Lock{}
	}
	r.lock = lock
	// ConfigMaps and Secrets valuesFrom reads, by "Kind/namespace/name".
	r.valueObjects = map[string]*Object{}
	for _, root := range res.Roots {
		root.Walk(func(k *Kustomization) {
			for _, o := range k.Objects {
				if o.APIVersion == "v1" && (o.Kind == "ConfigMap" || o.Kind == "Secret") {
					key := o.Kind + "/" + o.Namespace + "/" + o.Name
					if r.valueObjects[key] == nil {
						r.valueObjects[key] = o
					}
				}
			}
		})
	}
	r.apiVersions = crdAPIVersions(res)
	// Finding and loading the charts reads the sources (and caches what
	// it read) one release at a time; templating and post-rendering, which
	// share nothing but the read-only charts, run in parallel.
	var jobs []*releaseJob
	for _, root := range res.Roots {
		root.Walk(func(k *Kustomization) {
			for _, o := range k.Objects {
				if flux.IsHelmRelease(o.APIVersion, o.Kind) && o.Namespace != "" {
					var j *releaseJob
					r.safely(k, o, func() { j = r.prepareRelease(k, o) })
					if j == nil {
						j = &releaseJob{k: k, o: o, rel: &Release{Object: o}}
					}
					k.Releases = append(k.Releases, j.rel)
					if j.chart != nil {
						jobs = append(jobs, j)
					}
				}
			}
		})
	}
	out := make([][]Problem, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rc := *r // a copy that collects this release's problems
				rc.problems = nil
				rc.safely(jobs[i].k, jobs[i].o, func() { rc.renderRelease(jobs[i]) })
				out[i] = rc.problems
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, probs := range out {
		r.problems = append(r.problems, probs...)
		// A chart's objects count against the same limit as the builds'.
		rel := jobs[i].rel
		if limit := r.opts.Limits.ObjectsTotal; rel.Rendered && r.rendered+len(rel.Objects) > limit {
			r.report(Problem{Code: LimitExceeded, Pos: rel.Object.Pos(), Kustomization: jobs[i].k, Object: rel.Object,
				Message: fmt.Sprintf("the chart of HelmRelease %s/%s renders %d objects, and the render has %d already (the limit is %d, limits.objectsTotal): they are left out", rel.Object.Namespace, rel.Object.Name, len(rel.Objects), r.rendered, limit)})
			rel.Objects, rel.Rendered = nil, false
		}
		r.rendered += len(rel.Objects)
	}
}

// releaseJob is a HelmRelease whose chart was found and loaded, to be
// rendered.
type releaseJob struct {
	k     *Kustomization
	o     *Object
	rel   *Release
	spec  hrSpec
	chart *helm.Chart
}

// prepareRelease reads a HelmRelease and finds and loads its chart; the
// job has no chart when there is none to render (a problem says why).
func (r *renderer) prepareRelease(k *Kustomization, o *Object) *releaseJob {
	rel := &Release{Object: o}
	j := &releaseJob{k: k, o: o, rel: rel}
	// The spec is decoded without its values, which may be most of the
	// object; they are read only when the chart is there to render.
	var spec hrSpec
	var values *yaml.Node
	err := decodeSpecWithout(o.Node, "values", &spec, &values)
	if err != nil {
		r.releaseFailed(k, o, fmt.Sprintf("HelmRelease %s/%s does not match the HelmRelease API: %v", o.Namespace, o.Name, err))
		return j
	}
	ch, name, ok := r.releaseChart(k, o, &spec)
	if !ok {
		return j
	}
	if values != nil {
		if spec.Values, err = marshalJSON(yaml.NewRNode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "values"}, values}})); err == nil {
			var wrap struct {
				Values json.RawMessage `json:"values"`
			}
			err = json.Unmarshal(spec.Values, &wrap)
			spec.Values = wrap.Values
		}
		if err != nil {
			r.releaseFailed(k, o, fmt.Sprintf("HelmRelease %s/%s: spec.values: %v", o.Namespace, o.Name, err))
			return j
		}
	}
	rel.Chart, j.spec, j.chart = name, spec, ch
	return j
}

// decodeSpecWithout decodes the object's spec into spec, all but the
// field skip, whose node it returns in *skipped (nil when absent).
func decodeSpecWithout(obj *yaml.RNode, skip string, spec any, skipped **yaml.Node) error {
	s := obj.Field("spec")
	if s == nil || s.Value == nil {
		return nil
	}
	n := s.Value.YNode()
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("spec is not a mapping")
	}
	shallow := &yaml.Node{Kind: yaml.MappingNode, Tag: n.Tag}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == skip {
			*skipped = n.Content[i+1]
			continue
		}
		shallow.Content = append(shallow.Content, n.Content[i], n.Content[i+1])
	}
	raw, err := marshalJSON(yaml.NewRNode(shallow))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, spec)
}

// renderRelease renders one HelmRelease as helm-controller installs it.
func (r *renderer) renderRelease(j *releaseJob) {
	k, o, rel, spec, ch, name := j.k, j.o, j.rel, j.spec, j.chart, j.rel.Chart
	var values map[string]any
	if len(spec.Values) > 0 && string(spec.Values) != "null" {
		if err := json.Unmarshal(spec.Values, &values); err != nil {
			r.releaseFailed(k, o, fmt.Sprintf("HelmRelease %s/%s: spec.values: %v", o.Namespace, o.Name, err))
			return
		}
	}
	var refs []helm.ValuesRef
	for _, v := range spec.ValuesFrom {
		refs = append(refs, helm.ValuesRef{Kind: v.Kind, Name: v.Name, ValuesKey: v.ValuesKey, TargetPath: v.TargetPath, Optional: v.Optional, Literal: v.Literal})
	}
	composed, err := helm.Compose(values, refs, r.valuesLookup(o.Namespace))
	if err != nil {
		r.releaseFailed(k, o, fmt.Sprintf("HelmRelease %s/%s: %v", o.Namespace, o.Name, err))
		return
	}
	relName := spec.ReleaseName
	if relName == "" {
		relName = o.Name
		if spec.TargetNamespace != "" {
			relName = spec.TargetNamespace + "-" + o.Name
		}
	}
	relName = flux.ShortenReleaseName(relName)
	relNS := spec.TargetNamespace
	if relNS == "" {
		relNS = o.Namespace
	}
	crds := helm.CRDsCreate
	in := helm.Release{Name: relName, Namespace: relNS, Values: composed.Values, KubeVersion: r.opts.Charts.KubeVersion, APIVersions: r.apiVersions}
	if spec.Install != nil {
		if spec.Install.CRDs != "" {
			crds = spec.Install.CRDs
		}
		in.SkipSchemaValidation = spec.Install.DisableSchemaValidation
	}
	in.IncludeCRDs = crds != helm.CRDsSkip
	out, err := r.renderChart(ch, in)
	if err != nil {
		msg := fmt.Sprintf("the chart %s of HelmRelease %s/%s does not render: %s", name, o.Namespace, o.Name, strings.TrimSpace(err.Error()))
		if len(composed.Missing) > 0 {
			msg += fmt.Sprintf(" (values from %s are not in the repository)", strings.Join(composed.Missing, ", "))
		}
		r.releaseFailed(k, o, msg)
		return
	}
	objs, err := r.postRender(o, &spec, out)
	if err != nil {
		r.releaseFailed(k, o, fmt.Sprintf("the post-renderers of HelmRelease %s/%s fail on the chart %s: %s", o.Namespace, o.Name, name, describe(err.Error())))
		return
	}
	for _, obj := range objs {
		obj.AppliedBy, obj.Release = k, o
		if obj.Namespace == "" && !clusterScoped(obj.Kind) && obj.Kind != "" {
			obj.Namespace = relNS
			obj.Node.SetNamespace(relNS)
		}
	}
	r.collectSecretValues(objs)
	rel.Objects, rel.Rendered = objs, true
}

// safely runs fn, turning a panic of Helm or kustomize on a hostile chart
// into a finding at the HelmRelease.
func (r *renderer) safely(k *Kustomization, o *Object, fn func()) {
	defer func() {
		if rec := recover(); rec != nil {
			r.releaseFailed(k, o, fmt.Sprintf("HelmRelease %s/%s: rendering its chart failed: %v", o.Namespace, o.Name, rec))
		}
	}()
	fn()
}

// renderChart templates a chart within limits.chartRenderSeconds. A
// chart's templates are code from the repository under review: one that
// loops for ever is reported and left running until the process ends, in
// its own goroutine, on its own copy of the chart.
func (r *renderer) renderChart(ch *helm.Chart, in helm.Release) (*helm.Output, error) {
	type result struct {
		out *helm.Output
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				done <- result{err: fmt.Errorf("rendering panicked: %v", rec)}
			}
		}()
		out, err := r.opts.Charts.Renderer.Render(ch, in)
		done <- result{out, err}
	}()
	limit := time.Duration(r.opts.Limits.ChartRenderSeconds) * time.Second
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case res := <-done:
		return res.out, res.err
	case <-timer.C:
		return nil, fmt.Errorf("its templates ran longer than %s (limits.chartRenderSeconds), so it is not rendered", limit)
	}
}

func (r *renderer) releaseFailed(k *Kustomization, o *Object, msg string) {
	r.report(Problem{Code: ChartRenderFailed, Pos: o.Pos(), Kustomization: k, Object: o, Message: msg})
}

func (r *renderer) notAvailable(k *Kustomization, o *Object, msg string) {
	r.report(Problem{Code: ChartNotAvailable, Pos: o.Pos(), Kustomization: k, Object: o, Message: msg})
}

// valuesLookup finds the ConfigMaps and Secrets of a namespace that
// valuesFrom reads among the rendered objects. A Secret's values are never
// read: Compose puts placeholders in their place; only its keys count.
func (r *renderer) valuesLookup(ns string) helm.Lookup {
	return func(kind, name, key string) (string, bool, bool) {
		o := r.valueObjects[kind+"/"+ns+"/"+name]
		if o == nil {
			return "", false, false
		}
		if kind == "Secret" {
			if flux.IsSOPSEncrypted(o.Node.YNode()) {
				// Encrypted: only the cluster can read it, as if it were
				// not in the repository.
				return "", false, false
			}
			for _, f := range []string{"data", "stringData"} {
				if o.Has(f, key) {
					return secretShape(o.Lookup(f, key), f == "data"), true, true
				}
			}
			return "", false, true
		}
		n := o.Lookup("data", key)
		if n == nil {
			return "", false, true
		}
		return load.Scalar(n), true, true
	}
}

// secretShape is a Secret value as valuesFrom reads it, for its shape
// only: Compose replaces every scalar of it with a placeholder.
func secretShape(n *yaml.Node, base64Data bool) string {
	v := load.Scalar(n)
	if base64Data {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			v = string(b)
		}
	}
	return v
}

// releaseChart finds and loads the chart of a HelmRelease, or reports why
// it cannot; name describes it.
func (r *renderer) releaseChart(k *Kustomization, o *Object, spec *hrSpec) (*helm.Chart, string, bool) {
	t := k.Root().tree
	loader := r.opts.Charts.Loader
	id := "HelmRelease " + o.Namespace + "/" + o.Name
	var cs chartSpec
	switch {
	case spec.Chart != nil:
		cs = spec.Chart.Spec
	case spec.ChartRef != nil:
		ref := flux.Ref{Kind: spec.ChartRef.Kind, Namespace: firstNonEmpty(spec.ChartRef.Namespace, o.Namespace), Name: spec.ChartRef.Name}
		switch ref.Kind {
		case flux.KindOCIRepository:
			node, _ := t.sourceObject(r, ref)
			if node == nil {
				r.notAvailable(k, o, fmt.Sprintf("%s: its chart comes from %s, which the repository does not define", id, ref))
				return nil, "", false
			}
			get := func(p ...string) string { return load.Scalar(load.LookupNode(node, p...)) }
			url := get("spec", "url")
			base, chartName := path.Split(strings.TrimSuffix(url, "/"))
			version := firstNonEmpty(get("spec", "ref", "tag"), get("spec", "ref", "semver"))
			if get("spec", "ref", "digest") != "" && version == "" {
				r.notAvailable(k, o, fmt.Sprintf("%s: its chart is %s pinned by digest only; fluxlint charts pull fetches tagged charts", id, url))
				return nil, "", false
			}
			return r.cachedChart(k, o, strings.TrimSuffix(base, "/"), chartName, version, nil, false)
		case flux.KindHelmChart:
			node, _ := t.sourceObject(r, ref)
			if node == nil {
				r.notAvailable(k, o, fmt.Sprintf("%s: its chart comes from %s, which the repository does not define", id, ref))
				return nil, "", false
			}
			b, err := marshalJSON(yaml.NewRNode(node))
			var hc struct {
				Spec chartSpec `json:"spec"`
			}
			if err == nil {
				err = json.Unmarshal(b, &hc)
			}
			if err != nil {
				r.releaseFailed(k, o, fmt.Sprintf("%s: %s does not match the HelmChart API: %v", id, ref, err))
				return nil, "", false
			}
			cs = hc.Spec
			if cs.SourceRef.Namespace == "" {
				cs.SourceRef.Namespace = ref.Namespace
			}
		case flux.KindExternalArtifact:
			src, _, why := r.resolveSource(t, ref, false, nil)
			if src == nil {
				r.notAvailable(k, o, fmt.Sprintf("%s: %s", id, why))
				return nil, "", false
			}
			ch, err := loadChartDir(loader, r.view(src, ""), ".")
			if err != nil {
				r.releaseFailed(k, o, fmt.Sprintf("%s: the chart of %s does not load: %v", id, ref, err))
				return nil, "", false
			}
			return ch, fmt.Sprintf("%s %s from %s", ch.Name(), ch.Version(), ref), true
		default:
			r.releaseFailed(k, o, fmt.Sprintf("%s: spec.chartRef.kind %q is not OCIRepository, HelmChart or ExternalArtifact", id, ref.Kind))
			return nil, "", false
		}
	default:
		// Neither spec.chart nor spec.chartRef: the API server refuses the
		// object, which the schema rule reports; there is nothing to render.
		return nil, "", false
	}
	src := flux.Ref{Kind: cs.SourceRef.Kind, Namespace: firstNonEmpty(cs.SourceRef.Namespace, o.Namespace), Name: cs.SourceRef.Name}
	switch src.Kind {
	case flux.KindHelmRepository:
		node, _ := t.sourceObject(r, src)
		if node == nil {
			r.notAvailable(k, o, fmt.Sprintf("%s: its chart %s comes from %s, which the repository does not define", id, cs.Chart, src))
			return nil, "", false
		}
		url := strings.TrimSuffix(load.Scalar(load.LookupNode(node, "spec", "url")), "/")
		return r.cachedChart(k, o, url, cs.Chart, cs.Version, &cs, true)
	case flux.KindGitRepository, flux.KindBucket, flux.KindOCIRepository, flux.KindExternalArtifact:
		dirSrc, ignore, why := r.resolveSource(t, src, src == t.root.Source, nil)
		if dirSrc == nil {
			r.notAvailable(k, o, fmt.Sprintf("%s: its chart %s: %s; map it with --source %s=DIR", id, cs.Chart, why, src))
			return nil, "", false
		}
		view := r.view(dirSrc, ignore)
		rel := cleanRel(cs.Chart)
		if !view.IsDir(rel) && rel != "." {
			r.releaseFailed(k, o, fmt.Sprintf("%s: the chart path %s does not exist in %s", id, cs.Chart, src))
			return nil, "", false
		}
		ch, err := loadChartDir(loader, view, rel)
		if err != nil {
			r.releaseFailed(k, o, fmt.Sprintf("%s: the chart %s does not load: %v", id, cs.Chart, err))
			return nil, "", false
		}
		ch, ok := r.vendorDependencies(k, o, ch, view, rel, 0)
		if !ok {
			return nil, "", false
		}
		name := fmt.Sprintf("%s %s from %s", ch.Name(), ch.Version(), dirSrc.repo.Prefix+rel)
		read := func(f string) ([]byte, bool) {
			fr := cleanRel(f)
			b, err := os.ReadFile(filepath.Join(dirSrc.repo.Root, filepath.FromSlash(fr)))
			return b, err == nil && view.Contains(fr)
		}
		ch, ok = r.withValuesFiles(k, o, ch, &cs, read, fmt.Sprint(src))
		return ch, name, ok
	}
	r.releaseFailed(k, o, fmt.Sprintf("%s: spec.chart.spec.sourceRef.kind %q is not HelmRepository, GitRepository or Bucket", id, src.Kind))
	return nil, "", false
}

// valuesFiles are the valuesFiles that replace the chart's values:
// values.yaml alone means the chart's own.
func valuesFiles(files []string) []string {
	if len(files) == 1 && files[0] == "values.yaml" {
		return nil
	}
	return files
}

// cachedChart reads a HelmRepository or OCI chart from the chart cache.
func (r *renderer) cachedChart(k *Kustomization, o *Object, repoURL, chart, version string, cs *chartSpec, applyValuesFiles bool) (*helm.Chart, string, bool) {
	id := "HelmRelease " + o.Namespace + "/" + o.Name
	r.chartUses = append(r.chartUses, ChartUse{Release: o, Request: helm.ChartRequest{Repository: repoURL, Chart: chart, Version: version}})
	want := chart
	if version != "" {
		want += " " + version
	}
	pull := "run fluxlint charts pull to fetch it into the chart cache"
	cache := r.chartCache()
	dir := cache.Dir
	file, resolved, ok := cache.Find(repoURL, chart, version, r.lock)
	if !ok {
		where := "no chart cache is set (--chart-cache)"
		if dir != "" {
			where = "it is not in the chart cache"
		}
		r.notAvailable(k, o, fmt.Sprintf("%s: the chart %s from %s is not available offline (%s): %s", id, want, repoURL, where, pull))
		return nil, "", false
	}
	ch, err := r.opts.Charts.Loader.LoadArchive(file)
	if err != nil {
		r.releaseFailed(k, o, fmt.Sprintf("%s: the cached chart %s does not load: %v", id, file, err))
		return nil, "", false
	}
	if e := r.lock.Find(repoURL, chart, version); e != nil && e.Digest != "" && e.Digest != ch.Digest {
		r.notAvailable(k, o, fmt.Sprintf("%s: the cached chart %s %s has digest %s, not %s as %s records; %s", id, chart, resolved, ch.Digest, e.Digest, helm.LockFile, pull))
		return nil, "", false
	}
	name := fmt.Sprintf("%s %s from %s", chart, resolved, repoURL)
	if applyValuesFiles && cs != nil {
		read := func(f string) ([]byte, bool) { return ch.File(path.Clean(f)) }
		ch, ok = r.withValuesFiles(k, o, ch, cs, read, "the chart "+name)
	}
	return ch, name, ok
}

// withValuesFiles replaces the chart's values with the merge of its
// HelmRelease's chart.spec.valuesFiles, as source-controller packages it;
// read reads one of them, from where names where they are.
func (r *renderer) withValuesFiles(k *Kustomization, o *Object, ch *helm.Chart, cs *chartSpec, read func(string) ([]byte, bool), where string) (*helm.Chart, bool) {
	files := valuesFiles(cs.ValuesFiles)
	if len(files) == 0 {
		return ch, true
	}
	id := "HelmRelease " + o.Namespace + "/" + o.Name
	var contents [][]byte
	for _, f := range files {
		b, ok := read(f)
		if !ok {
			if cs.IgnoreMissingValuesFiles {
				continue
			}
			r.releaseFailed(k, o, fmt.Sprintf("%s: no values file found at path %s in %s", id, f, where))
			return nil, false
		}
		contents = append(contents, b)
	}
	vals, err := helm.ChartValues(contents)
	if err != nil {
		r.releaseFailed(k, o, fmt.Sprintf("%s: valuesFiles: %v", id, err))
		return nil, false
	}
	return ch.WithValues(vals), true
}

// postRender turns a rendered chart into objects as helm-controller
// applies them: its post-renderers' kustomize patches and images, then
// commonMetadata, then the origin labels, on the manifests and hooks (the
// "combined" strategy; "nohooks" leaves hooks out); CRDs get the origin
// labels only. Test hooks run only with spec.test.enable and are left out.
func (r *renderer) postRender(hr *Object, spec *hrSpec, out *helm.Output) ([]*Object, error) {
	var crds, docs []*yaml.RNode
	var hooks []*yaml.RNode
	skipHooks := spec.Install != nil && spec.Install.DisableHooks
	testEnabled := spec.Test != nil && spec.Test.Enable
	for _, d := range out.Docs {
		nodes, err := kio.FromBytes([]byte(d.YAML))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Source, err)
		}
		for _, n := range nodes {
			if d.Hook && (skipHooks || (!testEnabled && isTestHook(n))) {
				continue
			}
			_ = n.PipeE(yaml.SetAnnotation(sourceAnnotation, d.Source))
			switch {
			case d.CRD:
				crds = append(crds, n)
			case d.Hook:
				hooks = append(hooks, n)
			default:
				docs = append(docs, n)
			}
		}
	}
	post := docs
	if spec.PostRenderStrategy != "nohooks" {
		post = append(post, hooks...)
		hooks = nil
	}
	for _, pr := range spec.PostRenderers {
		if len(pr.Kustomize) == 0 || len(post) == 0 {
			continue
		}
		var err error
		if post, err = kustomizePostRender(post, pr.Kustomize); err != nil {
			return nil, err
		}
	}
	post = append(post, hooks...)
	for _, n := range post {
		if cm := spec.CommonMetadata; cm != nil {
			setMap(n, "labels", cm.Labels)
			setMap(n, "annotations", cm.Annotations)
		}
	}
	var objs []*Object
	for _, n := range append(crds, post...) {
		setMap(n, "labels", map[string]string{originNameLabel: hr.Name, originNamespaceLabel: hr.Namespace})
		src := n.GetAnnotations()[sourceAnnotation]
		_, _ = n.Pipe(yaml.ClearAnnotation(sourceAnnotation))
		if len(n.GetAnnotations()) == 0 {
			_ = n.PipeE(yaml.Lookup("metadata"), yaml.FieldClearer{Name: "annotations"})
		}
		obj := &Object{Node: n, Template: src}
		fillIdentity(obj)
		objs = append(objs, obj)
	}
	return objs, nil
}

func isTestHook(n *yaml.RNode) bool {
	for _, h := range strings.Split(n.GetAnnotations()["helm.sh/hook"], ",") {
		switch strings.TrimSpace(h) {
		case "test", "test-success":
			return true
		}
	}
	return false
}

// setMap sets metadata labels or annotations, over what the object has.
func setMap(n *yaml.RNode, field string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		_ = n.PipeE(yaml.LookupCreate(yaml.MappingNode, "metadata", field), yaml.SetField(k, yaml.NewStringRNode(m[k])))
	}
}

// kustomizePostRender runs one postRenderers[].kustomize entry as
// helm-controller does: the rendered objects are the one resource of a
// Kustomization carrying the entry's patches and images; kustomize keeps
// their order.
func kustomizePostRender(in []*yaml.RNode, spec map[string]any) ([]*yaml.RNode, error) {
	fs := filesys.MakeFsInMemory()
	b, err := kio.StringAll(in)
	if err != nil {
		return nil, err
	}
	kust := map[string]any{"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": []string{"helm-output.yaml"}}
	for _, f := range []string{"patches", "images"} {
		if v, ok := spec[f]; ok {
			kust[f] = v
		}
	}
	kb, err := json.Marshal(kust)
	if err != nil {
		return nil, err
	}
	if err := fs.WriteFile("/helm/helm-output.yaml", []byte(b)); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("/helm/kustomization.yaml", kb); err != nil {
		return nil, err
	}
	m, err := kustomizeBuild(fs, "/helm", false, kustomizationNeed(kust))
	if err != nil {
		return nil, err
	}
	var out []*yaml.RNode
	for _, res := range m.Resources() {
		out = append(out, res.RNode.Copy())
	}
	return out, nil
}

// clusterScoped lists the built-in kinds that have no namespace, which
// Helm leaves without one; any other object without a namespace goes into
// the release namespace.
func clusterScoped(kind string) bool {
	switch kind {
	case "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
		"StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode",
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
		"ValidatingAdmissionPolicyBinding", "APIService", "VolumeSnapshotClass", "ClusterIssuer",
		"PodSecurityPolicy", "ComponentStatus", "CertificateSigningRequest":
		return true
	}
	return false
}

// collectSecretValues hands the values of the Secrets a chart renders to
// the redaction layer: a value a chart puts in a Secret is masked wherever
// it shows, the HelmRelease's spec.values included.
func (r *renderer) collectSecretValues(objs []*Object) {
	if r.opts.Secrets == nil {
		return
	}
	for _, o := range objs {
		if !flux.IsSecret(o.APIVersion, o.Kind) {
			continue
		}
		for _, field := range []string{"data", "stringData"} {
			m := o.Lookup(field)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for i := 1; i < len(m.Content); i += 2 {
				v := m.Content[i].Value
				if field == "data" {
					if b, err := base64.StdEncoding.DecodeString(v); err == nil {
						v = string(b)
					}
				}
				if strings.HasPrefix(v, "fluxlint-secret-") {
					continue
				}
				r.opts.Secrets.Add(v)
			}
		}
	}
}

// loadChartDir loads the chart at rel of an artifact from the files the
// artifact holds: symbolic links and ignored files are not part of it, and
// nothing outside the repository is read.
func loadChartDir(loader *helm.Loader, view *load.View, rel string) (*helm.Chart, error) {
	return loader.LoadFiles(fmt.Sprintf("%p\x00%s", view, rel), func() ([]helm.File, error) {
		var files []helm.File
		for _, f := range view.Included {
			if !isUnder(f.Path, rel) || !view.Contains(f.Path) {
				continue
			}
			b, err := f.Data()
			if err != nil {
				return nil, err
			}
			name := f.Path
			if rel != "." {
				name = strings.TrimPrefix(f.Path, rel+"/")
			}
			files = append(files, helm.File{Name: name, Data: b})
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s holds no file", rel)
		}
		return files, nil
	})
}

// crdAPIVersions are the API versions the CustomResourceDefinitions the
// Kustomizations apply serve, as a cluster's discovery lists them
// ("group/version" and "group/version/Kind"): a chart that checks
// .Capabilities.APIVersions for a CRD the repository installs sees it, as
// it would in the cluster.
func crdAPIVersions(res *Result) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, k := range res.Kustomizations() {
		for _, o := range k.Objects {
			if o.Kind != "CustomResourceDefinition" || flux.Group(o.APIVersion) != "apiextensions.k8s.io" {
				continue
			}
			group, kind := o.Scalar("spec", "group"), o.Scalar("spec", "names", "kind")
			versions := o.Lookup("spec", "versions")
			if group == "" || versions == nil {
				continue
			}
			for _, v := range versions.Content {
				name := load.Scalar(load.LookupNode(v, "name"))
				if name == "" || load.Scalar(load.LookupNode(v, "served")) == "false" {
					continue
				}
				add(group + "/" + name)
				if kind != "" {
					add(group + "/" + name + "/" + kind)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// chartCache is the chart cache the options name ("" when none, or when a
// configuration file names one outside the repository).
func (r *renderer) chartCache() helm.Cache {
	dir := r.opts.Charts.Cache
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(r.repo.Root, dir)
	}
	if dir != "" && r.opts.Charts.CacheConfined {
		if _, inside := r.repo.Rel(dir); !inside {
			dir = ""
		}
	}
	return helm.Cache{Dir: dir}
}

// vendorDependencies adds the dependencies an in-repo chart lists but does
// not vendor in charts/, as source-controller's dependency manager does
// before it packages the chart: a file:// dependency from the artifact, a
// chart repository's from the chart cache (charts pull fetches them).
func (r *renderer) vendorDependencies(k *Kustomization, o *Object, ch *helm.Chart, view *load.View, rel string, depth int) (*helm.Chart, bool) {
	missing := ch.MissingDependencies()
	if len(missing) == 0 {
		return ch, true
	}
	id := "HelmRelease " + o.Namespace + "/" + o.Name
	if depth > 10 {
		r.releaseFailed(k, o, fmt.Sprintf("%s: the chart %s has file:// dependencies more than 10 deep", id, ch.Name()))
		return nil, false
	}
	var subs []*helm.Chart
	for _, d := range missing {
		switch {
		case d.Repository == "":
			continue // helm fails on it, naming it
		case strings.HasPrefix(d.Repository, "file://"):
			p := cleanRel(path.Join(rel, strings.TrimPrefix(d.Repository, "file://")))
			if !view.IsDir(p) {
				r.releaseFailed(k, o, fmt.Sprintf("%s: the dependency %s of the chart %s is at %s, which does not exist", id, d.Name, ch.Name(), d.Repository))
				return nil, false
			}
			sub, err := loadChartDir(r.opts.Charts.Loader, view, p)
			if err != nil {
				r.releaseFailed(k, o, fmt.Sprintf("%s: the dependency %s of the chart %s does not load: %v", id, d.Name, ch.Name(), err))
				return nil, false
			}
			var ok bool
			if sub, ok = r.vendorDependencies(k, o, sub, view, p, depth+1); !ok {
				return nil, false
			}
			subs = append(subs, sub)
		case !strings.Contains(d.Repository, "://"):
			r.notAvailable(k, o, fmt.Sprintf("%s: the dependency %s of the chart %s comes from the Helm repository %q, which fluxlint cannot resolve offline: vendor it in charts/ or give its URL", id, d.Name, ch.Name(), d.Repository))
			return nil, false
		default:
			repoURL := strings.TrimSuffix(d.Repository, "/")
			r.chartUses = append(r.chartUses, ChartUse{Release: o, Request: helm.ChartRequest{Repository: repoURL, Chart: d.Name, Version: d.Version}})
			file, _, ok := r.chartCache().Find(repoURL, d.Name, d.Version, r.lock)
			if !ok {
				r.notAvailable(k, o, fmt.Sprintf("%s: the dependency %s %s of the chart %s, from %s, is not available offline: run fluxlint charts pull to fetch it into the chart cache", id, d.Name, d.Version, ch.Name(), repoURL))
				return nil, false
			}
			sub, err := r.opts.Charts.Loader.LoadArchive(file)
			if err != nil {
				r.releaseFailed(k, o, fmt.Sprintf("%s: the cached chart %s does not load: %v", id, file, err))
				return nil, false
			}
			subs = append(subs, sub)
		}
	}
	return ch.WithDependencies(subs...), true
}
