package analyzers

import (
	"fmt"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// ReferenceNotFound reports references to sources, values, image
// repositories and providers that nothing in the repository produces.
var ReferenceNotFound = &analysis.Analyzer{
	Name:     "reference-not-found",
	Doc:      doc("reference-not-found"),
	Severity: analysis.Warning,
	Run:      runReferenceNotFound,
}

// checkedRoles are the references the rule follows: what an object gets
// its artifact, chart, values or provider from. Credentials and service
// accounts are left out: they are created in the cluster as a rule (a
// deploy key, the SOPS key), and dependencies have dependency-not-found.
var checkedRoles = map[flux.RefRole]bool{flux.RoleSource: true, flux.RoleInput: true, flux.RoleProvider: true}

func runReferenceNotFound(p *analysis.Pass) {
	objs := p.Objects()
	if p.Result.Guessed {
		// Nothing shows the real entry points: what is applied by hand
		// beside the Kustomizations taken as roots (an ArtifactGenerator
		// next to a bootstrap placeholder) is unknown, so every object the
		// repository writes counts.
		objs = append(append([]*render.Object(nil), objs...), documentObjects(p.Result.Repo)...)
	}
	produced := producedObjects(objs)
	// The sources of the entry points exist: Flux was bootstrapped from
	// them (a placeholder gotk-sync.yaml, a FluxInstance, AKS).
	for _, root := range p.Result.Roots {
		if root.Source.Name != "" && produced[root.Source.String()] == nil {
			produced[root.Source.String()] = root.Object
		}
	}
	for _, o := range p.Objects() {
		if !flux.IsFlux(o.APIVersion) || o.Synthetic {
			continue
		}
		for _, r := range flux.References(o.Node.YNode()) {
			if !checkedRoles[r.Field.Role] || r.Field.RenderChecked || r.Optional || r.Name == "*" || r.Kind == "" {
				continue
			}
			if produced[r.Key()] != nil || render.HasPlaceholder(r.Name) || render.HasPlaceholder(r.Namespace) {
				continue
			}
			msg := fmt.Sprintf("%s refers to %s %s/%s, which the repository does not produce: Flux fails it until the object exists; it might exist only in the cluster",
				o.ID(), r.Kind, r.Namespace, r.Name)
			if r.Field.Optional {
				msg += " (mark the reference optional: true if it may be absent)"
			}
			p.Report(analysis.Diagnostic{Pos: o.ValuePos(r.NamePath()...), Object: o, Message: msg})
		}
	}
}

// producedObjects indexes what the repository makes exist, by
// "Kind/namespace/name": every rendered object, and what some of them
// create in turn (the Secret of an ExternalSecret or SealedSecret, the
// ExternalArtifacts of an ArtifactGenerator, the HelmChart of a
// HelmRelease).
func producedObjects(objs []*render.Object) map[string]*render.Object {
	out := map[string]*render.Object{}
	add := func(kind, ns, name string, o *render.Object) {
		if name == "" {
			return
		}
		if key := kind + "/" + ns + "/" + name; out[key] == nil {
			out[key] = o
		}
	}
	for _, o := range objs {
		add(o.Kind, o.Namespace, o.Name, o)
		switch {
		case o.Group() == "external-secrets.io" && o.Kind == "ExternalSecret":
			name := o.Scalar("spec", "target", "name")
			if name == "" {
				name = o.Name
			}
			add("Secret", o.Namespace, name, o)
		case o.Group() == "bitnami.com" && o.Kind == "SealedSecret":
			name := o.Scalar("spec", "template", "metadata", "name")
			if name == "" {
				name = o.Name
			}
			add("Secret", o.Namespace, name, o)
		case o.Group() == flux.SourceExtGroup && o.Kind == flux.KindArtifactGenerator:
			if list := o.Lookup("spec", "artifacts"); list != nil {
				for _, item := range list.Content {
					add(flux.KindExternalArtifact, o.Namespace, load.Scalar(load.LookupNode(item, "name")), o)
				}
			}
		case flux.IsHelmRelease(o.APIVersion, o.Kind) && o.Has("spec", "chart"):
			ns := o.Scalar("spec", "chart", "spec", "sourceRef", "namespace")
			if ns == "" {
				ns = o.Namespace
			}
			add(flux.KindHelmChart, ns, o.Namespace+"-"+o.Name, o)
		}
	}
	return out
}

// documentObjects are the objects the repository's documents write, as
// written, rendered or not.
func documentObjects(repo *load.Repo) []*render.Object {
	var out []*render.Object
	for _, f := range repo.ScanFiles() {
		for _, d := range f.Docs() {
			if d.IsObject() && d.Name != "" {
				out = append(out, &render.Object{Node: d.Node, APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name, Doc: d})
			}
		}
	}
	return out
}
