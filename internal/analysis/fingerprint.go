package analysis

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint identifies a finding across edits that move lines: the rule,
// the identity of the object it is about (group, kind, namespace, name)
// and the field path it points at. A finding about no object (a render
// problem) is identified by its rule, file and message. Two renders of
// one repository, before and after a change, give an unchanged finding
// the same fingerprint; a baseline file stores it.
func (d Diagnostic) Fingerprint() string {
	var parts []string
	switch {
	case d.Object != nil:
		parts = []string{d.Rule, d.Object.Identity(), d.fieldPath(), d.messageShape()}
	default:
		parts = []string{d.Rule, d.Pos.File, d.Message}
	}
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:12])
}

// fieldPath is the path of the field the finding points at in its
// object's document, "" when it has none.
func (d Diagnostic) fieldPath() string {
	o := d.Object
	if o.Doc == nil || o.Doc.File.Name() != d.Pos.File {
		return ""
	}
	return strings.Join(o.Doc.PathAt(d.Pos.Line, d.Pos.Col), ".")
}

// messageShape is the message without its digits: two findings of one
// rule at one field differ by what they say (two cross-namespace
// references in one list), but not by a line number a message quotes.
func (d Diagnostic) messageShape() string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, d.Message)
}
