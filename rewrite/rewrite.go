package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Op is what an edit does.
type Op int

const (
	// Set gives a scalar field a value, adding the field when it is missing.
	Set Op = iota
	// Delete removes a field and its value.
	Delete
	// Uncomment removes the line comment "# "+Comment from the line of a
	// field's value, keeping any other comment there.
	Uncomment
	// ReplaceInComment replaces Comment with Value in the comment of line
	// Line (Path is not used): how a marker that names an object in a
	// comment, such as an image policy's, follows the object.
	ReplaceInComment
	// Append adds Value, the YAML text of one item, to the end of the
	// block sequence at Path, adding the field when it is missing. The
	// first line of Value follows the item's dash; the others are indented
	// relative to the dash.
	Append
)

// Edit is one change to one document of a file.
type Edit struct {
	Doc  int      // index of the document in the file (load.Doc.Index)
	Path []string // field path: mapping keys, decimal indices for sequences
	Op   Op
	// Value is the new scalar value of a Set.
	Value string
	// Raw writes Value as it is, unquoted, for values that are not
	// strings: true, 3.
	Raw bool
	// After lists sibling keys, in order of preference, after which a
	// missing field is added; when none exists, the field goes first in
	// its mapping.
	After []string
	// Comment, on a Set, is a line comment (without "# ") written after
	// the value, before any comment the line has; on an Uncomment, the
	// comment to remove; on a ReplaceInComment, the text to replace.
	Comment string
	// Line is the 1-based line of a ReplaceInComment.
	Line int
	// Why says what the edit is for, for messages.
	Why string
}

func (e Edit) String() string {
	s := strings.Join(e.Path, ".")
	switch e.Op {
	case Delete:
		return "delete " + s
	case Uncomment:
		return fmt.Sprintf("remove the comment %q of %s", "# "+e.Comment, s)
	case ReplaceInComment:
		return fmt.Sprintf("replace %q with %q in the comment of line %d", e.Comment, e.Value, e.Line)
	case Append:
		return fmt.Sprintf("append an item to %s", s)
	}
	if e.Comment != "" {
		return fmt.Sprintf("set %s to %q (# %s)", s, e.Value, e.Comment)
	}
	return fmt.Sprintf("set %s to %q", s, e.Value)
}

// Error is an edit that cannot be made safely, and why.
type Error struct {
	Pos  load.Pos
	Edit Edit
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: cannot %s: %s", e.Pos, e.Edit, e.Msg) }

// splice replaces data[start:end] with text.
type splice struct {
	start, end int
	text       string
	edit       Edit
}

// Apply applies edits to the YAML file name holding data and returns the
// new content. It never returns a file that does not parse or does not
// hold the edited values.
func Apply(name string, data []byte, edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return data, nil
	}
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) || bytes.ContainsAny(data, "\u0085\u2028\u2029") {
		return nil, &Error{Pos: load.Pos{File: name}, Edit: edits[0], Msg: "the file uses line breaks other than \\n and \\r\\n"}
	}
	f := load.ParseBytes(name, data)
	t := newText(data)
	var splices []splice
	for _, e := range edits {
		d := docAt(f, e.Doc)
		if d == nil || d.Node == nil {
			return nil, &Error{Pos: load.Pos{File: name}, Edit: e, Msg: fmt.Sprintf("document %d does not parse", e.Doc)}
		}
		ss, err := t.plan(d, e)
		if err != nil {
			return nil, err
		}
		splices = append(splices, ss...)
	}
	out, err := apply(data, splices)
	if err != nil {
		return nil, err
	}
	return out, verify(name, out, edits)
}

func docAt(f *load.File, i int) *load.Doc {
	for _, d := range f.Docs() {
		if d.Index == i {
			return d
		}
	}
	return nil
}

// apply splices the changes into data, last first; overlapping changes
// are an error.
func apply(data []byte, ss []splice) ([]byte, error) {
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].start < ss[j].start })
	for i := 1; i < len(ss); i++ {
		if ss[i].start < ss[i-1].end || (ss[i].start == ss[i-1].start && ss[i].end > ss[i].start && ss[i-1].end > ss[i-1].start) {
			return nil, &Error{Edit: ss[i].edit, Msg: "it overlaps " + ss[i-1].edit.String()}
		}
	}
	out := append([]byte(nil), data...)
	for i := len(ss) - 1; i >= 0; i-- {
		s := ss[i]
		out = append(out[:s.start], append([]byte(s.text), out[s.end:]...)...)
	}
	return out, nil
}

// verify parses the result and checks that each edit holds.
func verify(name string, data []byte, edits []Edit) error {
	f := load.ParseBytes(name, data)
	for _, d := range f.Docs() {
		if d.Err != nil {
			return &Error{Pos: load.Pos{File: name, Line: d.ErrLine}, Edit: edits[0], Msg: "the result would not parse: " + d.Err.Error()}
		}
	}
	for _, e := range edits {
		d := docAt(f, e.Doc)
		var n *yaml.Node
		if d != nil && d.Node != nil && e.Op != ReplaceInComment {
			n = load.LookupNode(d.Node.YNode(), e.Path...)
		}
		switch {
		case e.Op == ReplaceInComment:
			if !bytes.Contains(data, []byte(e.Value)) { // lines above may have moved it
				return &Error{Pos: load.Pos{File: name, Line: e.Line}, Edit: e, Msg: "the result does not hold the new text"}
			}
		case e.Op == Uncomment:
			if n != nil && strings.Contains(n.LineComment, "# "+e.Comment) {
				return &Error{Pos: load.Pos{File: name, Line: n.Line}, Edit: e, Msg: "the comment is still there"}
			}
		case e.Op == Append:
			if n == nil || n.Kind != yaml.SequenceNode || !holdsItem(n, e.Value) {
				return &Error{Pos: load.Pos{File: name}, Edit: e, Msg: "the result does not hold the new item"}
			}
		case e.Op == Set && e.Comment != "" && (n == nil || !strings.Contains(n.LineComment, "# "+e.Comment)):
			return &Error{Pos: load.Pos{File: name}, Edit: e, Msg: "the result does not hold the comment"}
		case e.Op == Set && (n == nil || n.Kind != yaml.ScalarNode || n.Value != e.Value):
			return &Error{Pos: load.Pos{File: name}, Edit: e, Msg: "the result does not hold the new value"}
		case e.Op == Delete && n != nil:
			return &Error{Pos: load.Pos{File: name}, Edit: e, Msg: "the field is still there"}
		}
	}
	return nil
}

// text indexes a file's lines.
type text struct {
	data  []byte
	lines []int // byte offset of the start of each line (0-based index = line-1)
	crlf  bool
}

func newText(data []byte) *text {
	t := &text{data: data, lines: []int{0}, crlf: bytes.Contains(data, []byte("\r\n"))}
	for i, b := range data {
		if b == '\n' && i+1 <= len(data) {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

func (t *text) nl() string {
	if t.crlf {
		return "\r\n"
	}
	return "\n"
}

// line returns the text of 1-based line n without its line break.
func (t *text) line(n int) string {
	if n < 1 || n > len(t.lines) {
		return ""
	}
	start := t.lines[n-1]
	end := len(t.data)
	if n < len(t.lines) {
		end = t.lines[n]
	}
	return strings.TrimRight(string(t.data[start:end]), "\r\n")
}

// offset converts a 1-based line and 1-based character column into a byte
// offset.
func (t *text) offset(line, col int) int {
	off := t.lines[line-1]
	for c := 1; c < col && off < len(t.data); c++ {
		_, size := utf8.DecodeRune(t.data[off:])
		off += size
	}
	return off
}

// lineStart is the byte offset where line n starts (len(data) past the
// end).
func (t *text) lineStart(n int) int {
	if n > len(t.lines) {
		return len(t.data)
	}
	return t.lines[n-1]
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

var errFlow = errors.New("the mapping is in flow style ({...}); edit it by hand")

// plan turns one edit into splices.
func (t *text) plan(d *load.Doc, e Edit) ([]splice, error) {
	switch e.Op {
	case ReplaceInComment:
		return t.planReplaceInComment(d, e)
	case Append:
		return t.planAppend(d, e)
	case Uncomment:
		return t.planUncomment(d, e)
	}
	s, err := t.planField(d, e)
	if err != nil || s == nil {
		return nil, err
	}
	return []splice{*s}, nil
}

// planField turns a Set or Delete into a splice.
func (t *text) planField(d *load.Doc, e Edit) (*splice, error) {
	fail := func(pos load.Pos, msg string) error { return &Error{Pos: pos, Edit: e, Msg: msg} }
	root := d.Node.YNode()
	parent := load.LookupNode(root, e.Path[:len(e.Path)-1]...)
	key := e.Path[len(e.Path)-1]
	docPos := d.Pos()
	if parent == nil || parent.Kind != yaml.MappingNode {
		return nil, fail(docPos, "its parent "+strings.Join(e.Path[:len(e.Path)-1], ".")+" is not a mapping in the file")
	}
	if parent.Style&yaml.FlowStyle != 0 {
		return nil, fail(load.Pos{File: docPos.File, Line: parent.Line, Col: parent.Column}, errFlow.Error())
	}
	var k, v *yaml.Node
	idx := -1
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			k, v, idx = parent.Content[i], parent.Content[i+1], i
		}
	}
	switch {
	case e.Op == Delete && k == nil:
		return nil, nil
	case e.Op == Delete:
		first := k.Line
		for l := k.Line - 1; l >= 1; l-- { // its head comments go with it
			s := strings.TrimSpace(t.line(l))
			if !strings.HasPrefix(s, "#") || indentOf(t.line(l)) != k.Column-1 {
				break
			}
			first = l
		}
		start := t.lineStart(first)
		end := t.lineStart(t.entryEnd(parent, idx) + 1)
		return &splice{start: start, end: end, edit: e}, nil
	case k != nil:
		if v.Kind != yaml.ScalarNode {
			return nil, fail(load.Pos{File: docPos.File, Line: v.Line, Col: v.Column}, "the field is not a scalar")
		}
		comment := ""
		if e.Comment != "" && !strings.Contains(t.line(v.Line), "# "+e.Comment) {
			comment = "  # " + e.Comment
		}
		if v.Value == e.Value && comment == "" {
			return nil, nil
		}
		start, end, err := t.scalarSpan(v)
		if err != nil {
			return nil, fail(load.Pos{File: docPos.File, Line: v.Line, Col: v.Column}, err.Error())
		}
		// The comment goes right after the value, before any the line has.
		return &splice{start: start, end: end, text: e.text(v.Style) + comment, edit: e}, nil
	}
	// A new field: after a preferred sibling, else first in the mapping.
	line := ""
	var at int
	after := -1
	for _, name := range e.After {
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == name && after < 0 {
				after = i
			}
		}
		if after >= 0 {
			break
		}
	}
	indent := 0
	switch {
	case len(parent.Content) > 0:
		indent = parent.Content[0].Column - 1
	default:
		return nil, fail(docPos, "the mapping "+strings.Join(e.Path[:len(e.Path)-1], ".")+" is empty")
	}
	if after >= 0 {
		at = t.lineStart(t.entryEnd(parent, after) + 1)
	} else {
		first := parent.Content[0]
		at = t.lineStart(first.Line)
		if text := t.line(first.Line); indentOf(text) != first.Column-1 {
			// The first key shares its line with a sequence dash ("- name: x"):
			// the new field goes right after it instead.
			at = t.lineStart(t.entryEnd(parent, 0) + 1)
		} else {
			// Head comments of the first key stay with it.
			for l := first.Line - 1; l >= 1; l-- {
				s := strings.TrimSpace(t.line(l))
				if !strings.HasPrefix(s, "#") || indentOf(t.line(l)) != indent {
					break
				}
				at = t.lineStart(l)
			}
		}
	}
	line = strings.Repeat(" ", indent) + key + ": " + e.text(0)
	if e.Comment != "" {
		line += "  # " + e.Comment
	}
	line += t.nl()
	if at > 0 && at == len(t.data) && !bytes.HasSuffix(t.data, []byte("\n")) {
		line = t.nl() + strings.TrimSuffix(line, t.nl())
	}
	return &splice{start: at, end: at, text: line, edit: e}, nil
}

// entryEnd is the last line of the i-th key's entry in a block mapping: the
// key's line and every following line that belongs to its value (more
// indented, or a sequence dash at the key's own column), without trailing
// blank or comment lines.
func (t *text) entryEnd(m *yaml.Node, i int) int {
	k, v := m.Content[i], m.Content[i+1]
	col := k.Column - 1
	last := k.Line
	if i+2 < len(m.Content) {
		next := m.Content[i+2]
		// Everything before the next key belongs to this entry or to the
		// next key's head comments.
		for l := next.Line - 1; l > k.Line; l-- {
			s := strings.TrimSpace(t.line(l))
			if s != "" && !strings.HasPrefix(s, "#") {
				return l
			}
			if s != "" && indentOf(t.line(l)) > col {
				return l
			}
		}
		return last
	}
	for l := k.Line + 1; l <= len(t.lines); l++ {
		text := t.line(l)
		s := strings.TrimSpace(text)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		ind := indentOf(text)
		if ind > col || (ind == col && v.Kind == yaml.SequenceNode && strings.HasPrefix(s, "-")) {
			last = l
			continue
		}
		break
	}
	return last
}

// scalarSpan finds the bytes of a scalar token, and checks that they say
// what the parser read.
func (t *text) scalarSpan(v *yaml.Node) (int, int, error) {
	if v.Line < 1 || v.Line > len(t.lines) || v.Column < 1 {
		// An implicit value ("? key" with no ":"), which the text does not
		// write.
		return 0, 0, errors.New("the value is not written in the file")
	}
	start := t.offset(v.Line, v.Column)
	line := t.line(v.Line)
	lineEnd := t.lineStart(v.Line) + len(line)
	rest := string(t.data[start:lineEnd])
	var raw string
	switch {
	case v.Style&yaml.DoubleQuotedStyle != 0:
		i := 1
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] == '\\' {
				i++
			}
		}
		if i >= len(rest) {
			return 0, 0, errors.New("the quoted value spans lines")
		}
		raw = rest[:i+1]
	case v.Style&yaml.SingleQuotedStyle != 0:
		i := 1
		for ; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				break
			}
		}
		if i >= len(rest) {
			return 0, 0, errors.New("the quoted value spans lines")
		}
		raw = rest[:i+1]
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, errors.New("the value is a block scalar")
	default:
		raw = rest
		if i := strings.Index(raw, " #"); i >= 0 {
			raw = raw[:i]
		}
		raw = strings.TrimRight(raw, " \t")
		if raw != v.Value {
			return 0, 0, errors.New("the value spans lines or is not plain text")
		}
	}
	if v.Tag != "" && v.Tag != "!!str" && v.Tag != "!!int" && v.Tag != "!!bool" && v.Tag != "!!null" && v.Tag != "!!float" {
		return 0, 0, errors.New("the value has a tag")
	}
	if v.Anchor != "" {
		return 0, 0, errors.New("the value is an anchor")
	}
	return start, start + len(raw), nil
}

// text is the edit's value as YAML.
func (e Edit) text(style yaml.Style) string {
	if e.Raw {
		return e.Value
	}
	return quote(e.Value, style)
}

// quote writes a value in the given style, or plainly when that reads
// back as the same string, else double-quoted.
func quote(s string, style yaml.Style) string {
	switch {
	case style&yaml.SingleQuotedStyle != 0 && !strings.ContainsAny(s, "\n"):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case style&yaml.DoubleQuotedStyle != 0:
		return doubleQuote(s)
	}
	if plainIsString(s) {
		return s
	}
	return doubleQuote(s)
}

func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainIsString reports whether s written without quotes reads back as
// the string s.
func plainIsString(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\t") || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("v: "+s), &n); err != nil || len(n.Content) == 0 {
		return false
	}
	v := load.LookupNode(n.Content[0], "v")
	return v != nil && v.Kind == yaml.ScalarNode && v.Value == s && (v.Tag == "!!str" || v.ShortTag() == "!!str")
}

// commentStart is the byte index in line where its comment starts, or -1.
// A comment starts at a "#" at the line's start or after a blank, outside
// quotes.
func commentStart(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				if quote == '\'' && i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return i
		case (c == '"' || c == '\'') && (i == 0 || strings.ContainsRune(" \t:-[{,", rune(line[i-1]))):
			quote = c
		}
	}
	return -1
}

// planUncomment removes "# "+Comment, and the blanks before it, from the
// line of the field's value.
func (t *text) planUncomment(d *load.Doc, e Edit) ([]splice, error) {
	v := load.LookupNode(d.Node.YNode(), e.Path...)
	if v == nil {
		return nil, nil
	}
	line := t.line(v.Line)
	cs := commentStart(line)
	if cs < 0 {
		return nil, nil
	}
	i := strings.Index(line[cs:], "# "+e.Comment)
	if i < 0 {
		return nil, nil
	}
	start := cs + i
	end := start + len("# "+e.Comment)
	rest := line[end:]
	if strings.TrimSpace(rest) != "" && !strings.HasPrefix(strings.TrimLeft(rest, " \t"), "#") {
		return nil, &Error{Pos: load.Pos{File: d.File.Name(), Line: v.Line}, Edit: e, Msg: "the comment goes on with other text"}
	}
	off := t.lineStart(v.Line)
	// The blanks before it go too (a Set with a Comment wrote them), unless
	// it is the whole line; another comment after it keeps its own.
	for start > 0 && (line[start-1] == ' ' || line[start-1] == '\t') && strings.TrimSpace(line[:start]) != "" {
		start--
	}
	if strings.TrimSpace(rest) == "" {
		end = len(line)
	}
	return []splice{{start: off + start, end: off + end, edit: e}}, nil
}

// planReplaceInComment replaces text in the comment of a line.
func (t *text) planReplaceInComment(d *load.Doc, e Edit) ([]splice, error) {
	fail := func(msg string) error {
		return &Error{Pos: load.Pos{File: d.File.Name(), Line: e.Line}, Edit: e, Msg: msg}
	}
	if e.Line < d.StartLine || e.Line > d.EndLine || e.Comment == "" {
		return nil, fail("the line is not in the document")
	}
	line := t.line(e.Line)
	cs := commentStart(line)
	if cs < 0 {
		return nil, fail("the line has no comment")
	}
	i := strings.Index(line[cs:], e.Comment)
	if i < 0 {
		return nil, fail("the comment does not hold the text")
	}
	if strings.Contains(line[cs+i+len(e.Comment):], e.Comment) {
		return nil, fail("the comment holds the text twice")
	}
	off := t.lineStart(e.Line) + cs + i
	return []splice{{start: off, end: off + len(e.Comment), text: e.Value, edit: e}}, nil
}

// planAppend adds an item to a block sequence, or the field with a
// sequence of that item.
func (t *text) planAppend(d *load.Doc, e Edit) ([]splice, error) {
	fail := func(line int, msg string) error {
		return &Error{Pos: load.Pos{File: d.File.Name(), Line: line}, Edit: e, Msg: msg}
	}
	item := strings.Split(strings.TrimRight(e.Value, "\n"), "\n")
	write := func(col int) string {
		var b strings.Builder
		for i, l := range item {
			switch {
			case i == 0:
				b.WriteString(strings.Repeat(" ", col) + "- " + l)
			case l == "":
			default:
				b.WriteString(strings.Repeat(" ", col) + l)
			}
			b.WriteString(t.nl())
		}
		return b.String()
	}
	root := d.Node.YNode()
	parent := load.LookupNode(root, e.Path[:len(e.Path)-1]...)
	if parent == nil || parent.Kind != yaml.MappingNode {
		return nil, fail(d.StartLine, "its parent is not a mapping in the file")
	}
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value != e.Path[len(e.Path)-1] {
			continue
		}
		seq := parent.Content[i+1]
		if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
			return nil, fail(seq.Line, "the field is not a block sequence")
		}
		col := seq.Content[0].Column - 3 // the dash's column
		if col < 0 || !strings.HasPrefix(strings.TrimLeft(t.line(seq.Content[0].Line), " "), "-") {
			return nil, fail(seq.Line, "the sequence is not written one dash per item")
		}
		at := t.lineStart(t.entryEnd(parent, i) + 1)
		text := write(col)
		if at == len(t.data) && len(t.data) > 0 && !bytes.HasSuffix(t.data, []byte("\n")) {
			text = t.nl() + strings.TrimSuffix(text, t.nl())
		}
		return []splice{{start: at, end: at, text: text, edit: e}}, nil
	}
	// A new field, with the sequence indented under it.
	key := Edit{Doc: e.Doc, Path: e.Path, Op: Set, Value: "\x00", Raw: true, After: e.After, Why: e.Why}
	s, err := t.planField(d, key)
	if err != nil {
		return nil, err
	}
	head, _, _ := strings.Cut(s.text, "\x00")
	keyCol := indentOf(strings.TrimLeft(head, "\r\n"))
	text := strings.TrimRight(head, " ") + t.nl() + write(keyCol+2)
	if strings.HasPrefix(head, "\n") || strings.HasPrefix(head, "\r\n") {
		text = strings.TrimSuffix(text, t.nl())
	}
	s.text = text
	s.edit = e
	return []splice{*s}, nil
}

// holdsItem reports whether a sequence has an item equal to the YAML text
// item.
func holdsItem(seq *yaml.Node, item string) bool {
	var want yaml.Node
	if yaml.Unmarshal([]byte("- "+strings.TrimRight(item, "\n")), &want) != nil || len(want.Content) == 0 || len(want.Content[0].Content) != 1 {
		return false
	}
	w, err := yaml.Marshal(want.Content[0].Content[0])
	if err != nil {
		return false
	}
	for _, it := range seq.Content {
		if g, err := yaml.Marshal(it); err == nil && string(g) == string(w) {
			return true
		}
	}
	return false
}
