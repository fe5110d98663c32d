package load

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// collectSecrets adds to the repository's secret set every secret value a
// file holds, whatever shape it is written in: the data and stringData of
// Secrets (in Lists too, through aliases and merge keys), the literals,
// env files and files of secretGenerators, and, for a Secret document that
// does not parse, every value its lines seem to hold. The redaction layer
// then masks them in any output.
func collectSecrets(f *File) {
	set := f.repo.secrets
	for _, d := range f.docs {
		if d.Node == nil {
			if d.Err != nil && bytes.Contains(f.data[d.Start:d.End], []byte("Secret")) {
				collectLines(set.Add, f.data[d.Start:d.End])
			}
			continue
		}
		collectObject(set.Add, d.Node.YNode())
		collectPatches(set.Add, d.Node.YNode(), 0)
		if isKustomizationFile(d) {
			collectGenerators(set.Add, f, d.Node.YNode())
		}
	}
}

// collectPatches collects the Secret values of inline patches, wherever a
// document writes them (a kustomization's patches, a Flux Kustomization's
// spec.patches, a HelmRelease's post-renderers): a patch of a Secret
// carries its values, and kustomize quotes patches in its messages.
func collectPatches(add func(string), n *yaml.Node, depth int) {
	if n == nil || depth > 64 {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch {
			case k == "patch" && v.Kind == yaml.ScalarNode:
				collectPatchText(add, v.Value)
			case k == "patchesStrategicMerge" && v.Kind == yaml.SequenceNode:
				for _, item := range v.Content {
					if item.Kind == yaml.ScalarNode && strings.Contains(item.Value, "\n") {
						collectPatchText(add, item.Value)
					}
				}
			default:
				collectPatches(add, v, depth+1)
			}
		}
		return
	}
	for _, c := range n.Content {
		collectPatches(add, c, depth+1)
	}
}

// collectPatchText collects the values of a patch that is (or may be) a
// Secret: parsed when it parses, line by line when it does not.
func collectPatchText(add func(string), text string) {
	if !strings.Contains(text, "Secret") {
		return
	}
	dec := yaml.NewDecoder(strings.NewReader(text))
	for {
		var n yaml.Node
		err := decodeNode(dec, &n)
		if err != nil {
			if err != io.EOF {
				collectLines(add, []byte(text))
			}
			return
		}
		if len(n.Content) > 0 {
			collectObject(add, n.Content[0])
		}
	}
}

// collectObject collects the values of a Secret, or of the Secrets of a
// List.
func collectObject(add func(string), n *yaml.Node) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	kind := Scalar(resolve(LookupNode(n, "kind")))
	if kind == "Secret" {
		for _, field := range []string{"data", "stringData"} {
			collectScalars(add, field == "data", LookupNode(n, field), map[*yaml.Node]bool{})
		}
	}
	if items := resolve(LookupNode(n, "items")); items != nil && items.Kind == yaml.SequenceNode {
		for _, it := range items.Content {
			collectObject(add, it)
		}
	}
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// collectScalars collects every scalar value under n, following aliases
// once each. Keys are names, not secrets; the one case where a key is the
// secret (an env file line without "=") is collected from the env file.
func collectScalars(add func(string), base64Data bool, n *yaml.Node, seen map[*yaml.Node]bool) {
	n = resolve(n)
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.ScalarNode:
		add(n.Value)
		if base64Data {
			if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(n.Value)); err == nil {
				add(string(b))
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			collectScalars(add, base64Data, n.Content[i+1], seen)
		}
	default:
		for _, c := range n.Content {
			collectScalars(add, base64Data, c, seen)
		}
	}
}

// isKustomizationFile reports whether a document is a kustomization (a
// kustomization.yaml, or a kustomize.config.k8s.io object).
func isKustomizationFile(d *Doc) bool {
	switch path.Base(d.File.Path) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return strings.HasPrefix(d.APIVersion, "kustomize.config.k8s.io/")
}

// collectGenerators collects what the secretGenerators of a kustomization
// put into Secrets: literals, and the content of the env files and files
// they read from the repository.
func collectGenerators(add func(string), f *File, n *yaml.Node) {
	gens := resolve(LookupNode(n, "secretGenerator"))
	if gens == nil || gens.Kind != yaml.SequenceNode {
		return
	}
	dir := path.Dir(f.Path)
	for _, g := range gens.Content {
		for _, lit := range scalars(LookupNode(g, "literals")) {
			add(lit)
			if _, v, ok := strings.Cut(lit, "="); ok {
				add(v)
				add(strings.Trim(v, `"'`))
			}
		}
		for _, key := range []string{"envs", "env"} {
			for _, p := range scalars(LookupNode(g, key)) {
				if data := f.repo.readRaw(path.Join(dir, p)); data != nil {
					collectEnv(add, data)
				}
			}
		}
		for _, p := range scalars(LookupNode(g, "files")) {
			if _, file, ok := strings.Cut(p, "="); ok {
				p = file
			}
			if data := f.repo.readRaw(path.Join(dir, p)); data != nil {
				add(string(data))
				add(strings.TrimSpace(string(data)))
			}
		}
	}
}

func scalars(n *yaml.Node) []string {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		if c = resolve(c); c != nil && c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

// collectEnv collects the values of an env file, and every line as a
// whole: a line without "=" becomes a key of the Secret.
func collectEnv(add func(string), data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		add(l)
		if _, v, ok := strings.Cut(l, "="); ok {
			add(v)
			add(strings.Trim(v, `"'`))
		}
	}
}

var (
	// secretLine is a "key: value" line of a document that does not parse.
	secretLine = regexp.MustCompile(`^\s*(?:-\s+)?[^\s:#][^:#]*:\s+(.+?)\s*$`)
	// dataLine opens the data or stringData of a Secret.
	dataLine = regexp.MustCompile(`^(\s*)(?:data|stringData):\s*(?:#.*)?$`)
)

// collectLines collects what the lines of a Secret that does not parse seem
// to hold: the value of every "key: value" line under data or stringData,
// unquoted, without an anchor, alias or tag in front.
func collectLines(add func(string), text []byte) {
	block := -1 // the indentation of the data or stringData key we are under
	for _, l := range strings.Split(string(text), "\n") {
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if m := dataLine.FindStringSubmatch(l); m != nil {
			block = len(m[1])
			continue
		}
		if strings.TrimSpace(l) == "" || block < 0 {
			continue
		}
		if indent <= block {
			block = -1
			continue
		}
		m := secretLine.FindStringSubmatch(l)
		if m == nil {
			add(strings.TrimSpace(l))
			continue
		}
		v := m[1]
		for _, p := range []string{"*", "&", "!!str ", "!!int ", "!!binary "} {
			v = strings.TrimPrefix(v, p)
		}
		add(v)
		add(strings.Trim(v, `"'`))
	}
}

// readRaw reads a regular file of the repository by its slash path, or
// returns nil. It reads the bytes directly, not through File, so that it
// may run while another file is being parsed.
func (r *Repo) readRaw(rel string) []byte {
	f := r.File(rel)
	if f == nil {
		return nil
	}
	data, err := os.ReadFile(f.AbsPath())
	if err != nil {
		return nil
	}
	return data
}
