package analyzers

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// SourceNotAllowed reports sources whose URL the configuration's
// allowedSources does not allow.
var SourceNotAllowed = &analysis.Analyzer{
	Name:     "source-not-allowed",
	Doc:      doc("source-not-allowed"),
	Severity: analysis.Error,
	Run:      runSourceNotAllowed,
}

func runSourceNotAllowed(p *analysis.Pass) {
	allowed := p.Settings().AllowedSources
	if len(allowed) == 0 {
		return // off until configured
	}
	for _, o := range p.Objects() {
		url, path := sourceURL(o)
		if url == "" || render.HasPlaceholder(url) || urlAllowed(url, allowed) {
			continue
		}
		p.ReportValue(o, path, "%s fetches from %s, which allowedSources does not allow (%s)", o.ID(), url, strings.Join(allowed, ", "))
	}
}

// sourceURL is where a source fetches from, and the path of the field
// that says so: spec.url, or for a Bucket "<endpoint>/<bucketName>".
func sourceURL(o *render.Object) (string, []string) {
	if o.Group() != flux.SourceGroup {
		return "", nil
	}
	switch o.Kind {
	case flux.KindGitRepository, flux.KindOCIRepository, flux.KindHelmRepository:
		return o.Scalar("spec", "url"), []string{"spec", "url"}
	case flux.KindBucket:
		if e := o.Scalar("spec", "endpoint"); e != "" {
			return strings.TrimSuffix(e, "/") + "/" + o.Scalar("spec", "bucketName"), []string{"spec", "endpoint"}
		}
	}
	return "", nil
}

// urlAllowed matches a URL against globs in which "*" stands for any text
// without a slash and "**" for any text; a trailing ".git" and "/" are
// ignored on both sides.
func urlAllowed(url string, globs []string) bool {
	norm := func(s string) string { return strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git") }
	url = norm(url)
	for _, g := range globs {
		if ok, _ := doublestar.Match(norm(g), url); ok {
			return true
		}
	}
	return false
}
