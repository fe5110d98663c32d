package render

import (
	"encoding/json"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// marshalJSON is kyaml's RNode.MarshalJSON without its round trip through
// YAML text: kyaml encodes the node, parses the text into Go values and
// encodes those as JSON, which was most of the cost of reading a rendered
// Kustomization or HelmRelease. For what this reads directly (mappings with
// string keys, sequences, and scalars that are strings, booleans, null or
// integers, strings of one line or in literal or double-quoted style, with
// no alias or merge key) the bytes are the same
// (TestMarshalJSONAsKyaml, over every object of the corpus); anything else
// goes through kyaml.
func marshalJSON(rn *yaml.RNode) ([]byte, error) {
	n := rn.YNode()
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if v, ok := plainValue(n, 0); ok {
			return json.Marshal(v)
		}
	}
	return rn.MarshalJSON()
}

// plainValue is the Go value YAML decoding gives a node; ok is false for
// a node it does not read directly.
func plainValue(n *yaml.Node, depth int) (any, bool) {
	if depth > 1000 {
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				return nil, false // merge keys, keys that are not strings
			}
			if _, dup := m[k.Value]; dup {
				return nil, false
			}
			v, ok := plainValue(n.Content[i+1], depth+1)
			if !ok {
				return nil, false
			}
			m[k.Value] = v
		}
		return m, true
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, ok := plainValue(c, depth+1)
			if !ok {
				return nil, false
			}
			s[i] = v
		}
		return s, true
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			// A string of several lines does not always come back the
			// same from YAML text (a folded one may gain blank lines),
			// and kyaml's bytes are the ones to give. A literal or
			// double-quoted one does: the encoder keeps its style, or
			// quotes it when the style cannot hold it.
			if !strings.ContainsAny(n.Value, "\n\r") || n.Style&(yaml.LiteralStyle|yaml.DoubleQuotedStyle) != 0 {
				return n.Value, true
			}
		case "!!null":
			switch n.Value {
			case "", "~", "null", "Null", "NULL":
				return nil, true
			}
		case "!!bool":
			switch n.Value {
			case "true", "True", "TRUE":
				return true, true
			case "false", "False", "FALSE":
				return false, true
			}
		case "!!int":
			// As the YAML library resolves an integer.
			if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return json.Number(strconv.FormatInt(i, 10)), true
			}
		}
	}
	return nil, false
}
