package render

import (
	"encoding/base64"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// Masks put in place of Secret values in any output. SOPSMask is the mask
// the flux CLI uses for encrypted values; RedactedMask stands for a
// plaintext value, which fluxlint never prints either.
const (
	SOPSMask     = "**SOPS**"
	RedactedMask = "**REDACTED**"
)

// Redacted returns the object as it may be printed: a copy in which every
// value of a v1 Secret's data and stringData is masked, and the SOPS
// metadata of any object and its comments are dropped, as "flux build"
// does. An object with nothing to drop or mask is returned as it is, not
// copied: the result is for printing, never for changing.
func Redacted(o *Object) *yaml.RNode {
	if !flux.IsSecret(o.APIVersion, o.Kind) && !flux.HasSOPSKey(o.Node.YNode()) && !hasComments(o.Node.YNode()) {
		return o.Node
	}
	n := o.Node.Copy()
	clearComments(n.YNode())
	if flux.HasSOPSKey(n.YNode()) {
		_ = n.PipeE(yaml.FieldClearer{Name: "sops"})
	}
	if !flux.IsSecret(o.APIVersion, o.Kind) {
		return n
	}
	sops := flux.IsSOPSEncrypted(o.Node.YNode())
	for _, field := range []string{"data", "stringData"} {
		f := n.Field(field)
		if f == nil || f.Value == nil {
			continue
		}
		m := f.Value.YNode()
		if m.Kind != yaml.MappingNode {
			// A list, a string, an alias: whatever it holds is masked whole.
			*m = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: RedactedMask}
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			v := m.Content[i+1]
			enc := sops || flux.IsEncryptedValue(v.Value) || (field == "data" && flux.DataValueIsSOPS(v.Value))
			mask := RedactedMask
			if enc {
				mask = SOPSMask
			}
			if field == "data" {
				mask = base64.StdEncoding.EncodeToString([]byte(mask))
			}
			v.Kind, v.Tag, v.Value, v.Style = yaml.ScalarNode, "!!str", mask, 0
			v.Content, v.Alias = nil, nil
		}
	}
	return n
}

// clearComments drops the comments a source document carried, which a
// kustomize build does not keep either.
func hasComments(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return true
	}
	for _, c := range n.Content {
		if hasComments(c) {
			return true
		}
	}
	return false
}

func clearComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		clearComments(c)
	}
}
