package flux

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// RefField is a field of a Flux kind that names another object. This table
// is the one place that says which fields reference which kinds: the
// cross-namespace rule, the reference checks and the migrator all read it
// (flux-semantics §4 and §5).
type RefField struct {
	// Group and Kind are the kind that holds the field.
	Group, Kind string
	// Path leads to the reference. An element "[]" stands for every item
	// of a list. The reference is a mapping with a name (and optionally
	// kind and namespace) fields, unless Scalar is set.
	Path []string
	// Target is the kind referred to when the reference has no "kind"
	// field of its own (or when it is empty).
	Target string
	// Scalar is set when the field itself holds the name
	// (serviceAccountName).
	Scalar bool
	// Namespaced is set when the reference may name another namespace;
	// otherwise it always resolves in the holder's namespace.
	Namespaced bool
	// NoDefault is set on a Namespaced reference whose namespace, when it
	// is not written, is not the holder's: the controller looks the object
	// up with an empty namespace (Kustomization healthChecks, ResourceSet
	// dependsOn), which finds only cluster-scoped objects.
	NoDefault bool
	// Lockdown is set when --no-cross-namespace-refs refuses a reference to
	// another namespace.
	Lockdown bool
	// Role says what the reference is for.
	Role RefRole
	// Optional is set when Flux honours optional: true on the reference: a
	// missing object is then skipped instead of failing the holder
	// (valuesFrom, substituteFrom).
	Optional bool
	// RenderChecked is set when the renderer itself reports a reference to
	// an object the repository does not hold, because it needs the object
	// to render (substituteFrom: rule substitute-from-missing); the rule
	// reference-not-found leaves such fields to it.
	RenderChecked bool
}

// RefRole groups references by what they are for.
type RefRole int

// Reference roles.
const (
	// RoleSource: where an object gets its artifact or chart from.
	RoleSource RefRole = iota + 1
	// RoleDependency: dependsOn, waited for.
	RoleDependency
	// RoleHealthCheck: an object whose health is checked.
	RoleHealthCheck
	// RoleInput: a ConfigMap or Secret read for values or variables.
	RoleInput
	// RoleCredentials: a Secret or ServiceAccount used to authenticate.
	RoleCredentials
	// RoleWatch: objects a notification object or generator watches.
	RoleWatch
	// RoleProvider: an Alert's Provider.
	RoleProvider
)

// RefFields lists every reference field of Flux's kinds.
var RefFields = []RefField{
	// kustomize-controller
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "sourceRef"), Namespaced: true, Lockdown: true, Role: RoleSource},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "dependsOn", "[]"), Target: KindKustomization, Namespaced: true, Role: RoleDependency},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "healthChecks", "[]"), Namespaced: true, NoDefault: true, Role: RoleHealthCheck},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "postBuild", "substituteFrom", "[]"), Target: "ConfigMap", Role: RoleInput, Optional: true, RenderChecked: true},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "decryption", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "kubeConfig", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: KustomizeGroup, Kind: KindKustomization, Path: p("spec", "serviceAccountName"), Target: "ServiceAccount", Scalar: true, Role: RoleCredentials},
	// helm-controller
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "chart", "spec", "sourceRef"), Target: KindHelmRepository, Namespaced: true, Lockdown: true, Role: RoleSource},
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "chartRef"), Target: KindOCIRepository, Namespaced: true, Lockdown: true, Role: RoleSource},
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "dependsOn", "[]"), Target: KindHelmRelease, Namespaced: true, Role: RoleDependency},
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "valuesFrom", "[]"), Target: "ConfigMap", Role: RoleInput, Optional: true},
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "kubeConfig", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: HelmGroup, Kind: KindHelmRelease, Path: p("spec", "serviceAccountName"), Target: "ServiceAccount", Scalar: true, Role: RoleCredentials},
	// source-controller
	{Group: SourceGroup, Kind: KindHelmChart, Path: p("spec", "sourceRef"), Target: KindHelmRepository, Role: RoleSource},
	{Group: SourceGroup, Kind: KindGitRepository, Path: p("spec", "include", "[]", "repository"), Target: KindGitRepository, Role: RoleSource},
	{Group: SourceGroup, Kind: KindGitRepository, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindGitRepository, Path: p("spec", "proxySecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindGitRepository, Path: p("spec", "verify", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindOCIRepository, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindOCIRepository, Path: p("spec", "certSecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindOCIRepository, Path: p("spec", "proxySecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindOCIRepository, Path: p("spec", "verify", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindOCIRepository, Path: p("spec", "serviceAccountName"), Target: "ServiceAccount", Scalar: true, Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindHelmRepository, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindHelmRepository, Path: p("spec", "certSecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindBucket, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindBucket, Path: p("spec", "certSecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindBucket, Path: p("spec", "proxySecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: SourceGroup, Kind: KindBucket, Path: p("spec", "serviceAccountName"), Target: "ServiceAccount", Scalar: true, Role: RoleCredentials},
	// source-watcher
	{Group: SourceExtGroup, Kind: KindArtifactGenerator, Path: p("spec", "sources", "[]"), Target: KindGitRepository, Namespaced: true, Lockdown: true, Role: RoleSource},
	// image-reflector-controller and image-automation-controller
	{Group: ImageGroup, Kind: KindImagePolicy, Path: p("spec", "imageRepositoryRef"), Target: KindImageRepository, Namespaced: true, Lockdown: true, Role: RoleSource},
	{Group: ImageGroup, Kind: KindImageRepository, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: ImageGroup, Kind: KindImageRepository, Path: p("spec", "certSecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: ImageGroup, Kind: KindImageRepository, Path: p("spec", "proxySecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: ImageGroup, Kind: KindImageRepository, Path: p("spec", "serviceAccountName"), Target: "ServiceAccount", Scalar: true, Role: RoleCredentials},
	{Group: ImageGroup, Kind: KindImageUpdateAutomation, Path: p("spec", "sourceRef"), Target: KindGitRepository, Namespaced: true, Lockdown: true, Role: RoleSource},
	// notification-controller
	{Group: NotificationGroup, Kind: KindAlert, Path: p("spec", "providerRef"), Target: KindProvider, Role: RoleProvider},
	{Group: NotificationGroup, Kind: KindAlert, Path: p("spec", "eventSources", "[]"), Namespaced: true, Lockdown: true, Role: RoleWatch},
	{Group: NotificationGroup, Kind: KindProvider, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: NotificationGroup, Kind: KindProvider, Path: p("spec", "certSecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: NotificationGroup, Kind: KindProvider, Path: p("spec", "proxySecretRef"), Target: "Secret", Role: RoleCredentials},
	{Group: NotificationGroup, Kind: KindReceiver, Path: p("spec", "resources", "[]"), Namespaced: true, Lockdown: true, Role: RoleWatch},
	{Group: NotificationGroup, Kind: KindReceiver, Path: p("spec", "secretRef"), Target: "Secret", Role: RoleCredentials},
	// flux-operator (flux-semantics §11)
	{Group: OperatorGroup, Kind: KindResourceSet, Path: p("spec", "dependsOn", "[]"), Namespaced: true, NoDefault: true, Role: RoleDependency},
}

func p(path ...string) []string { return path }

// Reference is one reference an object makes, with its namespace resolved.
type Reference struct {
	Field *RefField
	// Path is the concrete path of the reference (list indices filled in).
	Path []string
	// APIVersion (when the reference names one), Kind, Namespace and Name of
	// the object referred to. Namespace is the holder's when the reference
	// does not name one (empty for a NoDefault field); Name may be "*" for
	// a wildcard.
	APIVersion, Kind, Namespace, Name string
	// NamespaceWritten is set when the reference names its namespace.
	NamespaceWritten bool
	// Optional is set when the reference says optional: true and its
	// field honours it (RefField.Optional).
	Optional bool
}

// Key is "Kind/namespace/name".
func (r Reference) Key() string { return r.Kind + "/" + r.Namespace + "/" + r.Name }

// NamePath is the path of the reference's name.
func (r Reference) NamePath() []string {
	if r.Field.Scalar {
		return r.Path
	}
	return append(append([]string(nil), r.Path...), "name")
}

// NamespacePath is the path of the reference's namespace field.
func (r Reference) NamespacePath() []string {
	return append(append([]string(nil), r.Path...), "namespace")
}

// References lists the references an object makes, in the order of
// RefFields. obj is the object's root mapping.
func References(obj *yaml.Node) []Reference {
	get := func(n *yaml.Node, path ...string) string { return load.Scalar(load.LookupNode(n, path...)) }
	group, kind := Group(get(obj, "apiVersion")), get(obj, "kind")
	ns := get(obj, "metadata", "namespace")
	var out []Reference
	for i := range RefFields {
		f := &RefFields[i]
		if f.Group != group || f.Kind != kind {
			continue
		}
		walkRefPath(obj, f.Path, nil, func(n *yaml.Node, path []string) {
			r := Reference{Field: f, Path: path, Kind: f.Target, Namespace: ns}
			if f.NoDefault {
				r.Namespace = ""
			}
			if f.Scalar {
				r.Name = load.Scalar(n)
			} else {
				r.Name = get(n, "name")
				r.APIVersion = get(n, "apiVersion")
				if k := get(n, "kind"); k != "" {
					r.Kind = k
				}
				if f.Namespaced {
					if v := get(n, "namespace"); v != "" {
						r.Namespace, r.NamespaceWritten = v, true
					}
				}
				r.Optional = f.Optional && get(n, "optional") == "true"
			}
			if r.Name != "" {
				out = append(out, r)
			}
		})
	}
	return out
}

// walkRefPath calls fn with every node the path reaches.
func walkRefPath(n *yaml.Node, path, at []string, fn func(*yaml.Node, []string)) {
	if n == nil {
		return
	}
	for i, e := range path {
		if e == "[]" {
			list := load.LookupNode(n, path[:i]...)
			if list == nil || list.Kind != yaml.SequenceNode {
				return
			}
			base := append(append([]string(nil), at...), path[:i]...)
			for j, item := range list.Content {
				walkRefPath(item, path[i+1:], append(append([]string(nil), base...), strconv.Itoa(j)), fn)
			}
			return
		}
	}
	if target := load.LookupNode(n, path...); target != nil {
		fn(target, append(append([]string(nil), at...), path...))
	}
}

// ReferencesOf filters refs by role.
func ReferencesOf(refs []Reference, role RefRole) []Reference {
	var out []Reference
	for _, r := range refs {
		if r.Field.Role == role {
			out = append(out, r)
		}
	}
	return out
}
