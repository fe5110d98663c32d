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
		if o.Release != nil {
			chartSecret(p, o)
			continue
		}
		written := writtenNode(o)
		var keys []string
		var first load.Pos
		for _, field := range []string{"data", "stringData"} {
			m := load.LookupNode(written, field)
			for _, kv := range entries(m) {
				key, v := kv[0].Value, scalarText(kv[1])
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

// entries are the key/value pairs of a mapping, with those its merge keys
// ("<<: *base") bring in, as the API server reads them.
func entries(m *yaml.Node) [][2]*yaml.Node {
	for m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value == "<<" && k.Tag != "!!str" {
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					out = append(out, entries(item)...)
				}
			} else {
				out = append(out, entries(v)...)
			}
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

// scalarText is a value's text: a scalar's value, an alias's target, and
// for a list or mapping (which the API refuses) every scalar in it.
func scalarText(n *yaml.Node) string {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var parts []string
	for _, c := range n.Content {
		parts = append(parts, scalarText(c))
	}
	return strings.Join(parts, " ")
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

// chartSecret reports a Secret a chart renders from a value written in
// plain text in its HelmRelease's spec.values, at that value. Values from
// the chart's defaults are not in the repository, and values from
// valuesFrom Secrets are never read.
func chartSecret(p *analysis.Pass, o *render.Object) {
	hr := o.Release
	if hr.Doc == nil || hr.Doc.Node == nil {
		return
	}
	values := load.LookupNode(hr.Doc.Node.YNode(), "spec", "values")
	if values == nil {
		return
	}
	var keys []string
	var first load.Pos
	for _, field := range []string{"data", "stringData"} {
		for _, kv := range entries(o.Lookup(field)) {
			key, v := kv[0].Value, scalarText(kv[1])
			if field == "data" {
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					v = string(b)
				}
			}
			if !isPlaintext(key, v) {
				continue
			}
			n := findScalar(values, v)
			if n == nil {
				continue
			}
			if len(keys) == 0 {
				first = load.Pos{File: hr.Doc.File.Name(), Line: n.Line, Col: n.Column}
			}
			keys = append(keys, field+"."+key)
		}
	}
	if len(keys) > 0 {
		p.Reportf(o, first, "%s is stored in Git unencrypted: %s %s plaintext; it comes from spec.values of HelmRelease %s/%s: move the value to a Secret the HelmRelease reads with valuesFrom, encrypted with SOPS or created by an ExternalSecret or SealedSecret",
			o.ID(), strings.Join(keys, ", "), plural(len(keys), "holds", "hold"), hr.Namespace, hr.Name)
	}
}

// findScalar finds the scalar whose value is v under n.
func findScalar(n *yaml.Node, v string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Value == v {
			return n
		}
		return nil
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			continue
		}
		if f := findScalar(c, v); f != nil {
			return f
		}
	}
	return nil
}
