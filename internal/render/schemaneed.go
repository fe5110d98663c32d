package render

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
)

// schemaNeed is what of the Kubernetes schema a kustomize build reads: it
// merges strategic-merge patches by the schema of the type they patch.
type schemaNeed int

const (
	// schemaNone: the build merges no strategic-merge patch.
	schemaNone schemaNeed = iota
	// schemaBare: it merges them into custom resources only, which no
	// Kubernetes type describes (kubeschema.InstallBare).
	schemaBare
	// schemaFull: it may merge them into a Kubernetes type
	// (kubeschema.Install).
	schemaFull
)

// ready reports whether the installed schema serves the need.
func (n schemaNeed) ready() bool { return n == schemaNone || kubeschema.Ready(n == schemaFull) }

// install puts in place the schema the need asks for.
func (n schemaNeed) install() error {
	switch n {
	case schemaBare:
		kubeschema.InstallBare()
	case schemaFull:
		return kubeschema.Install()
	}
	return nil
}

// kustomizationNeed is the need of one kustomization's fields.
// patchesStrategicMerge and transformers (which may configure a
// PatchStrategicMergeTransformer) may patch anything; an entry of
// "patches" is judged by what it can select.
func kustomizationNeed(m map[string]any) schemaNeed {
	need := schemaNone
	for _, field := range []string{"patchesStrategicMerge", "transformers"} {
		if _, ok := m[field]; ok {
			return schemaFull
		}
	}
	patches, ok := m["patches"]
	if !ok {
		return need
	}
	list, ok := patches.([]any)
	if !ok {
		return schemaFull
	}
	for _, p := range list {
		need = max(need, patchNeed(p))
	}
	return need
}

// patchNeed is the need of one entry of "patches". kustomize takes its
// patch for a strategic-merge patch when it reads as resources, and for a
// JSON 6902 patch (which needs no schema) otherwise. A strategic-merge
// patch selects by its target, or else by its own group and kind; only a
// group that is certainly a custom resource's keeps it from the
// Kubernetes schema. A patch in a file is not read here: it may patch
// anything.
func patchNeed(entry any) schemaNeed {
	e, ok := entry.(map[string]any)
	if !ok {
		return schemaFull
	}
	text, ok := e["patch"].(string)
	if !ok {
		return schemaFull
	}
	target, _ := e["target"].(map[string]any)
	group, hasGroup := target["group"].(string)
	memoKey := patchKey{text, target != nil, group, hasGroup}
	if n, ok := patchNeeds.Load(memoKey); ok {
		return n.(schemaNeed)
	}
	n := judgePatch(text, target != nil, group, hasGroup)
	patchNeeds.Store(memoKey, n)
	return n
}

// patchNeeds remembers patchNeed by what it reads: every build of a
// Kustomization's children reads the patches their parent gives them all.
var patchNeeds sync.Map // patchKey -> schemaNeed

type patchKey struct {
	text           string
	targeted       bool
	group          string
	hasTargetGroup bool
}

func judgePatch(text string, targeted bool, group string, hasGroup bool) schemaNeed {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
			return schemaFull
		}
		docs = append(docs, n.Content[0])
	}
	if len(docs) == 1 && docs[0].Kind == yaml.SequenceNode {
		return schemaNone // a JSON 6902 patch
	}
	if targeted {
		if hasGroup && customGroup(group) {
			return schemaBare
		}
		return schemaFull
	}
	for _, d := range docs {
		if d.Kind != yaml.MappingNode {
			return schemaFull
		}
		var apiVersion string
		for i := 0; i+1 < len(d.Content); i += 2 {
			if d.Content[i].Value == "apiVersion" {
				apiVersion = d.Content[i+1].Value
			}
		}
		group, _, ok := strings.Cut(apiVersion, "/")
		if !ok || !customGroup(group) {
			return schemaFull
		}
	}
	if len(docs) == 0 {
		return schemaFull
	}
	return schemaBare
}

// customGroup reports whether an API group is certainly a custom
// resource's: Kubernetes' own groups are the core group, names without a
// dot and names under k8s.io or kubernetes.io (TestCustomGroups holds this
// to every group of the schema).
func customGroup(g string) bool {
	return strings.Contains(g, ".") && g != "k8s.io" && g != "kubernetes.io" &&
		!strings.HasSuffix(g, ".k8s.io") && !strings.HasSuffix(g, ".kubernetes.io")
}
