// Package nodecodec keeps YAML node trees in a binary form that reads
// back exactly, comments, styles, positions, anchors and aliases included,
// and about ten times faster than parsing the YAML again. The build cache
// keeps build outputs in it, and the parse cache the documents of files.
package nodecodec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const nodesMagic = "fluxlint nodes 2\n"

// ErrAlias is the error of encoding an alias whose node does not come
// before it in the same documents.
var ErrAlias = errors.New("an alias node whose anchor is not before it cannot be encoded")

// Encode writes documents as: the magic, the number of nodes in all, the
// number of documents, then each document's nodes depth-first; an alias
// also holds the index of the node it stands for.
func Encode(docs []*yaml.Node) ([]byte, error) {
	total := 0
	index := map[*yaml.Node]int{}
	var count func(n *yaml.Node) error
	count = func(n *yaml.Node) error {
		if n.Kind == yaml.AliasNode {
			if _, ok := index[n.Alias]; !ok || len(n.Content) > 0 {
				return ErrAlias
			}
		} else if n.Alias != nil {
			return ErrAlias
		}
		if n.Anchor != "" {
			index[n] = total
		}
		total++
		for _, c := range n.Content {
			if err := count(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range docs {
		if err := count(d); err != nil {
			return nil, err
		}
	}
	b := []byte(nodesMagic)
	b = binary.AppendUvarint(b, uint64(total))
	b = binary.AppendUvarint(b, uint64(len(docs)))
	var enc func(n *yaml.Node)
	enc = func(n *yaml.Node) {
		b = binary.AppendUvarint(b, uint64(n.Kind))
		b = binary.AppendUvarint(b, uint64(n.Style))
		b = binary.AppendUvarint(b, uint64(n.Line))
		b = binary.AppendUvarint(b, uint64(n.Column))
		for _, s := range [...]string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		if n.Kind == yaml.AliasNode {
			b = binary.AppendUvarint(b, uint64(index[n.Alias]))
		}
		b = binary.AppendUvarint(b, uint64(len(n.Content)))
		for _, c := range n.Content {
			enc(c)
		}
	}
	for _, d := range docs {
		enc(d)
	}
	return b, nil
}

// Decode reads what Encode wrote. Every node comes from one slice, and
// every string from one copy of data. Damaged data is an error, never a
// panic. An alias is refused unless aliases is set; then it may only
// stand for a node before it that is not its ancestor, so the trees read
// back have no cycle (how far aliases expand is the caller's to bound).
func Decode(data []byte, aliases bool) (docs []*yaml.Node, err error) {
	if len(data) < len(nodesMagic) || string(data[:len(nodesMagic)]) != nodesMagic {
		return nil, errors.New("not a node encoding")
	}
	text := string(data) // one copy; every string below shares it
	pos := len(nodesMagic)
	bad := false
	uv := func() int {
		v, n := binary.Uvarint(data[pos:])
		if n <= 0 || v > uint64(len(data)) {
			bad = true
			return 0
		}
		pos += n
		return int(v)
	}
	str := func() string {
		l := uv()
		if bad || pos+l > len(data) {
			bad = true
			return ""
		}
		s := text[pos : pos+l]
		pos += l
		return s
	}
	total, ndocs := uv(), uv()
	if bad || total > len(data) || ndocs > total {
		return nil, errors.New("corrupt node encoding")
	}
	slab := make([]yaml.Node, total)
	open := make([]bool, total) // the nodes whose children are being read
	next := 0
	var dec func(depth int) *yaml.Node
	dec = func(depth int) *yaml.Node {
		if bad || next >= total || depth > 10000 {
			bad = true
			return nil
		}
		at := next
		n := &slab[at]
		next++
		n.Kind = yaml.Kind(uv())
		n.Style = yaml.Style(uv())
		n.Line, n.Column = uv(), uv()
		n.Tag, n.Value, n.Anchor = str(), str(), str()
		n.HeadComment, n.LineComment, n.FootComment = str(), str(), str()
		if n.Kind == yaml.AliasNode {
			target := uv()
			if !aliases || bad || target >= at || open[target] {
				bad = true
				return nil
			}
			n.Alias = &slab[target]
		}
		if k := uv(); k > 0 && !bad {
			if k > total-next || n.Kind == yaml.AliasNode {
				bad = true
				return nil
			}
			open[at] = true
			n.Content = make([]*yaml.Node, k)
			for i := range n.Content {
				if n.Content[i] = dec(depth + 1); bad {
					return nil
				}
			}
			open[at] = false
		}
		return n
	}
	docs = make([]*yaml.Node, ndocs)
	for i := range docs {
		docs[i] = dec(0)
		if bad {
			return nil, errors.New("corrupt node encoding")
		}
	}
	if next != total || pos != len(data) {
		return nil, fmt.Errorf("corrupt node encoding: %d of %d nodes, %d of %d bytes", next, total, pos, len(data))
	}
	return docs, nil
}
