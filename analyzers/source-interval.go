package analyzers

import (
	"time"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// SourceInterval reports sources that follow a moving revision and poll
// it too seldom.
var SourceInterval = &analysis.Analyzer{
	Name:     "source-interval",
	Doc:      doc("source-interval"),
	Severity: analysis.Warning,
	Run:      runSourceInterval,
}

func runSourceInterval(p *analysis.Pass) {
	max := p.Settings().MaxSourceInterval
	if max <= 0 {
		return
	}
	watched := webhookWatched(p.Objects())
	manifests := manifestSources(p)
	for _, o := range p.Objects() {
		moving, what := followsMovingRevision(o)
		if !moving || !manifests[o.Kind+"/"+o.Namespace+"/"+o.Name] {
			continue
		}
		text := o.Scalar("spec", "interval")
		d, err := time.ParseDuration(text)
		if err != nil || d <= max {
			continue
		}
		if watched(o) {
			continue // a Receiver triggers it on every push
		}
		p.ReportValue(o, []string{"spec", "interval"},
			"%s polls %s every %s, more than %s: a change reaches the cluster up to %s late; poll more often or trigger it with a Receiver",
			o.ID(), what, text, max, text)
	}
}

// followsMovingRevision reports whether a source's content changes without
// a change to the source object in Git, and what it follows: a
// GitRepository on a branch or a semver range, an OCIRepository on a
// mutable tag or a range, a Bucket. A pinned tag, commit or digest changes
// only with a commit that edits the source, which Flux reconciles at once.
func followsMovingRevision(o *render.Object) (bool, string) {
	if o.Group() != flux.SourceGroup {
		return false, ""
	}
	switch o.Kind {
	case flux.KindGitRepository:
		switch {
		case o.Scalar("spec", "ref", "commit") != "":
			return false, ""
		case o.Scalar("spec", "ref", "name") != "":
			name := o.Scalar("spec", "ref", "name")
			if len(name) > len("refs/tags/") && name[:len("refs/tags/")] == "refs/tags/" {
				return false, ""
			}
			return true, name
		case o.Scalar("spec", "ref", "semver") != "":
			return true, "the range " + o.Scalar("spec", "ref", "semver")
		case o.Scalar("spec", "ref", "tag") != "":
			return false, ""
		case o.Scalar("spec", "ref", "branch") != "":
			return true, "branch " + o.Scalar("spec", "ref", "branch")
		}
		return true, "the branch it follows without a spec.ref"
	case flux.KindOCIRepository:
		switch {
		case o.Scalar("spec", "ref", "digest") != "":
			return false, ""
		case o.Scalar("spec", "ref", "semver") != "":
			return true, "the range " + o.Scalar("spec", "ref", "semver")
		}
		if tag, mutable := mutableOCITag(o); mutable {
			return true, "tag " + tag
		}
	case flux.KindBucket:
		return true, "its bucket"
	}
	return false, ""
}

// webhookWatched tells whether a Receiver of the repository lists an
// object among its resources (by name, or "*" with no label selector).
func webhookWatched(objs []*render.Object) func(*render.Object) bool {
	watched := map[string]bool{}
	for _, o := range objs {
		if o.Group() != flux.NotificationGroup || o.Kind != flux.KindReceiver {
			continue
		}
		for _, r := range flux.References(o.Node.YNode()) {
			if r.Field.Role == flux.RoleWatch {
				watched[r.Key()] = true
			}
		}
	}
	return func(o *render.Object) bool {
		return watched[o.Kind+"/"+o.Namespace+"/"+o.Name] || watched[o.Kind+"/"+o.Namespace+"/*"]
	}
}

// manifestSources are the sources whose content Flux applies as
// manifests, by "Kind/namespace/name": those of the entry points, of
// Kustomizations, of ArtifactGenerators and of GitRepository includes. A
// chart source (a HelmRelease's chartRef, a HelmChart's sourceRef) is not
// among them: it upgrades a chart within a range at the pace its author
// chose, and no push of the repository waits on it.
func manifestSources(p *analysis.Pass) map[string]bool {
	out := map[string]bool{}
	for _, root := range p.Result.Roots {
		out[root.Source.String()] = true
	}
	for _, o := range p.Objects() {
		consumer := flux.IsKustomization(o.APIVersion, o.Kind) ||
			(o.Group() == flux.SourceExtGroup && o.Kind == flux.KindArtifactGenerator) ||
			(o.Group() == flux.SourceGroup && o.Kind == flux.KindGitRepository)
		if !consumer {
			continue
		}
		for _, r := range flux.ReferencesOf(flux.References(o.Node.YNode()), flux.RoleSource) {
			out[r.Key()] = true
		}
	}
	return out
}
