package flux

import (
	"crypto/sha256"
	"encoding/hex"

	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// ReleaseIdentity is what identifies a Helm release to helm-controller: its
// name, the namespace it installs into and the namespace that stores its
// history. Changing any of them makes helm-controller install a new release
// (flux-semantics §5).
type ReleaseIdentity struct {
	Name             string `json:"releaseName"`
	Namespace        string `json:"releaseNamespace"`
	StorageNamespace string `json:"storageNamespace"`
}

// HelmReleaseFields are the fields of a HelmRelease that decide its release
// identity.
type HelmReleaseFields struct {
	Namespace        string // metadata.namespace
	Name             string // metadata.name
	ReleaseName      string // spec.releaseName
	TargetNamespace  string // spec.targetNamespace
	StorageNamespace string // spec.storageNamespace
}

// Identity computes the release identity the way helm-controller's
// GetReleaseName, GetReleaseNamespace and GetStorageNamespace do, including
// the shortening of names above 53 characters.
func (f HelmReleaseFields) Identity() ReleaseIdentity {
	name := f.ReleaseName
	if name == "" {
		name = f.Name
		if f.TargetNamespace != "" {
			name = f.TargetNamespace + "-" + f.Name
		}
	}
	id := ReleaseIdentity{Name: ShortenReleaseName(name), Namespace: f.Namespace, StorageNamespace: f.Namespace}
	if f.TargetNamespace != "" {
		id.Namespace = f.TargetNamespace
	}
	if f.StorageNamespace != "" {
		id.StorageNamespace = f.StorageNamespace
	}
	return id
}

// ShortenReleaseName shortens a release name above 53 characters to its first
// 40 characters, a dash and the first 12 hex digits of its SHA-256, as
// helm-controller's release.ShortenName does.
func ShortenReleaseName(name string) string {
	const max, hashLen = 53, 12
	if len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:max-hashLen-1] + "-" + hex.EncodeToString(sum[:])[:hashLen]
}

// ValidReleaseName reports whether Helm accepts name as a release name.
func ValidReleaseName(name string) error { return chartutil.ValidateReleaseName(name) }

// HelmReleaseFieldsOf reads the identity fields of a HelmRelease object.
func HelmReleaseFieldsOf(obj *yaml.Node) HelmReleaseFields {
	get := func(path ...string) string { return load.Scalar(load.LookupNode(obj, path...)) }
	return HelmReleaseFields{
		Namespace:        get("metadata", "namespace"),
		Name:             get("metadata", "name"),
		ReleaseName:      get("spec", "releaseName"),
		TargetNamespace:  get("spec", "targetNamespace"),
		StorageNamespace: get("spec", "storageNamespace"),
	}
}
