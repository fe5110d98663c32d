package analyzers

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"path"
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
	reportApplied(p)
	reportCommitted(p)
}

// reportApplied reports the Secrets a Kustomization applies.
func reportApplied(p *analysis.Pass) {
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
	case isSecretReference(t):
		return false
	}
	return true
}

// secretReferencePrefixes begin a value that names a secret held in a
// secret manager, which a tool swaps in before or while applying:
// 1Password's "op inject" and Connect (op://vault/item/field), vals
// (ref+vault://..., ref+awssm://...), argocd-vault-plugin (<path:...#key>)
// and bank-vaults (vault:secret/data/...#key).
var secretReferencePrefixes = []string{"op://", "ref+", "<path:", "vault:"}

// isSecretReference reports whether a value is one reference to a secret
// manager and nothing else: one line (1Password item names may hold
// spaces).
func isSecretReference(v string) bool {
	if strings.ContainsAny(v, "\r\n") {
		return false
	}
	for _, prefix := range secretReferencePrefixes {
		if strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reportCommitted reports the plaintext Secrets written in any YAML or JSON
// file of the repository that no Kustomization applies: a test fixture, a
// file beside the rendered tree, a manifest applied by hand. Git keeps them
// in its history all the same. Secrets a Kustomization applies are
// reportApplied's.
func reportCommitted(p *analysis.Pass) {
	repo := p.Result.Repo
	if repo == nil {
		return
	}
	applied := map[*load.Doc]bool{}
	appliedAt := map[load.Pos]bool{} // the kind: line of a List whose items were applied
	for _, o := range p.Objects() {
		if o.Doc != nil {
			applied[o.Doc] = true
		} else if o.At.IsValid() {
			appliedAt[o.At] = true
		}
	}
	ignored := repo.GitIgnored()
	for _, rel := range repo.Paths() {
		if !isManifestFile(rel) || ignored(rel) {
			continue // not a manifest, or not in Git
		}
		f := repo.File(rel)
		data, err := f.Data()
		if err != nil || !bytes.Contains(data, []byte("Secret")) {
			continue
		}
		// JSON (and .YAML spellings Flux's generator skips) is YAML to the
		// parser.
		for _, d := range f.DocsAsYAML() {
			if d.Node == nil || applied[d] || appliedAt[d.KindPos()] {
				continue
			}
			for _, obj := range secretsIn(d.Node.YNode()) {
				reportCommittedSecret(p, d, obj)
			}
		}
	}
}

// isManifestFile reports whether a file may hold Kubernetes objects: a
// YAML or JSON file, whatever the case of its extension.
func isManifestFile(rel string) bool {
	switch strings.ToLower(path.Ext(rel)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// secretsIn lists the v1 Secret mappings of a document: the document
// itself, or the items of a List (v1 List or any *List kind), with merge
// keys resolved as the API server resolves them.
func secretsIn(n *yaml.Node) []*yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	apiVersion, kind := scalarText(field(n, "apiVersion")), scalarText(field(n, "kind"))
	if flux.IsSecret(apiVersion, kind) {
		return []*yaml.Node{n}
	}
	if !strings.HasSuffix(kind, "List") {
		return nil
	}
	items := field(n, "items")
	for items != nil && items.Kind == yaml.AliasNode {
		items = items.Alias
	}
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*yaml.Node
	for _, item := range items.Content {
		for item != nil && item.Kind == yaml.AliasNode {
			item = item.Alias
		}
		if item != nil && item.Kind == yaml.MappingNode &&
			flux.IsSecret(scalarText(field(item, "apiVersion")), scalarText(field(item, "kind"))) {
			out = append(out, item)
		}
	}
	return out
}

// field is the value of a key of a mapping, nil when it has none. A key
// written in the mapping wins over one its merge keys bring in, and an
// earlier merge over a later one, as YAML's merge key type says.
func field(m *yaml.Node, key string) *yaml.Node {
	return fieldDepth(m, key, 0)
}

func fieldDepth(m *yaml.Node, key string, depth int) *yaml.Node {
	for m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode || depth > 32 {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case k.Value == "<<" && k.Tag != "!!str":
			if v.Kind == yaml.SequenceNode {
				merges = append(merges, v.Content...)
			} else {
				merges = append(merges, v)
			}
		case k.Value == key:
			return v
		}
	}
	for _, mm := range merges {
		if v := fieldDepth(mm, key, depth+1); v != nil {
			return v
		}
	}
	return nil
}

// reportCommittedSecret reports one Secret of a file that nothing applies,
// naming its keys and never its values.
func reportCommittedSecret(p *analysis.Pass, d *load.Doc, obj *yaml.Node) {
	var keys []string
	var first *yaml.Node
	seen := map[string]bool{}
	for _, name := range []string{"data", "stringData"} {
		for _, kv := range entries(field(obj, name)) {
			key, v := kv[0].Value, scalarText(kv[1])
			if seen[name+"."+key] {
				continue // a key written over one a merge key brings in
			}
			seen[name+"."+key] = true
			if name == "data" {
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					v = string(b)
				}
			}
			if !isPlaintext(key, v) || strings.Contains(v, "{{") {
				continue // "{{": a Helm or Go template, not a value
			}
			if first == nil {
				first = kv[0]
			}
			keys = append(keys, name+"."+key)
		}
	}
	if len(keys) == 0 {
		return
	}
	meta := field(obj, "metadata")
	id := "Secret " + scalarText(field(meta, "name"))
	if ns := scalarText(field(meta, "namespace")); ns != "" {
		id = "Secret " + ns + "/" + scalarText(field(meta, "name"))
	}
	p.Report(analysis.Diagnostic{Pos: load.Pos{File: d.File.Name(), Line: first.Line, Col: first.Column},
		Message: fmt.Sprintf("%s is committed but not applied: %s %s plaintext, and Git keeps it in its history whether or not Flux applies it; encrypt it with SOPS or remove it and rotate the value",
			id, strings.Join(keys, ", "), plural(len(keys), "holds", "hold"))})
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
