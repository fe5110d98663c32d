package flux

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Version is a Flux release line: major and minor ("2.9").
type Version struct{ Major, Minor int }

// Latest is the newest Flux release line fluxlint knows; it is what a
// repository that says nothing of its Flux is judged by.
var Latest = Version{2, 9}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Less orders versions.
func (v Version) Less(w Version) bool {
	return v.Major < w.Major || (v.Major == w.Major && v.Minor < w.Minor)
}

// IsZero reports an unknown version.
func (v Version) IsZero() bool { return v == Version{} }

var versionRe = regexp.MustCompile(`^v?(\d+)\.(\d+|x|\*)`)

// ParseVersion reads "2.7", "v2.7.5", "2.8.x" or "2.x" (a wildcard minor is
// the newest line fluxlint knows of that major).
func ParseVersion(s string) (Version, bool) {
	m := versionRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Version{}, false
	}
	major, _ := strconv.Atoi(m[1])
	if m[2] == "x" || m[2] == "*" {
		if major == Latest.Major {
			return Latest, true
		}
		return Version{}, false
	}
	minor, _ := strconv.Atoi(m[2])
	return Version{major, minor}, true
}

// ParseConstraint reads a FluxInstance spec.distribution.version: an exact
// version, "2.8.x", "2.x", or a range (">=2.7.0", "~2.8"); a range is
// judged by the newest line it allows that fluxlint knows.
func ParseConstraint(s string) (Version, bool) {
	t := strings.TrimSpace(strings.Trim(s, `"'`))
	if v, ok := ParseVersion(t); ok {
		return v, true
	}
	t = strings.TrimLeft(t, "~^= ")
	if strings.HasPrefix(t, ">") {
		return Latest, true
	}
	return ParseVersion(t)
}

// controllerLines maps the minor version of each controller to the Flux
// release line that ships it (flux2 manifests/bases at each tag;
// flux-semantics §6 and §11). A gotk-components.yaml's image tags give the
// Flux version this way.
var controllerLines = map[string]map[string]Version{
	"source-controller":           {"1.0": {2, 0}, "1.1": {2, 1}, "1.2": {2, 2}, "1.3": {2, 3}, "1.4": {2, 4}, "1.5": {2, 5}, "1.6": {2, 6}, "1.7": {2, 7}, "1.8": {2, 8}, "1.9": {2, 9}},
	"kustomize-controller":        {"1.0": {2, 0}, "1.1": {2, 1}, "1.2": {2, 2}, "1.3": {2, 3}, "1.4": {2, 4}, "1.5": {2, 5}, "1.6": {2, 6}, "1.7": {2, 7}, "1.8": {2, 8}, "1.9": {2, 9}},
	"helm-controller":             {"0.35": {2, 0}, "0.36": {2, 1}, "0.37": {2, 2}, "1.0": {2, 3}, "1.1": {2, 4}, "1.2": {2, 5}, "1.3": {2, 6}, "1.4": {2, 7}, "1.5": {2, 8}, "1.6": {2, 9}},
	"notification-controller":     {"1.0": {2, 0}, "1.1": {2, 1}, "1.2": {2, 2}, "1.3": {2, 3}, "1.4": {2, 4}, "1.5": {2, 5}, "1.6": {2, 6}, "1.7": {2, 7}, "1.8": {2, 8}, "1.9": {2, 9}},
	"image-reflector-controller":  {"0.29": {2, 0}, "0.30": {2, 1}, "0.31": {2, 2}, "0.32": {2, 3}, "0.33": {2, 4}, "0.34": {2, 5}, "0.35": {2, 6}, "1.0": {2, 7}, "1.1": {2, 8}, "1.2": {2, 9}},
	"image-automation-controller": {"0.35": {2, 0}, "0.36": {2, 1}, "0.37": {2, 2}, "0.38": {2, 3}, "0.39": {2, 4}, "0.40": {2, 5}, "0.41": {2, 6}, "1.0": {2, 7}, "1.1": {2, 8}, "1.2": {2, 9}},
	"source-watcher":              {"2.0": {2, 7}, "2.1": {2, 8}, "2.2": {2, 9}},
}

// ControllerVersion reads the Flux release line from a controller image
// ("ghcr.io/fluxcd/kustomize-controller:v1.9.4"); ok is false for any
// other image.
func ControllerVersion(image string) (Version, bool) {
	repo, tag, ok := strings.Cut(image, ":")
	if !ok {
		return Version{}, false
	}
	name := repo[strings.LastIndexByte(repo, '/')+1:]
	lines, ok := controllerLines[name]
	if !ok {
		return Version{}, false
	}
	m := regexp.MustCompile(`^v?(\d+\.\d+)`).FindStringSubmatch(tag)
	if m == nil {
		return Version{}, false
	}
	v, ok := lines[m[1]]
	return v, ok
}

// AKSExtension is a row of the microsoft.flux extension's releases: the
// extension versions from First on ship Flux Version.
type AKSExtension struct {
	First   string
	Version Version
}

// AKSExtensions maps extension releases to the Flux they ship (Azure's
// GitOps release notes; flux-semantics §11). A version picks the last row
// whose First is not above it.
var AKSExtensions = []AKSExtension{
	{"1.7.5", Version{2, 0}},
	{"1.8.0", Version{2, 1}},
	{"1.11.1", Version{2, 3}},
	{"1.13.0", Version{2, 4}},
	{"1.16.1", Version{2, 5}},
	{"1.17.2", Version{2, 6}},
	{"1.23.0", Version{2, 7}},
}

// LatestAKSExtension is the newest extension release fluxlint knows.
const LatestAKSExtension = "1.24.1"

// AKSFluxVersion is the Flux an extension release ships.
func AKSFluxVersion(ext string) (Version, bool) {
	e, ok := parseTriple(ext)
	if !ok {
		return Version{}, false
	}
	var found Version
	for _, row := range AKSExtensions {
		if f, _ := parseTriple(row.First); !lessTriple(e, f) {
			found = row.Version
		}
	}
	return found, !found.IsZero()
}

func parseTriple(s string) ([3]int, bool) {
	var out [3]int
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".", 3)
	if len(parts) < 2 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.SplitN(p, "-", 2)[0])
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func lessTriple(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// APIStatus is what a Flux release line does with an apiVersion of a kind.
type APIStatus int

// The statuses.
const (
	Unknown APIStatus = iota // the release does not serve it yet, or fluxlint does not know the group
	Served
	Deprecated // served, with a removal announced
	Removed
)

// apiLife is when a group version of some kinds was served: from Since,
// deprecated from Deprecated (zero if never), removed in Removed (zero if
// still served in Latest).
type apiLife struct {
	kinds                      []string // empty: every kind of the group
	since, deprecated, removed Version
}

// apiLives is flux-semantics §6 (CRDs at the component versions of each
// Flux release) as data.
var apiLives = map[string][]apiLife{
	"source.toolkit.fluxcd.io/v1beta1": {{nil, Version{2, 0}, Version{2, 0}, Version{2, 7}}},
	"source.toolkit.fluxcd.io/v1beta2": {
		{[]string{KindGitRepository}, Version{2, 0}, Version{2, 0}, Version{2, 8}},
		{[]string{KindHelmRepository, KindHelmChart}, Version{2, 0}, Version{2, 3}, Version{2, 8}},
		{[]string{KindBucket}, Version{2, 0}, Version{2, 4}, Version{2, 8}},
		{[]string{KindOCIRepository}, Version{2, 0}, Version{2, 6}, Version{2, 8}},
	},
	"source.toolkit.fluxcd.io/v1": {
		{[]string{KindGitRepository}, Version{2, 0}, Version{}, Version{}},
		{[]string{KindHelmRepository, KindHelmChart}, Version{2, 3}, Version{}, Version{}},
		{[]string{KindBucket}, Version{2, 4}, Version{}, Version{}},
		{[]string{KindOCIRepository}, Version{2, 6}, Version{}, Version{}},
		{[]string{KindExternalArtifact}, Version{2, 7}, Version{}, Version{}},
	},
	"kustomize.toolkit.fluxcd.io/v1beta1":    {{nil, Version{2, 0}, Version{2, 0}, Version{2, 7}}},
	"kustomize.toolkit.fluxcd.io/v1beta2":    {{nil, Version{2, 0}, Version{2, 0}, Version{2, 8}}},
	"kustomize.toolkit.fluxcd.io/v1":         {{nil, Version{2, 0}, Version{}, Version{}}},
	"helm.toolkit.fluxcd.io/v2beta1":         {{nil, Version{2, 0}, Version{2, 0}, Version{2, 7}}},
	"helm.toolkit.fluxcd.io/v2beta2":         {{nil, Version{2, 2}, Version{2, 3}, Version{2, 8}}},
	"helm.toolkit.fluxcd.io/v2":              {{nil, Version{2, 3}, Version{}, Version{}}},
	"image.toolkit.fluxcd.io/v1beta1":        {{nil, Version{2, 0}, Version{2, 0}, Version{2, 7}}},
	"image.toolkit.fluxcd.io/v1beta2":        {{nil, Version{2, 0}, Version{2, 7}, Version{2, 9}}},
	"image.toolkit.fluxcd.io/v1":             {{nil, Version{2, 7}, Version{}, Version{}}},
	"notification.toolkit.fluxcd.io/v1beta1": {{nil, Version{2, 0}, Version{2, 0}, Version{2, 7}}},
	"notification.toolkit.fluxcd.io/v1beta2": {{nil, Version{2, 0}, Version{2, 0}, Version{2, 9}}},
	"notification.toolkit.fluxcd.io/v1beta3": {{[]string{KindAlert, KindProvider}, Version{2, 2}, Version{}, Version{}}},
	"notification.toolkit.fluxcd.io/v1":      {{[]string{KindReceiver}, Version{2, 1}, Version{}, Version{}}},
	"source.extensions.fluxcd.io/v1beta1":    {{[]string{KindArtifactGenerator}, Version{2, 7}, Version{}, Version{}}},
}

// APIIn says what Flux release line v does with apiVersion for kind, and
// the release that removes (or removed) it. Groups fluxlint does not know
// are Unknown.
func APIIn(apiVersion, kind string, v Version) (status APIStatus, removedIn Version) {
	lives, ok := apiLives[apiVersion]
	if !ok {
		return Unknown, Version{}
	}
	for _, l := range lives {
		if len(l.kinds) > 0 && !contains(l.kinds, kind) {
			continue
		}
		switch {
		case !l.removed.IsZero() && !v.Less(l.removed):
			return Removed, l.removed
		case v.Less(l.since):
			return Unknown, l.removed
		case !l.deprecated.IsZero() && !v.Less(l.deprecated) && !l.removed.IsZero():
			return Deprecated, l.removed
		}
		return Served, l.removed
	}
	return Unknown, Version{}
}

// PreferredAPI is the apiVersion Latest stores a kind in.
func PreferredAPI(group, kind string) string {
	switch {
	case group == NotificationGroup && kind != KindReceiver:
		return NotificationGroup + "/v1beta3"
	case group == HelmGroup:
		return HelmGroup + "/v2"
	case group == SourceExtGroup:
		return SourceExtGroup + "/v1beta1"
	}
	return group + "/v1"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FieldSince is a field of a Flux kind, or one value of it, and the Flux
// release line that introduced it (controller changelogs and CRDs at each
// Flux tag; flux-semantics §11).
type FieldSince struct {
	Group, Kind string
	// Path is the field; "[]" stands for every item of a list.
	Path []string
	// Value, when set, is the value that came later than the field.
	Value string
	Since Version
}

// FieldsSince lists the fields and values younger than Flux 2.0.
var FieldsSince = []FieldSince{
	{KustomizeGroup, KindKustomization, p("spec", "namePrefix"), "", Version{2, 3}},
	{KustomizeGroup, KindKustomization, p("spec", "nameSuffix"), "", Version{2, 3}},
	{KustomizeGroup, KindKustomization, p("spec", "deletionPolicy"), "", Version{2, 5}},
	{KustomizeGroup, KindKustomization, p("spec", "deletionPolicy"), "WaitForTermination", Version{2, 6}},
	{KustomizeGroup, KindKustomization, p("spec", "healthCheckExprs"), "", Version{2, 5}},
	{KustomizeGroup, KindKustomization, p("spec", "ignoreMissingComponents"), "", Version{2, 7}},
	{KustomizeGroup, KindKustomization, p("spec", "buildMetadata"), "", Version{2, 9}},
	{KustomizeGroup, KindKustomization, p("spec", "postBuild", "substituteStrategy"), "", Version{2, 9}},
	{HelmGroup, KindHelmRelease, p("spec", "driftDetection"), "", Version{2, 2}},
	{HelmGroup, KindHelmRelease, p("spec", "chartRef"), "", Version{2, 3}},
	{HelmGroup, KindHelmRelease, p("spec", "chartRef", "kind"), KindExternalArtifact, Version{2, 7}},
	{HelmGroup, KindHelmRelease, p("spec", "install", "disableTakeOwnership"), "", Version{2, 5}},
	{HelmGroup, KindHelmRelease, p("spec", "upgrade", "disableTakeOwnership"), "", Version{2, 5}},
	{HelmGroup, KindHelmRelease, p("spec", "commonMetadata"), "", Version{2, 7}},
	{HelmGroup, KindHelmRelease, p("spec", "install", "serverSideApply"), "", Version{2, 8}},
	{HelmGroup, KindHelmRelease, p("spec", "upgrade", "serverSideApply"), "", Version{2, 8}},
	{HelmGroup, KindHelmRelease, p("spec", "postRenderStrategy"), "", Version{2, 9}},
	{HelmGroup, KindHelmRelease, p("spec", "valuesFrom", "[]", "literal"), "", Version{2, 9}},
	{HelmGroup, KindHelmRelease, p("spec", "chart", "kind"), "", Version{2, 10}},
	{SourceGroup, KindGitRepository, p("spec", "sparseCheckout"), "", Version{2, 6}},
	{SourceGroup, KindGitRepository, p("spec", "provider"), "", Version{2, 4}},
	{SourceGroup, KindGitRepository, p("spec", "provider"), "github", Version{2, 5}},
	{SourceGroup, KindGitRepository, p("spec", "provider"), "aws", Version{2, 9}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "pathPattern"), "", Version{2, 9}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "commonMetadata"), "", Version{2, 9}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "serviceAccountName"), "", Version{2, 10}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "managedNamespaces"), "", Version{2, 10}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "inputsFrom"), "", Version{2, 10}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "artifacts", "[]", "namespace"), "", Version{2, 10}},
	{SourceExtGroup, KindArtifactGenerator, p("spec", "artifacts", "[]", "copy", "[]", "optional"), "", Version{2, 10}},
}

// YoungerFields lists the fields (or values) of an object that Flux
// release line v does not know yet: their concrete paths and what they
// need.
func YoungerFields(obj *yaml.Node, v Version) []Younger {
	get := func(n *yaml.Node, p ...string) string { return load.Scalar(load.LookupNode(n, p...)) }
	group, kind := Group(get(obj, "apiVersion")), get(obj, "kind")
	var out []Younger
	for i := range FieldsSince {
		f := &FieldsSince[i]
		if f.Group != group || f.Kind != kind || !v.Less(f.Since) {
			continue
		}
		walkRefPath(obj, f.Path, nil, func(n *yaml.Node, path []string) {
			if f.Value == "" || (n.Kind == yaml.ScalarNode && n.Value == f.Value) {
				out = append(out, Younger{Field: f, Path: path})
			}
		})
	}
	return out
}

// Younger is a field an object writes that its Flux does not know yet.
type Younger struct {
	Field *FieldSince
	Path  []string
}
