// Package rewrite edits YAML files the way a careful person would: it
// finds the fields to change with a YAML parser, then splices the new text
// into the original bytes, so that comments, key order, quoting, blank
// lines, document separators and indentation stay exactly as they were and
// a diff shows only the lines that had to change. kyaml's encoder is not
// used for writing because it re-indents and re-flows what it did not
// change.
//
// After splicing, the file is parsed again and every edit is checked; a
// file that would not parse, or would not say what was asked, is an error
// and nothing is written.
package rewrite
