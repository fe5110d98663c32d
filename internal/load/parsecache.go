package load

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/nodecodec"
)

// Options.Parsed keeps what parsing a file found, by the SHA-256 of the
// file's content, so that a re-run parses only the files that changed.
// This file writes and reads the entries; a damaged entry is a miss.

// parseCached fills f.docs from the cache; false when the cache does not
// hold the file's content.
func parseCached(f *File, sum [sha256.Size]byte) bool {
	entry, ok := f.repo.parsed.Get(sum)
	if !ok {
		return false
	}
	docs, err := decodeDocs(f, entry)
	if err != nil {
		return false
	}
	f.docs = docs
	return true
}

// storeParsed keeps f's documents when every one of them parsed. A file
// with an error, or aliases that the limits refuse, is parsed again on
// every run.
func storeParsed(f *File, sum [sha256.Size]byte) {
	if f.refusal != nil {
		return
	}
	b := binary.AppendUvarint(nil, uint64(len(f.docs)))
	nodes := make([]*yaml.Node, len(f.docs))
	for i, d := range f.docs {
		if d.Err != nil || d.Node == nil {
			return
		}
		for _, v := range [...]int{d.Start, d.End, d.StartLine, d.EndLine} {
			b = binary.AppendUvarint(b, uint64(v))
		}
		nodes[i] = d.Node.YNode()
	}
	enc, err := nodecodec.Encode(nodes)
	if err != nil {
		return
	}
	f.repo.parsed.Put(sum, append(b, enc...))
}

var errBadEntry = errors.New("damaged parse cache entry")

// decodeDocs reads what storeParsed wrote, checking it against the file.
func decodeDocs(f *File, entry []byte) ([]*Doc, error) {
	pos := 0
	uv := func() (int, bool) {
		v, n := binary.Uvarint(entry[pos:])
		if n <= 0 || v > uint64(len(entry))+uint64(len(f.data))+1<<20 {
			return 0, false
		}
		pos += n
		return int(v), true
	}
	n, ok := uv()
	if !ok || n > len(entry) {
		return nil, errBadEntry
	}
	docs := make([]*Doc, n)
	for i := range docs {
		d := &Doc{File: f, Index: i}
		var okS, okE, okL, okM bool
		d.Start, okS = uv()
		d.End, okE = uv()
		d.StartLine, okL = uv()
		d.EndLine, okM = uv()
		if !okS || !okE || !okL || !okM || d.Start > d.End || d.End > len(f.data) || d.StartLine > d.EndLine {
			return nil, errBadEntry
		}
		docs[i] = d
	}
	nodes, err := nodecodec.Decode(entry[pos:], true)
	if err != nil || len(nodes) != n {
		return nil, errBadEntry
	}
	for _, node := range nodes {
		// Aliases are bounded by this run's limits, as a parse would be:
		// a file they refuse is parsed again, and refused there.
		if aliasError(node, f.repo.limits) != nil {
			return nil, errBadEntry
		}
	}
	for i, d := range docs {
		d.Node = yaml.NewRNode(nodes[i])
		d.fillIdentity()
	}
	return docs, nil
}
