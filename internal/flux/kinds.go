package flux

import "strings"

// API groups of the Flux controllers.
const (
	KustomizeGroup    = "kustomize.toolkit.fluxcd.io"
	HelmGroup         = "helm.toolkit.fluxcd.io"
	SourceGroup       = "source.toolkit.fluxcd.io"
	SourceExtGroup    = "source.extensions.fluxcd.io"
	ImageGroup        = "image.toolkit.fluxcd.io"
	NotificationGroup = "notification.toolkit.fluxcd.io"
)

// Kind names.
const (
	KindKustomization         = "Kustomization"
	KindHelmRelease           = "HelmRelease"
	KindGitRepository         = "GitRepository"
	KindOCIRepository         = "OCIRepository"
	KindHelmRepository        = "HelmRepository"
	KindHelmChart             = "HelmChart"
	KindBucket                = "Bucket"
	KindExternalArtifact      = "ExternalArtifact"
	KindArtifactGenerator     = "ArtifactGenerator"
	KindImageRepository       = "ImageRepository"
	KindImagePolicy           = "ImagePolicy"
	KindImageUpdateAutomation = "ImageUpdateAutomation"
	KindAlert                 = "Alert"
	KindProvider              = "Provider"
	KindReceiver              = "Receiver"
)

// Group returns the API group of an apiVersion ("" for the core group).
func Group(apiVersion string) string {
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// IsKustomization reports whether apiVersion/kind is a Flux Kustomization (as
// opposed to kustomize's own kustomize.config.k8s.io Kustomization).
func IsKustomization(apiVersion, kind string) bool {
	return kind == KindKustomization && Group(apiVersion) == KustomizeGroup
}

// IsHelmRelease reports whether apiVersion/kind is a Flux HelmRelease.
func IsHelmRelease(apiVersion, kind string) bool {
	return kind == KindHelmRelease && Group(apiVersion) == HelmGroup
}

// IsSource reports whether apiVersion/kind is a Flux source.
func IsSource(apiVersion, kind string) bool {
	switch Group(apiVersion) {
	case SourceGroup:
		switch kind {
		case KindGitRepository, KindOCIRepository, KindHelmRepository, KindHelmChart, KindBucket, KindExternalArtifact:
			return true
		}
	case SourceExtGroup:
		return kind == KindArtifactGenerator
	}
	return false
}

// IsFlux reports whether apiVersion belongs to one of Flux's controllers.
func IsFlux(apiVersion string) bool {
	switch Group(apiVersion) {
	case KustomizeGroup, HelmGroup, SourceGroup, SourceExtGroup, ImageGroup, NotificationGroup:
		return true
	}
	return false
}

// IsSecret reports whether apiVersion/kind is a core v1 Secret.
func IsSecret(apiVersion, kind string) bool { return apiVersion == "v1" && kind == "Secret" }

// Ref names a Flux object the way "flux build --local-sources" keys do:
// Kind/namespace/name.
type Ref struct {
	Kind, Namespace, Name string
}

func (r Ref) String() string { return r.Kind + "/" + r.Namespace + "/" + r.Name }

// ParseRef parses "Kind/namespace/name".
func ParseRef(s string) (Ref, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return Ref{}, false
	}
	return Ref{Kind: parts[0], Namespace: parts[1], Name: parts[2]}, true
}
