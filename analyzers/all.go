package analyzers

import "github.com/fluxlint/fluxlint/internal/analysis"

// All lists every rule, in the order "fluxlint rules" prints them. A new
// rule is added here; nothing registers itself.
var All = []*analysis.Analyzer{
	// Multi-tenancy.
	CrossNamespaceRef,
	ConfigNamespace,
	MissingServiceAccount,
	StorageNamespace,
	DefaultNamespace,
	AppliedTwice,
	// Common mistakes.
	Prune,
	HealthChecks,
	PlaintextSecret,
	SOPSWithoutDecryption,
	InsecureSource,
	SourceInterval,
	MutableTag,
	UnverifiedSource,
	HelmRepositoryOCI,
	SourceNotAllowed,
	RemovedAPI,
	NotInFluxVersion,
	DependencyNotFound,
	ReferenceNotFound,
	Schema,
	ReleaseName,
	// What kept the repository from rendering.
	YAMLSyntax,
	PathNotFound,
	BuildFailed,
	SourceNotMapped,
	RemoteResource,
	Substitution,
	SubstituteFromMissing,
	DependencyCycle,
	DuplicateKustomization,
	SymlinkIgnored,
	InvalidObject,
	AliasExpansion,
	LimitExceeded,
	Unreferenced,
	FluxConfiguration,
	ChartRenderFailed,
	ChartNotAvailable,
	// Findings about suppressions and baselines.
	Suppression,
	StaleBaseline,
}
