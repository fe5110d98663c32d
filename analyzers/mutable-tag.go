package analyzers

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// MutableTag reports OCIRepositories that follow a mutable tag.
var MutableTag = &analysis.Analyzer{
	Name:     "mutable-tag",
	Doc:      doc("mutable-tag"),
	Severity: analysis.Warning,
	Run:      runMutableTag,
}

func runMutableTag(p *analysis.Pass) {
	// The source of an entry point is this repository, published as an
	// artifact by its CI (a FluxInstance syncing oci://...:latest): its
	// tag moves with the repository's own commits, as a branch does.
	self := map[string]bool{}
	for _, root := range p.Result.Roots {
		self[root.Source.String()] = true
	}
	for _, o := range p.Objects() {
		if o.Group() != flux.SourceGroup || o.Kind != flux.KindOCIRepository || self[o.Kind+"/"+o.Namespace+"/"+o.Name] {
			continue
		}
		if o.Scalar("spec", "ref", "digest") != "" || o.Scalar("spec", "ref", "semver") != "" {
			continue
		}
		tag, mutable := mutableOCITag(o)
		if !mutable {
			continue
		}
		if o.Has("spec", "ref", "tag") {
			p.ReportValue(o, []string{"spec", "ref", "tag"},
				"%s follows the mutable tag %s: what Flux applies changes without a commit, and Git does not say which version runs; pin a version tag, a digest or a semver range", o.ID(), tag)
			continue
		}
		p.ReportField(o, []string{"spec", "ref"},
			"%s names no tag, digest or semver: Flux follows latest, which changes without a commit, and Git does not say which version runs; pin a version tag, a digest or a semver range", o.ID())
	}
}

// mutableOCITag is the tag an OCIRepository follows, and whether it is
// mutable: latest, written or implied by a ref without tag, digest or
// semver (source-controller's default).
func mutableOCITag(o *render.Object) (string, bool) {
	tag := o.Scalar("spec", "ref", "tag")
	if o.Scalar("spec", "ref", "digest") != "" || o.Scalar("spec", "ref", "semver") != "" {
		return tag, false
	}
	if tag == "" || tag == "latest" {
		return "latest", true
	}
	return tag, false
}
