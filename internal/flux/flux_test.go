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
