package load

// Limits bound the work a repository can make fluxlint do, so that a
// hostile pull request cannot exhaust time or memory. Each is far above
// what real repositories need (ten times the largest figure measured on
// the corpus of public repositories in ../shared/corpus), can be raised in
// .fluxlint.yaml (limits:), and is reported as a finding at the file and
// line that crossed it. Defaults are in DefaultLimits, the one place they
// are written.
type Limits struct {
	// AliasNodes is the most YAML nodes one document may expand to once
	// its aliases are resolved. Tools downstream (kustomize, kyaml) copy
	// every alias, so a few hundred bytes of nested anchors can expand to
	// billions of nodes.
	AliasNodes int `json:"aliasNodes"`
	// EagerParseBytes is the size above which a file is parsed only when a
	// build reads it, not when the repository is scanned.
	EagerParseBytes int64 `json:"eagerParseBytes"`
	// ObjectsPerBuild is the most objects one Flux Kustomization's build may
	// produce, counted from the files it includes before kustomize runs
	// (kustomize's resource map is quadratic in it).
	ObjectsPerBuild int `json:"objectsPerBuild"`
	// KustomizationsPerBuild is the most kustomizations one build may visit,
	// counting a kustomization included twice twice (a "diamond" doubles at
	// every level).
	KustomizationsPerBuild int `json:"kustomizationsPerBuild"`
	// SubstitutionBytes is the most bytes postBuild substitution may
	// produce for one Flux Kustomization's build.
	SubstitutionBytes int `json:"substitutionBytes"`
	// ObjectsTotal is the most objects a whole render may produce, across
	// every Kustomization.
	ObjectsTotal int `json:"objectsTotal"`
	// ChartRenderSeconds is the longest one chart's templates may run:
	// they are code from the repository, and a loop in one would hold the
	// run forever.
	ChartRenderSeconds int `json:"chartRenderSeconds"`
}

// DefaultLimits are the limits fluxlint runs with unless the configuration
// sets others. The largest figures of the corpus (seven public
// repositories, ../shared/corpus) they rest on: the largest YAML file is
// 91 KB; aliases add at most 24 nodes to a document; the largest build
// produces 151 objects from 84 kustomizations; substitution produces at
// most 130 KB for one build; a whole repository renders at most about
// 1,300 objects.
func DefaultLimits() Limits {
	return Limits{
		AliasNodes:             100_000,
		EagerParseBytes:        4 << 20,
		ObjectsPerBuild:        2_000,
		KustomizationsPerBuild: 1_000,
		SubstitutionBytes:      4 << 20,
		ObjectsTotal:           200_000,
		ChartRenderSeconds:     10,
	}
}

// OrDefault fills the limits left at zero with their defaults.
func (l Limits) OrDefault() Limits {
	d := DefaultLimits()
	if l.AliasNodes <= 0 {
		l.AliasNodes = d.AliasNodes
	}
	if l.EagerParseBytes <= 0 {
		l.EagerParseBytes = d.EagerParseBytes
	}
	if l.ObjectsPerBuild <= 0 {
		l.ObjectsPerBuild = d.ObjectsPerBuild
	}
	if l.KustomizationsPerBuild <= 0 {
		l.KustomizationsPerBuild = d.KustomizationsPerBuild
	}
	if l.SubstitutionBytes <= 0 {
		l.SubstitutionBytes = d.SubstitutionBytes
	}
	if l.ObjectsTotal <= 0 {
		l.ObjectsTotal = d.ObjectsTotal
	}
	if l.ChartRenderSeconds <= 0 {
		l.ChartRenderSeconds = d.ChartRenderSeconds
	}
	return l
}
