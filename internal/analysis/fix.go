package analysis

import (
	"bytes"
	"unicode/utf8"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Replacement is one span of a file replaced with new text: what a fix
// changes, in the form SARIF and a future --fix apply. Start is the first
// character replaced and End the first one kept (1-based lines and
// columns, columns in characters).
type Replacement struct {
	File       string
	Start, End load.Pos
	Text       string
}

// resolve turns the edits of a fix into one replacement per file: the
// smallest span the edits change, found by applying them with rewrite,
// which refuses any edit that would not leave a file that parses and holds
// the new values. A fix whose edits cannot be applied is dropped.
func (f *SuggestedFix) resolve(repo *load.Repo) bool {
	byFile := map[string][]rewrite.Edit{}
	var files []string
	for _, e := range f.Edits {
		if byFile[e.File] == nil {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e.Edit)
	}
	f.Replacements = nil
	for _, name := range files {
		file := repo.File(name)
		if file == nil {
			return false
		}
		old, err := file.Data()
		if err != nil {
			return false
		}
		new, err := rewrite.Apply(name, old, byFile[name])
		if err != nil {
			return false
		}
		f.Replacements = append(f.Replacements, replacement(name, old, new))
	}
	return len(f.Replacements) > 0
}

// replacement is the span between the common prefix and suffix of old and
// new, on character boundaries.
func replacement(name string, old, new []byte) Replacement {
	pre := 0
	for pre < len(old) && pre < len(new) && old[pre] == new[pre] {
		pre++
	}
	for pre > 0 && !utf8.RuneStart(old[pre]) {
		pre--
	}
	suf := 0
	for suf < len(old)-pre && suf < len(new)-pre && old[len(old)-1-suf] == new[len(new)-1-suf] {
		suf++
	}
	for suf > 0 && len(old)-suf < len(old) && !utf8.RuneStart(old[len(old)-suf]) {
		suf--
	}
	return Replacement{
		File:  name,
		Start: position(name, old, pre),
		End:   position(name, old, len(old)-suf),
		Text:  string(new[pre : len(new)-suf]),
	}
}

// position is the line and character column of a byte offset.
func position(name string, data []byte, off int) load.Pos {
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return load.Pos{File: name, Line: line, Col: utf8.RuneCount(data[start:off]) + 1}
}
