package format

import (
	"encoding/json"
	"io"

	"github.com/fluxlint/fluxlint/analyzers"
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
func JSON(w io.Writer, ds []analyzers.Diagnostic, toolVersion string) error {
	doc := JSONDocument{
		Version:  JSONVersion,
		Tool:     JSONTool{Name: "fluxlint", Version: toolVersion},
		Findings: make([]JSONFinding, 0, len(ds)),
	}
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
			for _, k := range d.Kustomization.Chain() {
				f.Kustomizations = append(f.Kustomizations, k.Key())
			}
		}
		switch d.Severity {
		case analyzers.Error:
			doc.Summary.Errors++
		case analyzers.Warning:
			doc.Summary.Warnings++
		case analyzers.Info:
			doc.Summary.Info++
		}
		doc.Findings = append(doc.Findings, f)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
