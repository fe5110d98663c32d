package flux

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestReleaseIdentity(t *testing.T) {
	for _, c := range []struct {
		f    HelmReleaseFields
		want ReleaseIdentity
	}{
		{HelmReleaseFields{Namespace: "nginx", Name: "nginx"}, ReleaseIdentity{"nginx", "nginx", "nginx"}},
		{HelmReleaseFields{Namespace: "cluster-config", Name: "nginx", TargetNamespace: "nginx"}, ReleaseIdentity{"nginx-nginx", "nginx", "cluster-config"}},
		{HelmReleaseFields{Namespace: "cluster-config", Name: "nginx", TargetNamespace: "nginx", ReleaseName: "nginx", StorageNamespace: "nginx"}, ReleaseIdentity{"nginx", "nginx", "nginx"}},
	} {
		if got := c.f.Identity(); got != c.want {
			t.Errorf("%+v: %+v, want %+v", c.f, got, c.want)
		}
	}
	// helm-controller shortens names above 53 characters to 40 characters, a
	// dash and 12 hex digits of the name's SHA-256.
	long := "a-very-lengthy-target-namespace-with-a-nice-object-name"
	got := ShortenReleaseName(long)
	if len(got) != 53 || got[:41] != long[:40]+"-" {
		t.Errorf("ShortenReleaseName(%q) = %q", long, got)
	}
	if ShortenReleaseName("short") != "short" {
		t.Error("short names stay")
	}
	if ValidReleaseName(got) != nil || ValidReleaseName("Not_Valid") == nil {
		t.Error("helm's release name rules")
	}
}

func TestSOPSDetection(t *testing.T) {
	parse := func(s string) *yaml.Node {
		n, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n.YNode()
	}
	enc := parse("kind: Secret\nstringData:\n  a: ENC[AES256_GCM,data:x]\nsops:\n  mac: ENC[AES256_GCM,data:y]\n")
	if !IsSOPSEncrypted(enc) || !HasSOPSKey(enc) {
		t.Error("a SOPS file")
	}
	noMac := parse("kind: Secret\nsops:\n  version: 3\n")
	if IsSOPSEncrypted(noMac) || !HasSOPSKey(noMac) {
		t.Error("sops without mac: kustomize-controller refuses it, but it is not decryptable")
	}
	if !DataValueIsSOPS("bWFjOiBFTkNbQUVTMjU2X0dDTSxkYXRhOnh4XQ==") { // "mac: ENC[AES256_GCM,data:xx]"
		t.Error("a base64 SOPS document")
	}
	if DataValueIsSOPS("aHVudGVyMg==") || !IsEncryptedValue(" ENC[x]") || IsEncryptedValue("ENCx") {
		t.Error("plain values")
	}
}

func TestAPIIn(t *testing.T) {
	for _, c := range []struct {
		apiVersion, kind string
		v                Version
		want             APIStatus
		removed          string
	}{
		{"image.toolkit.fluxcd.io/v1beta2", KindImagePolicy, Version{2, 7}, Deprecated, "2.9"},
		{"image.toolkit.fluxcd.io/v1beta2", KindImagePolicy, Version{2, 9}, Removed, "2.9"},
		{"image.toolkit.fluxcd.io/v1", KindImagePolicy, Version{2, 6}, Unknown, "0.0"},
		{"helm.toolkit.fluxcd.io/v2beta1", KindHelmRelease, Version{2, 6}, Deprecated, "2.7"},
		{"helm.toolkit.fluxcd.io/v2beta1", KindHelmRelease, Version{2, 7}, Removed, "2.7"},
		{"source.toolkit.fluxcd.io/v1", KindOCIRepository, Version{2, 5}, Unknown, "0.0"},
		{"source.toolkit.fluxcd.io/v1", KindOCIRepository, Version{2, 6}, Served, "0.0"},
		{"source.toolkit.fluxcd.io/v1beta2", KindOCIRepository, Version{2, 5}, Served, "2.8"},
		{"source.toolkit.fluxcd.io/v1", KindExternalArtifact, Version{2, 7}, Served, "0.0"},
		{"notification.toolkit.fluxcd.io/v1beta3", KindAlert, Version{2, 9}, Served, "0.0"},
		{"example.com/v1", "Widget", Version{2, 9}, Unknown, "0.0"},
	} {
		got, removed := APIIn(c.apiVersion, c.kind, c.v)
		if got != c.want || removed.String() != c.removed {
			t.Errorf("%s %s in %s: %v (removed %s), want %v (%s)", c.apiVersion, c.kind, c.v, got, removed, c.want, c.removed)
		}
	}
}

func TestVersions(t *testing.T) {
	for in, want := range map[string]string{"2.7": "2.7", "v2.8.3": "2.8", "2.x": "2.9", "2.8.x": "2.8", ">=2.7.0": "2.9", "~2.6": "2.6"} {
		if v, ok := ParseConstraint(in); !ok || v.String() != want {
			t.Errorf("%s: %v %v, want %s", in, v, ok, want)
		}
	}
	for img, want := range map[string]string{"ghcr.io/fluxcd/kustomize-controller:v1.9.4": "2.9", "ghcr.io/fluxcd/helm-controller:v1.4.5-8": "2.7", "docker.io/x/y:1.0": ""} {
		v, _ := ControllerVersion(img)
		if (want == "" && !v.IsZero()) || (want != "" && v.String() != want) {
			t.Errorf("%s: %v, want %s", img, v, want)
		}
	}
	for ext, want := range map[string]string{"1.24.1": "2.7", "1.23.0": "2.7", "1.22.2": "2.6", "1.13.1": "2.4", "1.7.5": "2.0"} {
		if v, ok := AKSFluxVersion(ext); !ok || v.String() != want {
			t.Errorf("extension %s: %v, want %s", ext, v, want)
		}
	}
}
