package redact

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A value is masked as written, base64-encoded, quoted and as Go prints a
// byte slice, also when a message quotes it inside other text.
func TestRedactEveryForm(t *testing.T) {
	s := NewSet()
	v := "hunter2-\"quoted\"-Secret"
	s.Add(v)
	s.Add("a\xffbroken-utf8")
	msgs := []string{
		"literal " + v + " is bad",
		fmt.Sprintf("invalid %q", v),
		"data: " + "aHVudGVyMi0icXVvdGVkIi1TZWNyZXQ=",
		fmt.Sprintf("bytes %v", []byte(v)),
		fmt.Sprintf("line %v", []byte("KEY="+v+"\xff")),
		"text " + strings.ToValidUTF8("a\xffbroken-utf8", "\uFFFD"),
	}
	for _, m := range msgs {
		got := s.Redact(m)
		if !strings.Contains(got, Mask) {
			t.Errorf("%q: nothing masked in %q", m, got)
		}
		for _, leak := range []string{"hunter2", "aHVudGVyMi0i", "104 117 110 116 101 114", "broken-utf8"} {
			if strings.Contains(got, leak) {
				t.Errorf("%q: %q still shows %q", m, got, leak)
			}
		}
	}
}

// Short values, numbers, booleans and templates are not masked in free
// text: they occur everywhere.
func TestCommonValuesAreNotMasked(t *testing.T) {
	s := NewSet()
	for _, v := range []string{"true", "admin", "5432", "1e6", "${PASSWORD}", "off"} {
		s.Add(v)
	}
	if s.Len() != 0 {
		t.Errorf("%d forms kept", s.Len())
	}
}

// Each line of a multi-line value is masked on its own, so that a diff
// printed line by line shows none of it.
func TestMultiLineValue(t *testing.T) {
	s := NewSet()
	s.Add("-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----\n")
	var buf bytes.Buffer
	w := NewWriter(&buf, s)
	fmt.Fprintln(w, " context: MIIEvQIBADANBgkqhkiG9w0B")
	if strings.Contains(buf.String(), "MIIEvQ") {
		t.Errorf("a line of the value was printed: %q", buf.String())
	}
}
