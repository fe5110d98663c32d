package analyzers

import (
	"encoding/base64"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// PlaintextSecret reports Secrets whose values are stored in Git in plain
// text.
var PlaintextSecret = &analysis.Analyzer{
	Name:     "plaintext-secret",
	Doc:      doc("plaintext-secret"),
	Severity: analysis.Error,
	Run:      runPlaintextSecret,
}

func runPlaintextSecret(p *analysis.Pass) {
	for _, o := range p.Objects() {
		if !flux.IsSecret(o.APIVersion, o.Kind) || o.Synthetic {
			continue
		}
		written := writtenNode(o)
		var keys []string
		var first load.Pos
		for _, field := range []string{"data", "stringData"} {
			m := load.LookupNode(written, field)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(m.Content); i += 2 {
				key, v := m.Content[i].Value, m.Content[i+1].Value
				if field == "data" {
					if b, err := base64.StdEncoding.DecodeString(v); err == nil {
						v = string(b)
					}
				}
				if !isPlaintext(key, v) {
					continue
				}
				if len(keys) == 0 {
					first = o.FieldPos(field, key)
				}
				keys = append(keys, field+"."+key)
			}
		}
		if len(keys) > 0 {
			p.Reportf(o, first, "%s is stored in Git unencrypted: %s %s plaintext; encrypt it with SOPS or create it with an ExternalSecret or SealedSecret",
				o.ID(), strings.Join(keys, ", "), plural(len(keys), "holds", "hold"))
		}
	}
}

// writtenNode is the object as written in Git: its source document, or for
// a generated object the build before substitution.
func writtenNode(o *render.Object) *yaml.Node {
	switch {
	case o.Doc != nil && o.Doc.Node != nil:
		return o.Doc.Node.YNode()
	case o.Unsubstituted != nil:
		return o.Unsubstituted.YNode()
	}
	return o.Node.YNode()
}

// isPlaintext reports whether a Secret value as written is a secret in
// plain text.
func isPlaintext(key, v string) bool {
	t := strings.TrimSpace(v)
	switch {
	case t == "":
		return false
	case strings.Contains(t, "${"):
		return false // a template: substitution supplies the secret part
	case flux.IsEncryptedValue(t), flux.ContainsSOPSDocument([]byte(t)):
		return false
	case strings.HasPrefix(key, "sops_"):
		return false // the metadata of a SOPS-encrypted env file
	}
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
