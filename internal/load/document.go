package load

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Doc is one YAML document of a file.
type Doc struct {
	File  *File
	Index int // 0-based among the documents of the file that have content

	// StartLine is the first line of the document's text (its "---"
	// separator when it has one) and EndLine its last line.
	StartLine, EndLine int
	// Start and End are the byte offsets of the document's text in the file.
	Start, End int

	// Node is the document's root node with absolute file lines, or nil when
	// the document could not be parsed (see Err).
	Node *yaml.RNode
	// Err is the parse error, if any; ErrLine is its absolute line.
	Err     error
	ErrLine int

	APIVersion, Kind, Name, Namespace string
}

// Pos is the position of the document's root node: the line of its first
// key for a mapping.
func (d *Doc) Pos() Pos {
	if d.Node != nil {
		n := d.Node.YNode()
		return Pos{File: d.File.Name(), Line: n.Line, Col: n.Column}
	}
	return Pos{File: d.File.Name(), Line: d.StartLine}
}

// KindPos is the position of the document's "kind:" value, which is where a
// finding about the object as a whole points.
func (d *Doc) KindPos() Pos {
	if p, ok := d.Lookup("kind"); ok {
		return p
	}
	return d.Pos()
}

// IsObject reports whether the document looks like a Kubernetes object.
func (d *Doc) IsObject() bool { return d.Node != nil && d.Kind != "" && d.APIVersion != "" }

// Lookup finds the node at path (mapping keys, or decimal indices into
// sequences) and returns the position of its value. For a missing path it
// returns false.
func (d *Doc) Lookup(path ...string) (Pos, bool) {
	n := LookupNode(d.node(), path...)
	if n == nil {
		return Pos{}, false
	}
	return Pos{File: d.File.Name(), Line: n.Line, Col: n.Column}, true
}

// KeyPos returns the position of the key of the field at path, which is the
// natural place to point at for a field whose value is wrong or missing.
func (d *Doc) KeyPos(path ...string) (Pos, bool) {
	if len(path) == 0 {
		return d.Pos(), true
	}
	parent := LookupNode(d.node(), path[:len(path)-1]...)
	if parent == nil || parent.Kind != yaml.MappingNode {
		return d.Lookup(path...)
	}
	last := path[len(path)-1]
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == last {
			k := parent.Content[i]
			return Pos{File: d.File.Name(), Line: k.Line, Col: k.Column}, true
		}
	}
	return Pos{}, false
}

// Nearest returns the position of the deepest existing prefix of path: the
// key of the field itself when it exists, otherwise the key of its closest
// existing ancestor, otherwise the document.
func (d *Doc) Nearest(path ...string) Pos {
	for i := len(path); i > 0; i-- {
		if p, ok := d.KeyPos(path[:i]...); ok {
			return p
		}
	}
	return d.KindPos()
}

func (d *Doc) node() *yaml.Node {
	if d.Node == nil {
		return nil
	}
	return d.Node.YNode()
}

// FindText returns the position of the first occurrence of text in the
// document.
func (d *Doc) FindText(text string) (Pos, bool) {
	data := d.File.data[d.Start:d.End]
	i := bytes.Index(data, []byte(text))
	if i < 0 {
		return Pos{}, false
	}
	line, start := d.StartLine, 0
	for start < i {
		next := nextLine(data, start)
		if next > i {
			break
		}
		start = next
		line++
	}
	return Pos{File: d.File.Name(), Line: line, Col: utf8.RuneCount(data[start:i]) + 1}, true
}

// LookupNode walks path from n. Mapping keys are matched exactly; a path
// element that is a decimal number indexes a sequence.
func LookupNode(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

var docSeparator = regexp.MustCompile(`^---([ \t].*)?\r?$`)

// chunk is the text of one document before parsing.
type chunk struct {
	start, end int // byte offsets
	line       int // 1-based line of start
	lines      int
}

// splitDocuments cuts a YAML stream into documents at "---" lines. A
// directives-end marker can only stand at the start of a line, so this is
// exact; it lets one broken document leave the others readable.
func splitDocuments(data []byte) []chunk {
	var chunks []chunk
	cur := chunk{start: 0, line: 1}
	off, line := 0, 1
	for off < len(data) {
		end := nextLine(data, off)
		text := bytes.TrimRight(data[off:end], "\r\n")
		if docSeparator.Match(text) && off != cur.start {
			cur.end = off
			cur.lines = line - cur.line
			chunks = append(chunks, cur)
			cur = chunk{start: off, line: line}
		}
		off = end
		line++
	}
	cur.end = len(data)
	cur.lines = line - cur.line
	chunks = append(chunks, cur)
	return chunks
}

// nextLine returns the offset just past the line break that ends the line
// starting at off. Line breaks are counted as the YAML parser counts them:
// "\n", "\r\n", a lone "\r", and the Unicode breaks NEL, LS and PS.
func nextLine(data []byte, off int) int {
	for i := off; i < len(data); i++ {
		switch data[i] {
		case '\n':
			return i + 1
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				return i + 2
			}
			return i + 1
		case 0xC2: // NEL, U+0085
			if i+1 < len(data) && data[i+1] == 0x85 {
				return i + 2
			}
		case 0xE2: // LS and PS, U+2028 and U+2029
			if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9) {
				return i + 3
			}
		}
	}
	return len(data)
}

// utf16 reports whether data starts with a UTF-16 byte order mark. The
// YAML parser would read such a file, but none of its positions would be
// byte positions of the file.
func utf16(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE})
}

// parseDocuments parses every document of the file's data. Documents without any
// content (only comments or blank lines) are dropped.
func parseDocuments(f *File) {
	if utf16(f.data) {
		f.docs = []*Doc{{File: f, StartLine: 1, EndLine: 1, End: len(f.data), ErrLine: 1,
			Err: errors.New("the file is UTF-16 encoded; fluxlint reads YAML in UTF-8")}}
		return
	}
	var sum [sha256.Size]byte
	if f.repo.parsed != nil {
		if sum = sha256.Sum256(f.data); parseCached(f, sum) {
			if f.repo.secrets != nil {
				collectSecrets(f)
			}
			return
		}
		defer storeParsed(f, sum)
	}
	for _, c := range splitDocuments(f.data) {
		d := &Doc{File: f, Start: c.start, End: c.end, StartLine: c.line, EndLine: c.line + c.lines - 1}
		if d.EndLine < d.StartLine {
			d.EndLine = d.StartLine
		}
		var n yaml.Node
		err := decodeOne(f.data[c.start:c.end], &n)
		switch {
		case errors.Is(err, io.EOF):
			continue // no content
		case err != nil:
			d.Err = err
			d.ErrLine = c.line + errorLine(err) - 1
			if d.ErrLine < c.line {
				d.ErrLine = c.line
			}
		default:
			if aerr := aliasError(&n, f.repo.limits); aerr != nil {
				d.Err, d.ErrLine = aerr, c.line
				f.refusal = aerr
				break
			}
			shiftLines(&n, c.line-1)
			root := &n
			if root.Kind == yaml.DocumentNode {
				if len(root.Content) == 0 {
					continue
				}
				root = root.Content[0]
			}
			if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == "" {
				continue
			}
			d.Node = yaml.NewRNode(root)
			d.fillIdentity()
		}
		d.Index = len(f.docs)
		f.docs = append(f.docs, d)
	}
	if f.repo.secrets != nil {
		collectSecrets(f)
	}
}

// decodeOne decodes the first document of b, turning a panic of the YAML
// library into an error.
func decodeOne(b []byte, n *yaml.Node) error {
	return decodeNode(yaml.NewDecoder(bytes.NewReader(b)), n)
}

var lineInError = regexp.MustCompile(`line (\d+)`)

// errorLine finds the line of a YAML error in its message. The YAML
// library counts from 1 for scanner errors but from 0 for parser errors
// ("did not find expected ..."), so those get one more.
func errorLine(err error) int {
	m := lineInError.FindStringSubmatch(err.Error())
	if m == nil {
		return 1
	}
	n, _ := strconv.Atoi(m[1])
	if strings.Contains(err.Error(), "did not find expected") {
		n++
	}
	return n
}

// shiftLines makes the lines of a document's nodes absolute. Aliases are not
// followed: the node they point at is in the tree already.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

func (d *Doc) fillIdentity() {
	n := d.Node.YNode()
	if n.Kind != yaml.MappingNode {
		return
	}
	d.APIVersion = Scalar(LookupNode(n, "apiVersion"))
	d.Kind = Scalar(LookupNode(n, "kind"))
	d.Name = Scalar(LookupNode(n, "metadata", "name"))
	d.Namespace = Scalar(LookupNode(n, "metadata", "namespace"))
}

// Scalar returns the value of a scalar node ("" for nil or any other node).
func Scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// StringAt returns the scalar at path in the document ("" when the
// document does not parse or has no scalar there).
func (d *Doc) StringAt(path ...string) string {
	if d == nil {
		return ""
	}
	return Scalar(LookupNode(d.node(), path...))
}

// NodeAt returns the node at path in the document, or nil.
func (d *Doc) NodeAt(path ...string) *yaml.Node {
	if d == nil {
		return nil
	}
	return LookupNode(d.node(), path...)
}

// PathAt is the field path of the key or value that starts at line and
// column in the document ("spec", "chart", "spec", "sourceRef"; indices
// for sequence items), or nil.
func (d *Doc) PathAt(line, col int) []string {
	var found []string
	var walk func(n *yaml.Node, at []string) bool
	walk = func(n *yaml.Node, at []string) bool {
		if n == nil {
			return false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := append(append([]string(nil), at...), k.Value)
				if (k.Line == line && k.Column == col) || (v.Line == line && v.Column == col && v.Kind == yaml.ScalarNode) {
					found = p
					return true
				}
				if walk(v, p) {
					return true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := append(append([]string(nil), at...), strconv.Itoa(i))
				if c.Line == line && c.Column == col && c.Kind == yaml.ScalarNode {
					found = p
					return true
				}
				if walk(c, p) {
					return true
				}
			}
		}
		return false
	}
	walk(d.node(), nil)
	return found
}
