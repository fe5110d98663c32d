package format

import (
	"encoding/json"
	"io"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// JSONVersion is the version of the JSON document's layout. It changes only
// when a field is removed or changes meaning; new fields may be added.
const JSONVersion = 1

// JSONDocument is what JSON writes: the findings and their counts.
type JSONDocument struct {
	Version  int           `json:"version"`
	Tool     JSONTool      `json:"tool"`
	Findings []JSONFinding `json:"findings"`
	Summary  JSONSummary   `json:"summary"`
}

// JSONTool names the program that wrote the document.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONFinding is one finding. Positions are 1-based; 0 means unknown, and a
// line of 0 means the finding is about the file as a whole.
type JSONFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	// Object is the object the finding is about; nil when there is none.
	Object *JSONObject `json:"object"`
	// Kustomizations is the chain of Flux Kustomizations, as
	// "namespace/name", from the entry point down to the one that applies
	// the object; empty when none does.
	Kustomizations []string `json:"kustomizations"`
	// Related are other places that explain the finding.
	Related []JSONRelated `json:"related,omitempty"`
	// Fixes are text changes that would resolve the finding.
	Fixes []JSONFix `json:"fixes,omitempty"`
}

// JSONRelated is another place that explains a finding.
type JSONRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// JSONFix is a suggested fix: replacements of spans of files. Start is the
// first character replaced, end the first one kept.
type JSONFix struct {
	Message      string            `json:"message"`
	Replacements []JSONReplacement `json:"replacements"`
}

// JSONReplacement replaces a span of a file with text.
type JSONReplacement struct {
	File        string `json:"file"`
	StartLine   int    `json:"startLine"`
	StartColumn int    `json:"startColumn"`
	EndLine     int    `json:"endLine"`
	EndColumn   int    `json:"endColumn"`
	Text        string `json:"text"`
}

// JSONObject identifies a Kubernetes object.
type JSONObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// JSONSummary counts the findings by severity.
type JSONSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Info     int `json:"info"`
}

// JSON writes the findings as one indented JSONDocument, in the order
// given.
func JSON(w io.Writer, ds []analysis.Diagnostic, toolVersion string) error {
	doc := JSONDocument{
		Version:  JSONVersion,
		Tool:     JSONTool{Name: "fluxlint", Version: toolVersion},
		Findings: JSONFindings(ds),
	}
	for _, d := range ds {
		switch d.Severity {
		case analysis.Error:
			doc.Summary.Errors++
		case analysis.Warning:
			doc.Summary.Warnings++
		case analysis.Info:
			doc.Summary.Info++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// JSONFindings is each finding as the JSON documents fluxlint writes hold
// it (check, migrate --plan, diff).
func JSONFindings(ds []analysis.Diagnostic) []JSONFinding {
	out := make([]JSONFinding, 0, len(ds))
	for _, d := range ds {
		f := JSONFinding{
			Rule:           d.Rule,
			Severity:       d.Severity.String(),
			Message:        d.Message,
			File:           d.Pos.File,
			Line:           d.Pos.Line,
			Column:         d.Pos.Col,
			Kustomizations: []string{},
		}
		if d.End.Line > 0 {
			f.EndLine, f.EndColumn = d.End.Line, d.End.Col
		}
		if o := d.Object; o != nil {
			f.Object = &JSONObject{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
		}
		if d.Kustomization != nil {
			for _, k := range d.Kustomization.Lineage() {
				f.Kustomizations = append(f.Kustomizations, k.Key())
			}
		}
		for _, r := range d.Related {
			f.Related = append(f.Related, JSONRelated{File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Col, Message: r.Message})
		}
		for _, fx := range d.Fixes {
			jf := JSONFix{Message: fx.Message}
			for _, r := range fx.Replacements {
				jf.Replacements = append(jf.Replacements, JSONReplacement{File: r.File, StartLine: r.Start.Line, StartColumn: r.Start.Col,
					EndLine: r.End.Line, EndColumn: r.End.Col, Text: r.Text})
			}
			f.Fixes = append(f.Fixes, jf)
		}
		out = append(out, f)
	}
	return out
}
