package schema

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"hash"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/memo"
)

// logicVersion changes when what validation reports changes while the
// schemas stay the same (Fingerprint covers those), so that verdicts kept
// by an older fluxlint are not read back.
const logicVersion = "schema verdicts 1"

// validations counts the objects validated (not read from a memo).
var validations atomic.Int64

// Validations says how many objects were validated rather than read from a
// memo, for tests that prove a run loaded no schema.
func Validations() int64 { return validations.Load() }

// ValidateFluxMemo is ValidateFlux with its verdicts kept in m (nil keeps
// none): an object validated before, by the same schemas, is not validated
// again, and its schema is not even compiled.
func ValidateFluxMemo(m memo.Store, apiVersion, kind string, obj *yaml.Node, opts Options) ([]Violation, bool, error) {
	key, ok := verdictKey(m, "flux", apiVersion, kind, obj, opts)
	if ok {
		if vs, hit := recall(m, key); hit {
			return vs, true, nil
		}
	}
	validations.Add(1)
	vs, found, err := ValidateFlux(apiVersion, kind, obj, opts)
	if ok && found && err == nil {
		keep(m, key, vs)
	}
	return vs, found, err
}

// ValidateCoreMemo is ValidateCore with its verdicts kept in m (nil keeps
// none): an object validated before is not validated again, and the
// Kubernetes schema is not loaded for it.
func ValidateCoreMemo(m memo.Store, apiVersion, kind string, obj *yaml.Node) []Violation {
	key, ok := verdictKey(m, "core", apiVersion, kind, obj, Options{})
	if ok {
		if vs, hit := recall(m, key); hit {
			return vs
		}
	}
	validations.Add(1)
	vs := ValidateCore(apiVersion, kind, obj)
	if ok {
		keep(m, key, vs)
	}
	return vs
}

// verdictKey hashes what a verdict depends on: the schemas, this
// package's logic, the kind, the options and the object's content (not
// its positions or comments, which validation does not read). ok is false
// without a store, or for an object with an alias node.
func verdictKey(m memo.Store, which, apiVersion, kind string, obj *yaml.Node, opts Options) (key memo.Key, ok bool) {
	if m == nil || obj == nil {
		return key, false
	}
	h := sha256.New()
	for _, s := range []string{logicVersion, Fingerprint(), which, apiVersion, kind} {
		writeString(h, s)
	}
	if opts.Operator {
		writeString(h, "operator")
	}
	if !hashNode(h, obj, 0) {
		return key, false
	}
	h.Sum(key[:0])
	return key, true
}

func hashNode(h hash.Hash, n *yaml.Node, depth int) bool {
	if n.Kind == yaml.AliasNode || n.Alias != nil || depth > 10000 {
		return false
	}
	var b [3 * binary.MaxVarintLen64]byte
	k := binary.PutUvarint(b[:], uint64(n.Kind))
	k += binary.PutUvarint(b[k:], uint64(n.Style))
	k += binary.PutUvarint(b[k:], uint64(len(n.Content)))
	h.Write(b[:k])
	writeString(h, n.Tag)
	writeString(h, n.Value)
	for _, c := range n.Content {
		if !hashNode(h, c, depth+1) {
			return false
		}
	}
	return true
}

func writeString(h hash.Hash, s string) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], uint64(len(s)))])
	h.Write([]byte(s))
}

func recall(m memo.Store, key memo.Key) ([]Violation, bool) {
	data, ok := m.Get(key)
	if !ok {
		return nil, false
	}
	var vs []Violation
	if err := json.Unmarshal(data, &vs); err != nil {
		return nil, false // damaged: validate again
	}
	return vs, true
}

func keep(m memo.Store, key memo.Key, vs []Violation) {
	if data, err := json.Marshal(vs); err == nil {
		m.Put(key, data)
	}
}
