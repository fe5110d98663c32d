package render

import (
	"fmt"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Code names a kind of render problem. Each code is a rule of its own in
// "fluxlint check" so that CI shows it; the rule's id is the code.
type Code string

// The render problems.
const (
	// YAMLSyntax: a YAML file a build needs does not parse.
	YAMLSyntax Code = "yaml-syntax"
	// PathNotFound: spec.path of a Kustomization does not exist in its source.
	PathNotFound Code = "path-not-found"
	// BuildFailed: kustomize (or Flux's generator) failed on a Kustomization.
	BuildFailed Code = "build-failed"
	// SourceNotMapped: the source of a Kustomization is not this repository
	// and no --source maps it to a directory.
	SourceNotMapped Code = "source-not-mapped"
	// RemoteResource: a kustomization refers to a remote base or file,
	// which fluxlint never fetches.
	RemoteResource Code = "remote-resource"
	// Substitution: postBuild substitution failed or left a variable unset.
	Substitution Code = "substitution"
	// SubstituteFromMissing: a ConfigMap or Secret that substituteFrom
	// needs is not in the repository (it may be created in the cluster).
	// Its variables are rendered as placeholders.
	SubstituteFromMissing Code = "substitute-from-missing"
	// DependencyCycle: Kustomizations depend on each other in a cycle, or a
	// Kustomization (indirectly) produces itself.
	DependencyCycle Code = "dependency-cycle"
	// DuplicateKustomization: two documents produce the same Kustomization.
	DuplicateKustomization Code = "duplicate-kustomization"
	// SymlinkIgnored: a symbolic link in a rendered directory. Flux's
	// artifacts leave links out, and so does fluxlint.
	SymlinkIgnored Code = "symlink-ignored"
	// InvalidObject: an object Flux would refuse to apply as rendered.
	InvalidObject Code = "invalid-object"
	// AliasExpansion: a YAML document whose aliases expand too far, which
	// fluxlint refuses to read (load.AliasError).
	AliasExpansion Code = "alias-expansion"
	// LimitExceeded: a build that would cost more than a limit allows.
	LimitExceeded Code = "limit-exceeded"
	// FluxConfiguration: an AKS fluxConfiguration written as code
	// (Terraform, ARM) that fluxlint cannot read as written.
	FluxConfiguration Code = "flux-configuration"
	// Unreferenced: a Flux Kustomization that no entry point applies, in a
	// repository that has real entry points; it is not rendered.
	Unreferenced Code = "unreferenced"
	// ChartRenderFailed: the chart of a HelmRelease does not render: a
	// template fails, a required value is missing, its values or
	// post-renderers do not apply.
	ChartRenderFailed Code = "chart-render-failed"
	// ChartNotAvailable: the chart of a HelmRelease is not available
	// offline (fluxlint charts pull fetches it); it is not rendered.
	ChartNotAvailable Code = "chart-not-available"
)

// nonBlocking lists the codes of problems that keep nothing from
// rendering; the rules that report them are warnings, the others errors.
var nonBlocking = map[Code]bool{
	// A refused file keeps nothing from rendering by itself: a build that
	// needs it reports that it failed.
	AliasExpansion:        true,
	SubstituteFromMissing: true,
	SymlinkIgnored:        true,
	Unreferenced:          true,
	ChartNotAvailable:     true,
}

// informational lists the non-blocking codes that are only information;
// their rules are at info severity.
var informational = map[Code]bool{
	Unreferenced:      true,
	ChartNotAvailable: true,
}

// Informational reports whether a problem of this code is only
// information.
func (c Code) Informational() bool { return informational[c] }

// Blocking reports whether a problem of this code keeps part of the
// repository from rendering as Flux would render it.
func (c Code) Blocking() bool { return !nonBlocking[c] }

// Problem is something that kept part of the repository from rendering as
// Flux would render it.
type Problem struct {
	Code    Code
	Pos     load.Pos
	Message string
	// Kustomization is the Kustomization that hit the problem, if any.
	Kustomization *Kustomization
	// Object is the rendered object concerned, if any.
	Object *Object
	// StrictOnly is set for a problem that holds only under strict postBuild
	// substitution (a variable without a value); whether Flux substitutes
	// strictly depends on its version and feature gates (see profile).
	StrictOnly bool
}

// Blocking reports whether the problem kept part of the repository from
// rendering (see Code.Blocking).
func (p Problem) Blocking() bool { return p.Code.Blocking() }

func (p Problem) String() string {
	level := "error"
	switch {
	case p.Code.Informational():
		level = "info"
	case !p.Blocking():
		level = "warning"
	}
	s := fmt.Sprintf("%s: %s: %s [%s]", p.Pos, level, p.Message, p.Code)
	if p.Kustomization != nil {
		s += " (Kustomization " + p.Kustomization.LineageString() + ")"
	}
	return s
}
