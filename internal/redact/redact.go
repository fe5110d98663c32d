package redact

import (
	"encoding/base64"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Mask is what a secret value is replaced with in any output.
const Mask = "**REDACTED**"

// MinLength is the shortest value masked in free text. Shorter values
// ("true", "admin", "5432") occur everywhere in YAML and messages, and
// masking them would garble the output; they are still masked in the Secret
// fields themselves, which render prints masked whatever their length.
// Numbers and booleans are never masked in free text, for the same reason.
const MinLength = 6

// Set is a set of secret values, safe for concurrent use.
type Set struct {
	mu       sync.Mutex
	values   map[string]bool
	replacer *strings.Replacer // rebuilt when values change
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{values: map[string]bool{}} }

// Add adds a secret value, in every form it may be printed in. A
// multi-line value also adds each of its lines, so that a value printed
// line by line (a diff) is masked too.
func (s *Set) Add(v string) {
	if s == nil || len(strings.TrimSpace(v)) < MinLength || common(v) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range forms(v) {
		if !s.values[f] {
			s.values[f] = true
			s.replacer = nil
		}
	}
	if strings.ContainsAny(v, "\n\r") {
		for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if l = strings.TrimSpace(l); len(l) >= 8 && !s.values[l] {
				s.values[l] = true
				s.replacer = nil
			}
		}
	}
}

// forms are the ways a value may show up in a message: as it is, base64
// encoded (with and without padding), quoted as Go and JSON quote it, and
// as the decimal bytes of a Go byte slice printed with %v.
func forms(v string) []string {
	out := []string{v, base64.StdEncoding.EncodeToString([]byte(v)), base64.RawStdEncoding.EncodeToString([]byte(v))}
	if q := strconv.Quote(v); q[1:len(q)-1] != v {
		out = append(out, q[1:len(q)-1])
	}
	if t := strings.TrimSpace(v); t != v {
		out = append(out, t)
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(int(v[i])))
	}
	out = append(out, b.String())
	if !utf8.ValidString(v) {
		out = append(out, strings.ToValidUTF8(v, "\uFFFD"))
	}
	return out
}

// Len is how many forms the set masks.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.values)
}

// Redact masks every value of the set in text.
func (s *Set) Redact(text string) string {
	if s == nil {
		return text
	}
	s.mu.Lock()
	r := s.replacer
	if r == nil && len(s.values) > 0 {
		vals := make([]string, 0, len(s.values))
		for v := range s.values {
			vals = append(vals, v)
		}
		// Longest first, so that a value containing another is masked
		// whole.
		sort.Slice(vals, func(i, j int) bool {
			if len(vals[i]) != len(vals[j]) {
				return len(vals[i]) > len(vals[j])
			}
			return vals[i] < vals[j]
		})
		args := make([]string, 0, 2*len(vals))
		for _, v := range vals {
			args = append(args, v, Mask)
		}
		r = strings.NewReplacer(args...)
		s.replacer = r
	}
	s.mu.Unlock()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// Writer masks the values of a set in everything written through it. Each
// Write is masked as a whole: fluxlint writes a message, a line or a
// document at a time, and a value's lines are in the set on their own.
type Writer struct {
	w   io.Writer
	set *Set
}

// NewWriter returns a Writer that masks the values of set in what it
// writes to w.
func NewWriter(w io.Writer, set *Set) *Writer { return &Writer{w: w, set: set} }

func (w *Writer) Write(p []byte) (int, error) {
	if w.set.Len() == 0 {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, w.set.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// common reports whether a value is one that occurs everywhere: a number,
// a boolean or null, or a template that substitution fills in.
func common(v string) bool {
	t := strings.TrimSpace(v)
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		return true
	}
	switch strings.ToLower(t) {
	case "true", "false", "yes", "no", "null", "on", "off":
		return true
	}
	return strings.Contains(t, "${")
}
