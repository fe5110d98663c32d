package format

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// SARIF 2.1.0, as GitHub code scanning reads it. Only the properties
// fluxlint fills are declared.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
		// ColumnKind says what a column counts: fluxlint's columns count
		// characters (Unicode code points), not SARIF's default UTF-16
		// code units.
		ColumnKind string `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifText         `json:"shortDescription"`
		FullDescription      sarifText         `json:"fullDescription"`
		Help                 *sarifText        `json:"help,omitempty"`
		HelpURI              string            `json:"helpUri"`
		DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
	}
	sarifText struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifRuleDefaults struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           *int              `json:"ruleIndex,omitempty"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations,omitempty"`
		RelatedLocations    []sarifRelated    `json:"relatedLocations,omitempty"`
		Fixes               []sarifFix        `json:"fixes,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	sarifRelated struct {
		ID               int            `json:"id"`
		PhysicalLocation *sarifPhysical `json:"physicalLocation"`
		Message          sarifText      `json:"message"`
	}
	sarifFix struct {
		Description     sarifText           `json:"description"`
		ArtifactChanges []sarifArtifactEdit `json:"artifactChanges"`
	}
	sarifArtifactEdit struct {
		ArtifactLocation sarifArtifact      `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion           `json:"deletedRegion"`
		InsertedContent *sarifArtifactContent `json:"insertedContent,omitempty"`
	}
	sarifArtifactContent struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		Kind               string `json:"kind"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
	}
)

// FingerprintKey names fluxlint's entry in a SARIF result's
// partialFingerprints.
const FingerprintKey = "fluxlint/v1"

// SARIF writes the findings as a SARIF 2.1.0 log with one run, describing
// every rule in rules. File paths stay relative to the repository root
// (uriBaseId %SRCROOT%), so no absolute path leaves the machine.
func SARIF(w io.Writer, ds []analysis.Diagnostic, rules []*analysis.Analyzer, toolVersion string) error {
	driver := sarifDriver{
		Name:           "fluxlint",
		InformationURI: "https://github.com/fluxlint/fluxlint",
		Version:        toolVersion,
		Rules:          make([]sarifRule, 0, len(rules)),
	}
	index := map[string]int{}
	for i, a := range rules {
		index[a.Name] = i
		r := sarifRule{
			ID:                   a.Name,
			Name:                 camelCase(a.Name),
			ShortDescription:     sarifText{Text: a.Doc.Summary},
			FullDescription:      sarifText{Text: a.Doc.Summary},
			HelpURI:              "https://github.com/fluxlint/fluxlint/blob/main/analyzers/" + a.Name + ".md",
			DefaultConfiguration: sarifRuleDefaults{Level: sarifLevel(a.Severity)},
		}
		if md := a.Doc.Markdown(); md != "" {
			r.Help = &sarifText{Text: md, Markdown: md}
		}
		driver.Rules = append(driver.Rules, r)
	}

	results := make([]sarifResult, 0, len(ds))
	seen := map[string]int{}
	for _, d := range ds {
		r := sarifResult{
			RuleID:              d.Rule,
			Level:               sarifLevel(d.Severity),
			Message:             sarifText{Text: d.Message},
			PartialFingerprints: map[string]string{FingerprintKey: fingerprint(d, seen)},
		}
		if i, ok := index[d.Rule]; ok {
			r.RuleIndex = &i
		}
		var loc sarifLocation
		if d.Pos.File != "" {
			loc.PhysicalLocation = &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: fileURI(d.Pos.File), URIBaseID: "%SRCROOT%"},
				Region:           region(d),
			}
		}
		if o := d.Object; o != nil {
			fqn := o.ID()
			if d.Kustomization != nil {
				fqn = d.Kustomization.LineageString() + " > " + fqn
			}
			loc.LogicalLocations = []sarifLogical{{Name: o.ID(), Kind: "object", FullyQualifiedName: fqn}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			r.Locations = []sarifLocation{loc}
		}
		for i, rel := range d.Related {
			if rel.Pos.File == "" {
				continue
			}
			r.RelatedLocations = append(r.RelatedLocations, sarifRelated{ID: i + 1, Message: sarifText{Text: rel.Message},
				PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(rel.Pos.File), URIBaseID: "%SRCROOT%"},
					Region: region(analysis.Diagnostic{Pos: rel.Pos})}})
		}
		for _, f := range d.Fixes {
			fix := sarifFix{Description: sarifText{Text: f.Message}}
			for _, rp := range f.Replacements {
				rep := sarifReplacement{DeletedRegion: sarifRegion{StartLine: rp.Start.Line, StartColumn: rp.Start.Col, EndLine: rp.End.Line, EndColumn: rp.End.Col}}
				if rp.Text != "" {
					rep.InsertedContent = &sarifArtifactContent{Text: rp.Text}
				}
				fix.ArtifactChanges = append(fix.ArtifactChanges, sarifArtifactEdit{
					ArtifactLocation: sarifArtifact{URI: fileURI(rp.File), URIBaseID: "%SRCROOT%"}, Replacements: []sarifReplacement{rep}})
			}
			r.Fixes = append(r.Fixes, fix)
		}
		results = append(results, r)
	}

	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results, ColumnKind: "unicodeCodePoints"}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// region is where the finding is in its file; nil for a finding about the
// whole file. Without an end (or with one that is not past the start) it
// covers the rest of the start line. End columns are exclusive, as
// Diagnostic.End's are.
func region(d analysis.Diagnostic) *sarifRegion {
	if d.Pos.Line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: d.Pos.Line, EndLine: d.Pos.Line}
	if d.Pos.Col > 0 {
		r.StartColumn = d.Pos.Col
	}
	end := d.End
	switch {
	case end.Line < d.Pos.Line:
	case end.Line == d.Pos.Line && end.Col <= d.Pos.Col:
	default:
		r.EndLine = end.Line
		if end.Col > 0 {
			r.EndColumn = end.Col
		}
	}
	return r
}

// fingerprint identifies a finding across runs, whatever line it moved to:
// its rule, file and object (or message, for a finding about no object).
// A second finding with the same identity in one run counts its occurrence
// in, so that the two stay two alerts.
func fingerprint(d analysis.Diagnostic, seen map[string]int) string {
	id := d.Message
	if o := d.Object; o != nil {
		id = o.Kind + "/" + o.Namespace + "/" + o.Name
	}
	key := d.Rule + "\x00" + d.Pos.File + "\x00" + id
	seen[key]++
	if n := seen[key]; n > 1 {
		key += fmt.Sprintf("\x00%d", n)
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:32]
}

// fileURI is a relative path as a URI reference: "clusters/a b.yaml"
// becomes "clusters/a%20b.yaml".
func fileURI(file string) string {
	return (&url.URL{Path: file}).String()
}

// sarifLevel is a severity as a SARIF level.
func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.Error:
		return "error"
	case analysis.Warning:
		return "warning"
	case analysis.Info:
		return "note"
	}
	return "none"
}

// camelCase turns a rule id into a name: "cross-namespace-ref" becomes
// "CrossNamespaceRef".
func camelCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
