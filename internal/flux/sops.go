package flux

import (
	"bytes"
	"encoding/base64"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// IsSOPSEncrypted reports whether an object carries SOPS metadata: a
// top-level "sops" mapping with a non-empty "mac", which is how
// kustomize-controller recognises a resource to decrypt (flux-semantics §3).
func IsSOPSEncrypted(n *yaml.Node) bool {
	for n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "sops" || n.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		s := n.Content[i+1]
		for j := 0; j+1 < len(s.Content); j += 2 {
			if s.Content[j].Value == "mac" && s.Content[j+1].Value != "" {
				return true
			}
		}
	}
	return false
}

// HasSOPSKey reports whether an object has a top-level "sops" key at all;
// kustomize-controller refuses to apply such a v1 Secret without decryption.
func HasSOPSKey(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "sops" {
			return true
		}
	}
	return false
}

// IsEncryptedValue reports whether a single value was encrypted by SOPS
// (ENC[AES256_GCM,...] and the like).
func IsEncryptedValue(v string) bool {
	return strings.HasPrefix(strings.TrimSpace(v), "ENC[")
}

// sopsMarkers are the byte strings kustomize-controller looks for in a
// decoded data value (or a generator input file) to decide that it holds a
// SOPS document: YAML, JSON, dotenv and INI stores.
var sopsMarkers = [][]byte{
	[]byte("mac: ENC["),
	[]byte(`"mac": "ENC[`),
	[]byte("sops_mac=ENC["),
	[]byte("[sops]"),
}

// ContainsSOPSDocument reports whether b is a SOPS-encrypted file in any of
// the stores kustomize-controller decrypts.
func ContainsSOPSDocument(b []byte) bool {
	for _, m := range sopsMarkers {
		if bytes.Contains(b, m) {
			return true
		}
	}
	return false
}

// DataValueIsSOPS reports whether a base64 data value of a Secret decodes to
// a SOPS document (the form secretGenerator produces from an encrypted file).
func DataValueIsSOPS(b64 string) bool {
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return false
	}
	return ContainsSOPSDocument(b)
}
