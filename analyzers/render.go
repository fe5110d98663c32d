package analyzers

import "github.com/fluxlint/fluxlint/internal/render"

// The rules in this file report what kept the repository from rendering as
// Flux would render it. They are one shape (a render problem code, its
// documentation and severity), so they share this file.

func renderRule(code render.Code, sev Severity, summary, doc string) *Analyzer {
	return &Analyzer{
		Name:     string(code),
		Summary:  summary,
		Doc:      doc,
		Severity: sev,
		Render:   true,
		Run: func(p *Pass) {
			for _, pr := range p.Result.Problems {
				if pr.Code != code {
					continue
				}
				p.Report(Diagnostic{Pos: pr.Pos, Message: pr.Message, Object: pr.Object, Kustomization: pr.Kustomization})
			}
		},
	}
}

// YAMLSyntax reports YAML files that a build needs and that do not parse.
var YAMLSyntax = renderRule(render.YAMLSyntax, Error,
	"a YAML file that a Flux Kustomization builds does not parse",
	`kustomize-controller fails the whole Kustomization when one of its files does not parse, and
nothing of it is applied until the file is fixed.

The finding points at the line the YAML parser stopped at. Files that no Kustomization builds
(a Taskfile, a Helm values file) are not checked.`)

// PathNotFound reports a Kustomization whose spec.path does not exist.
var PathNotFound = renderRule(render.PathNotFound, Error,
	"spec.path of a Flux Kustomization does not exist in its source",
	"kustomize-controller reports `kustomization path not found` and applies nothing.\n\n"+
		"```yaml\nspec:\n  path: ./apps/prodution   # typo\n```\n\n"+
		"Fix the path; it is relative to the root of the source, not to the file.")

// BuildFailed reports a Kustomization kustomize cannot build.
var BuildFailed = renderRule(render.BuildFailed, Error,
	"kustomize cannot build a Flux Kustomization",
	`fluxlint builds every Kustomization as kustomize-controller does (Flux's generator when the
path has no kustomization.yaml, no load restrictions, built-in plugins only, nothing outside the
source). When the build fails, Flux fails the Kustomization the same way.

The finding points at the kustomization.yaml entry the error names when there is one, else at
spec.path. Common causes: a file listed in resources that does not exist, two documents with the
same kind, namespace and name, and helmCharts (Flux builds without Helm support).`)

// SourceNotMapped reports a Kustomization whose source is not this
// repository.
var SourceNotMapped = renderRule(render.SourceNotMapped, Error,
	"a Flux Kustomization's source is not this repository and is not mapped to a directory",
	`The entry points' source is the repository being checked. A Kustomization that reads another
GitRepository, OCIRepository, Bucket or ExternalArtifact cannot be rendered offline unless that
source is mapped to a local directory:

    fluxlint check --source GitRepository/apps/dev-team=../dev-team .

or in .fluxlint.yaml:

    sources:
      GitRepository/apps/dev-team: ./tenants/dev-team-repo

The rest of the repository is rendered and checked regardless.`)

// RemoteResource reports remote bases and files, which are never fetched.
var RemoteResource = renderRule(render.RemoteResource, Error,
	"a kustomization refers to a remote base or file, which fluxlint does not fetch",
	"fluxlint never reaches the network, so it is safe on untrusted pull requests. A remote entry\n"+
		"is left out of the build and reported; what it holds is neither rendered nor checked.\n\n"+
		"```yaml\nresources:\n  - https://github.com/org/repo//deploy?ref=v1.2.0\n```\n\n"+
		"Vendor the manifests into the repository, or serve them from a Flux source (GitRepository or\n"+
		"OCIRepository) with a Kustomization of their own, which is also what kustomize-controller's\n"+
		"`--no-remote-bases` asks for.")

// Substitution reports postBuild substitution failures.
var Substitution = renderRule(render.Substitution, Error,
	"postBuild substitution fails, or a variable has no value in strict mode",
	"Since Flux 2.9 kustomize-controller substitutes strictly: a `${VAR}` without a default that\n"+
		"no substitute or substituteFrom defines fails the whole Kustomization. Text like `${a-b}` or\n"+
		"`${x.y}` does not parse at all.\n\n"+
		"```yaml\ndata:\n  url: https://${APP_HOST}   # APP_HOST is defined nowhere\n```\n\n"+
		"Define the variable, give it a default (`${APP_HOST:=app.example.com}`), escape it (`$${APP_HOST}`),\n"+
		"or mark the object `kustomize.toolkit.fluxcd.io/substitute: disabled`.")

// SubstituteFromMissing reports substituteFrom objects that are not in Git.
var SubstituteFromMissing = renderRule(render.SubstituteFromMissing, Warning,
	"a ConfigMap or Secret that postBuild.substituteFrom reads is not in the repository",
	`Flux fails the Kustomization until the object exists in the cluster. That may be on purpose
(a Secret created by hand or by another tool); fluxlint cannot know. Its variables are rendered
as placeholders (__SECRET_NAME__) so that the rest can be checked. Mark the reference
optional: true if the Kustomization should work without it.`)

// DependencyCycle reports dependsOn cycles and self-producing trees.
var DependencyCycle = renderRule(render.DependencyCycle, Error,
	"Flux Kustomizations depend on each other in a cycle, or one produces its own ancestor",
	"A Kustomization waits until everything it dependsOn is ready. In a cycle, none ever is.\n\n"+
		"```yaml\n# a dependsOn b, b dependsOn a\n```\n\n"+
		"Break the cycle: usually one of the dependencies is not needed.")

// DuplicateKustomization reports a Kustomization produced twice.
var DuplicateKustomization = renderRule(render.DuplicateKustomization, Error,
	"two documents produce the same Flux Kustomization",
	`Two Kustomizations that apply an object with the same kind, namespace and name fight over it:
each apply undoes the other's. Only the first is rendered.`)

// SymlinkIgnored reports symbolic links in rendered directories.
var SymlinkIgnored = renderRule(render.SymlinkIgnored, Warning,
	"a symbolic link in a rendered directory is left out, as Flux's artifacts leave it out",
	`source-controller drops symbolic links when it packs a repository into an artifact, so whatever
a link points to never reaches kustomize-controller. fluxlint does the same, and never follows a
link, so a link cannot make it read outside the repository. Replace the link with the file.`)

// InvalidObject reports objects Flux would refuse to apply.
var InvalidObject = renderRule(render.InvalidObject, Error,
	"a rendered object that Flux cannot apply",
	`For example a Flux Kustomization whose spec does not match the API, or that has no namespace
(server-side apply refuses namespaced objects without one).`)
