package analyzers

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
)

const decryptAnnotation = "kustomize.toolkit.fluxcd.io/decrypt"

// SOPSWithoutDecryption reports SOPS-encrypted objects that a Kustomization
// without spec.decryption applies.
var SOPSWithoutDecryption = &analysis.Analyzer{
	Name:     "sops-without-decryption",
	Doc:      doc("sops-without-decryption"),
	Severity: analysis.Error,
	Run:      runSOPSWithoutDecryption,
}

func runSOPSWithoutDecryption(p *analysis.Pass) {
	for _, o := range p.Objects() {
		k := o.AppliedBy
		if k == nil || k.Spec.Decryption != nil {
			continue
		}
		if strings.EqualFold(o.Node.GetAnnotations()[decryptAnnotation], "disabled") {
			continue
		}
		n := o.Node.YNode()
		switch {
		case flux.HasSOPSKey(n) && flux.IsSecret(o.APIVersion, o.Kind):
			p.Reportf(o, o.Pos(), "%s is SOPS-encrypted but Kustomization %s has no spec.decryption: Flux refuses to apply it", o.ID(), k.Key())
		case flux.IsSOPSEncrypted(n):
			p.Reportf(o, o.Pos(), "%s is SOPS-encrypted but Kustomization %s has no spec.decryption: it would be applied as ciphertext", o.ID(), k.Key())
		case flux.IsSecret(o.APIVersion, o.Kind) && hasEncryptedData(n):
			p.Reportf(o, o.Pos(), "%s holds SOPS-encrypted data but Kustomization %s has no spec.decryption: it would be applied as ciphertext", o.ID(), k.Key())
		}
	}
}

func hasEncryptedData(n *yaml.Node) bool {
	for _, field := range []string{"data", "stringData"} {
		m := lookupMap(n, field)
		for i := 0; m != nil && i+1 < len(m.Content); i += 2 {
			v := m.Content[i+1].Value
			if flux.IsEncryptedValue(v) || (field == "data" && flux.DataValueIsSOPS(v)) {
				return true
			}
		}
	}
	return false
}

func lookupMap(n *yaml.Node, field string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == field && n.Content[i+1].Kind == yaml.MappingNode {
			return n.Content[i+1]
		}
	}
	return nil
}
