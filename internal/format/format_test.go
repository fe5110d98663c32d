package format

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/sarifschema"
)

const schemaFile = "../../testdata/sarif/sarif-schema-2.1.0.json"

var testRules = []*analysis.Analyzer{
	{Name: "prune", Doc: analysis.Doc{Summary: "a Flux Kustomization does not set prune: true", Why: "Set `prune: true`."}, Severity: analysis.Warning},
	{Name: "cross-namespace-ref", Doc: analysis.Doc{Summary: "a Flux object refers to a source in another namespace", Why: "Keep references in one namespace."}, Severity: analysis.Error},
	{Name: "yaml-syntax", Doc: analysis.Doc{Summary: "a YAML file does not parse"}, Severity: analysis.Error},
	{Name: "health-checks", Doc: analysis.Doc{Summary: "no health checks", Why: "Add `healthChecks`."}, Severity: analysis.Info},
}

// testFindings are an error about an object applied through a chain of two
// Kustomizations, a whole-file finding, an info finding without an end and
// a finding of a rule the rule list lacks.
func testFindings() []analysis.Diagnostic {
	root := &render.Kustomization{Namespace: "flux-system", Name: "cluster"}
	infra := &render.Kustomization{Namespace: "flux-system", Name: "infra", Parent: root}
	root.Children = []*render.Kustomization{infra}
	hr := &render.Object{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: "nginx", Name: "nginx", AppliedBy: infra}
	ks := &render.Object{APIVersion: "kustomize.toolkit.fluxcd.io/v1", Kind: "Kustomization", Namespace: "flux-system", Name: "apps"}
	return []analysis.Diagnostic{
		{
			Rule: "cross-namespace-ref", Severity: analysis.Error,
			Pos:     load.Pos{File: "infrastructure/nginx/release.yaml", Line: 12, Col: 7},
			End:     load.Pos{File: "infrastructure/nginx/release.yaml", Line: 12, Col: 25},
			Message: `sourceRef names HelmRepository "flux-system/bitnami" in another namespace`,
			Object:  hr, Kustomization: infra,
			Related: []analysis.Related{{Pos: load.Pos{File: "infrastructure/sources.yaml", Line: 4, Col: 7}, Message: "HelmRepository flux-system/bitnami is defined here"}},
			Fixes: []analysis.SuggestedFix{{Message: "use the HelmRepository of the release's namespace", Replacements: []analysis.Replacement{{
				File: "infrastructure/nginx/release.yaml", Start: load.Pos{Line: 12, Col: 20}, End: load.Pos{Line: 12, Col: 31}, Text: "nginx"}}}},
		},
		{
			Rule: "yaml-syntax", Severity: analysis.Error,
			Pos:     load.Pos{File: "apps/broken file.yaml"},
			Message: "yaml: line 3: mapping values are not allowed in this context",
		},
		{
			Rule: "health-checks", Severity: analysis.Info,
			Pos:     load.Pos{File: "clusters/prod/apps.yaml", Line: 3, Col: 1},
			Message: "Kustomization flux-system/apps has no health checks",
			Object:  ks,
		},
		{
			Rule: "unknown-rule", Severity: analysis.Warning,
			Pos:     load.Pos{File: "clusters/prod/apps.yaml", Line: 9, Col: 3},
			End:     load.Pos{File: "clusters/prod/apps.yaml", Line: 10, Col: 8},
			Message: "a warning from a rule the list does not describe",
		},
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, testFindings(), "1.2.3"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"related": [`, `"file": "infrastructure/sources.yaml"`, `"fixes": [`, `"text": "nginx"`, `"startColumn": 20`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, buf.String())
		}
	}
	var doc JSONDocument
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode: %v\n%s", err, buf.String())
	}
	if doc.Version != 1 || doc.Tool != (JSONTool{Name: "fluxlint", Version: "1.2.3"}) {
		t.Errorf("version %d, tool %+v", doc.Version, doc.Tool)
	}
	if want := (JSONSummary{Errors: 2, Warnings: 1, Info: 1}); doc.Summary != want {
		t.Errorf("summary %+v, want %+v", doc.Summary, want)
	}
	if len(doc.Findings) != 4 {
		t.Fatalf("%d findings, want 4", len(doc.Findings))
	}
	want := JSONFinding{
		Rule: "cross-namespace-ref", Severity: "error",
		Message: `sourceRef names HelmRepository "flux-system/bitnami" in another namespace`,
		File:    "infrastructure/nginx/release.yaml", Line: 12, Column: 7, EndLine: 12, EndColumn: 25,
		Object:         &JSONObject{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: "nginx", Name: "nginx"},
		Kustomizations: []string{"flux-system/cluster", "flux-system/infra"},
		Related:        []JSONRelated{{File: "infrastructure/sources.yaml", Line: 4, Column: 7, Message: "HelmRepository flux-system/bitnami is defined here"}},
		Fixes: []JSONFix{{Message: "use the HelmRepository of the release's namespace", Replacements: []JSONReplacement{{
			File: "infrastructure/nginx/release.yaml", StartLine: 12, StartColumn: 20, EndLine: 12, EndColumn: 31, Text: "nginx"}}}},
	}
	if !reflect.DeepEqual(doc.Findings[0], want) {
		t.Errorf("finding 0:\n got %+v\nwant %+v", doc.Findings[0], want)
	}
	whole := doc.Findings[1]
	if whole.File != "apps/broken file.yaml" || whole.Line != 0 || whole.Column != 0 || whole.EndLine != 0 || whole.EndColumn != 0 || whole.Object != nil {
		t.Errorf("whole-file finding: %+v", whole)
	}
	if info := doc.Findings[2]; info.Severity != "info" || info.EndLine != 0 || info.Object == nil || info.Object.Kind != "Kustomization" {
		t.Errorf("info finding: %+v", info)
	}

	// No object is null and no chain is [], never null.
	var raw struct {
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	buf.Reset() // the decoder consumed it
	if err := JSON(&buf, testFindings(), "1.2.3"); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if got := string(raw.Findings[1]["object"]); got != "null" {
		t.Errorf("object of a finding without one = %s, want null", got)
	}
	if got := string(raw.Findings[1]["kustomizations"]); got != "[]" {
		t.Errorf("kustomizations of a finding without any = %s, want []", got)
	}
	if !strings.HasSuffix(buf.String(), "}\n") || !strings.Contains(buf.String(), "\n  \"findings\": [") {
		t.Errorf("not an indented document:\n%s", buf.String())
	}
}

func TestJSONNoFindings(t *testing.T) {
	for _, ds := range [][]analysis.Diagnostic{nil, {}} {
		var buf bytes.Buffer
		if err := JSON(&buf, ds, "dev"); err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		if got := string(raw["findings"]); got != "[]" {
			t.Errorf("findings = %s, want []", got)
		}
		var doc JSONDocument
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Findings == nil || len(doc.Findings) != 0 || doc.Summary != (JSONSummary{}) {
			t.Errorf("document %+v", doc)
		}
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Compile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	if err := sarifschema.Validate(sch, out); err != nil {
		t.Fatalf("SARIF output does not validate: %v\n%s", err, out)
	}
}

type sarifTestLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string                 `json:"id"`
					Name                 string                 `json:"name"`
					ShortDescription     map[string]string      `json:"shortDescription"`
					Help                 map[string]string      `json:"help"`
					HelpURI              string                 `json:"helpUri"`
					DefaultConfiguration struct{ Level string } `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region map[string]int `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []map[string]string `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIF(t *testing.T) {
	sch := sarifSchema(t)
	ds := testFindings()
	var buf bytes.Buffer
	if err := SARIF(&buf, ds, testRules, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sch, buf.Bytes())
	for _, want := range []string{`"relatedLocations": [`, `"uri": "infrastructure/sources.yaml"`, `"fixes": [`, `"deletedRegion": {`, `"text": "nginx"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}

	var log sarifTestLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || len(log.Runs) != 1 {
		t.Fatalf("log: version %q, $schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	driver := run.Tool.Driver
	if driver.Name != "fluxlint" || driver.Version != "1.2.3" || len(driver.Rules) != len(testRules) {
		t.Fatalf("driver %q %q with %d rules", driver.Name, driver.Version, len(driver.Rules))
	}
	r := driver.Rules[1]
	if r.ID != "cross-namespace-ref" || r.Name != "CrossNamespaceRef" || r.DefaultConfiguration.Level != "error" ||
		r.HelpURI != "https://github.com/fluxlint/fluxlint/blob/main/analyzers/cross-namespace-ref.md" ||
		r.ShortDescription["text"] != testRules[1].Doc.Summary || r.Help["markdown"] != testRules[1].Doc.Markdown() || r.Help["text"] != testRules[1].Doc.Markdown() {
		t.Errorf("rule 1: %+v", r)
	}
	if lvl := driver.Rules[3].DefaultConfiguration.Level; lvl != "note" {
		t.Errorf("info rule level %q, want note", lvl)
	}

	if len(run.Results) != len(ds) {
		t.Fatalf("%d results, want %d", len(run.Results), len(ds))
	}
	for i, res := range run.Results {
		d := ds[i]
		if res.RuleID != d.Rule || res.Message.Text != d.Message {
			t.Errorf("result %d: rule %q message %q", i, res.RuleID, res.Message.Text)
		}
		// ruleIndex points at the rule, and is left out for a rule the
		// list lacks.
		if res.RuleIndex == nil {
			if analysis.ByName(testRules, d.Rule) != nil {
				t.Errorf("result %d: no ruleIndex", i)
			}
		} else if got := driver.Rules[*res.RuleIndex].ID; got != d.Rule {
			t.Errorf("result %d: ruleIndex %d is rule %q, want %q", i, *res.RuleIndex, got, d.Rule)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil {
			t.Fatalf("result %d: locations %+v", i, res.Locations)
		}
		art := res.Locations[0].PhysicalLocation.ArtifactLocation
		if art.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: uriBaseId %q", i, art.URIBaseID)
		}
		if fp := res.PartialFingerprints[FingerprintKey]; len(fp) != 32 {
			t.Errorf("result %d: fingerprint %q", i, fp)
		}
	}
	if lv := []string{run.Results[0].Level, run.Results[1].Level, run.Results[2].Level, run.Results[3].Level}; !reflect.DeepEqual(lv, []string{"error", "error", "note", "warning"}) {
		t.Errorf("levels %v", lv)
	}
	if idx := run.Results[3].RuleIndex; idx != nil {
		t.Errorf("ruleIndex %d for a rule that is not in the list", *idx)
	}

	// Real regions: the finding's own line and column, never an invented
	// line 1.
	regions := []map[string]int{
		{"startLine": 12, "startColumn": 7, "endLine": 12, "endColumn": 25},
		nil, // the whole file: no region
		{"startLine": 3, "startColumn": 1, "endLine": 3},
		{"startLine": 9, "startColumn": 3, "endLine": 10, "endColumn": 8},
	}
	for i, want := range regions {
		if got := run.Results[i].Locations[0].PhysicalLocation.Region; !reflect.DeepEqual(got, want) {
			t.Errorf("result %d: region %v, want %v", i, got, want)
		}
	}
	if uri := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "apps/broken%20file.yaml" {
		t.Errorf("uri %q, want apps/broken%%20file.yaml", uri)
	}
	if uri := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "infrastructure/nginx/release.yaml" {
		t.Errorf("uri %q", uri)
	}

	// The object and its chain as a logical location.
	wantLogical := []map[string]string{{
		"name": "HelmRelease nginx/nginx", "kind": "object",
		"fullyQualifiedName": "flux-system/cluster > flux-system/infra > HelmRelease nginx/nginx",
	}}
	if got := run.Results[0].Locations[0].LogicalLocations; !reflect.DeepEqual(got, wantLogical) {
		t.Errorf("logical locations %v, want %v", got, wantLogical)
	}
	if got := run.Results[2].Locations[0].LogicalLocations; len(got) != 1 || got[0]["fullyQualifiedName"] != "Kustomization flux-system/apps" {
		t.Errorf("logical locations without a chain: %v", got)
	}
	if got := run.Results[1].Locations[0].LogicalLocations; got != nil {
		t.Errorf("logical locations without an object: %v", got)
	}
}

func TestSARIFFingerprint(t *testing.T) {
	fp := func(ds []analysis.Diagnostic) []string {
		var buf bytes.Buffer
		if err := SARIF(&buf, ds, testRules, "dev"); err != nil {
			t.Fatal(err)
		}
		var log sarifTestLog
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range log.Runs[0].Results {
			out = append(out, r.PartialFingerprints[FingerprintKey])
		}
		return out
	}
	before := fp(testFindings())

	// The same findings, lines moved: the same fingerprints.
	moved := testFindings()
	for i := range moved {
		if moved[i].Pos.Line > 0 {
			moved[i].Pos.Line += 40
			moved[i].End.Line += 40
		}
	}
	if after := fp(moved); !reflect.DeepEqual(before, after) {
		t.Errorf("fingerprints changed when lines moved:\n%v\n%v", before, after)
	}
	seen := map[string]bool{}
	for _, f := range before {
		if seen[f] {
			t.Errorf("fingerprint %s twice", f)
		}
		seen[f] = true
	}

	// Two findings of one rule about one object stay apart.
	two := testFindings()[:1]
	second := two[0]
	second.Pos.Line, second.Message = 20, "another problem with the same object"
	if got := fp(append(two, second)); got[0] == got[1] {
		t.Errorf("two findings about one object share fingerprint %s", got[0])
	}
}

func TestSARIFNoFindings(t *testing.T) {
	sch := sarifSchema(t)
	for _, rules := range [][]*analysis.Analyzer{testRules, analyzers.All, nil} {
		var buf bytes.Buffer
		if err := SARIF(&buf, nil, rules, ""); err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, sch, buf.Bytes())
		var raw struct {
			Runs []map[string]json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		if got := string(raw.Runs[0]["results"]); got != "[]" {
			t.Errorf("results = %s, want []", got)
		}
	}
}

// The schema check catches what a careless writer would produce.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	for name, doc := range map[string]string{
		"line 0":       `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml"},"region":{"startLine":0}}}]}]}]}`,
		"bad level":    `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"info"}]}]}`,
		"unknown prop": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"severity":"error"}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepts an invalid log", name)
		}
	}
}

func TestGitHub(t *testing.T) {
	ds := testFindings()
	ds = append(ds, analysis.Diagnostic{
		Rule: "substitution", Severity: analysis.Error,
		Pos:     load.Pos{File: "apps/a,b:c.yaml", Line: 4, Col: 9},
		Message: "100%, a:b\nsecond line",
	})
	var buf bytes.Buffer
	if err := GitHub(&buf, ds); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"::error file=infrastructure/nginx/release.yaml,line=12,col=7,endLine=12,endColumn=25,title=fluxlint cross-namespace-ref::" +
			`sourceRef names HelmRepository "flux-system/bitnami" in another namespace%0AHelmRelease nginx/nginx via flux-system/cluster > flux-system/infra`,
		"::error file=apps/broken file.yaml,title=fluxlint yaml-syntax::yaml: line 3: mapping values are not allowed in this context",
		"::notice file=clusters/prod/apps.yaml,line=3,col=1,title=fluxlint health-checks::Kustomization flux-system/apps has no health checks%0AKustomization flux-system/apps",
		"::warning file=clusters/prod/apps.yaml,line=9,col=3,endLine=10,endColumn=8,title=fluxlint unknown-rule::a warning from a rule the list does not describe",
		"::error file=apps/a%2Cb%3Ac.yaml,line=4,col=9,title=fluxlint substitution::100%25, a:b%0Asecond line",
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("raw line break in %q", line)
		}
	}
}

func TestGitHubNoFindings(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, nil); err != nil || buf.Len() != 0 {
		t.Errorf("no findings: %q, %v", buf.String(), err)
	}
}

func TestCamelCase(t *testing.T) {
	for id, want := range map[string]string{
		"prune":                   "Prune",
		"cross-namespace-ref":     "CrossNamespaceRef",
		"sops-without-decryption": "SopsWithoutDecryption",
	} {
		if got := camelCase(id); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", id, got, want)
		}
	}
}
