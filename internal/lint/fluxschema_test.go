package lint_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// verdictsFile holds flux-schema's verdicts on every rendered object of
// every corpus repository, one line each: "status apiVersion kind
// namespace/name [violation paths]". It is what flux-schema printed when
// it was last run here (see TestFluxSchemaAgreement), so that the
// agreement is tested where flux-schema cannot be installed.
var verdictsFile = filepath.Join("..", "..", "testdata", "fluxschema", "verdicts.txt")

// fluxSchemaModule is the peer: the official validator of Flux manifests.
const fluxSchemaModule = "github.com/fluxcd/flux-schema/cmd/flux-schema@v0.9.0"

// knownDifferences are objects on which fluxlint's schema rule and
// flux-schema disagree, and why. Keyed by repository and object identity.
var knownDifferences = map[string]string{
	"fixture bad apps/v1 Deployment web/api": "spec.replicas is ${API_REPLICAS}, substituted from a Secret that is not in the repository: " +
		"fluxlint does not judge a value it cannot know, flux-schema judges the placeholder",
}

// TestFluxSchemaAgreement compares, object by object, the schema rule's
// verdict on every rendered object of every corpus repository with
// flux-schema's (fluxcd/flux-schema, run as a peer: its validator is an
// internal package). Both judge what Flux would apply: the objects as
// rendered, so patches, kustomize files and ${VAR} names are not objects.
//
// flux-schema runs live when it can: FLUXLINT_FLUXSCHEMA names the binary,
// or it is on PATH, or `go install` gets it from the module proxy; its
// catalog is a directory (FLUXLINT_FLUXSCHEMA_CATALOG, the catalog/latest
// of its repository), since its default catalog is on GitHub and check
// never touches the network. FLUXLINT_UPDATE_FLUXSCHEMA=1 records the live
// verdicts in testdata/fluxschema/verdicts.txt. Without a live flux-schema
// the recorded verdicts are compared, unless FLUXLINT_REQUIRE_FLUXSCHEMA=1,
// which makes its absence a failure.
func TestFluxSchemaAgreement(t *testing.T) {
	corpus := fixture.CorpusDir(t, 2)
	repos, _ := filepath.Glob(filepath.Join(corpus, "*__*"))
	compareWithFluxSchema(t, repos)
}

// TestFluxSchemaAgreementOnFixtures does the same on the schema rule's
// fixtures, where there is something to disagree on.
func TestFluxSchemaAgreementOnFixtures(t *testing.T) {
	fixtures, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "analyzers", "schema", "*"))
	compareWithFluxSchema(t, fixtures)
}

func compareWithFluxSchema(t *testing.T, repos []string) {
	bin, catalog, why := fluxSchemaPeer(t)
	if bin == "" && os.Getenv("FLUXLINT_REQUIRE_FLUXSCHEMA") == "1" {
		t.Fatalf("flux-schema cannot run live (%s), and FLUXLINT_REQUIRE_FLUXSCHEMA=1", why)
	}
	if bin == "" {
		t.Logf("flux-schema cannot run live (%s): comparing with the verdicts recorded in %s", why, verdictsFile)
	}
	recorded := readVerdicts(t)
	live := map[string]map[string]verdict{}
	for _, dir := range repos {
		repo := filepath.Base(dir)
		if !strings.Contains(repo, "__") {
			repo = "fixture " + repo
		}
		t.Run(repo, func(t *testing.T) {
			rep, err := lint.Run(lint.Options{Render: render.Options{Dir: dir}, Suite: analyzers.All})
			if err != nil {
				t.Fatal(err)
			}
			// fluxlint's verdict is the schema rule's, and that of the rules
			// it leaves an object's API version, a field too young for the
			// installation's Flux, a spec that does not decode, or a
			// Kustomization without spec.prune to.
			ours := map[string][]string{}
			for _, d := range rep.Diagnostics {
				missingPrune := d.Rule == "prune" && strings.Contains(d.Message, "does not set spec.prune")
				if (schemaFamily[d.Rule] || missingPrune) && d.Object != nil {
					ours[identity(d.Object.APIVersion, d.Object.Kind, d.Object.Namespace, d.Object.Name)] = append(ours[identity(d.Object.APIVersion, d.Object.Kind, d.Object.Namespace, d.Object.Name)], d.Message)
				}
			}
			theirs := recorded[repo]
			if bin != "" {
				theirs = runFluxSchema(t, bin, catalog, rep.Result.Objects)
				live[repo] = theirs
			}
			if theirs == nil {
				t.Fatalf("no flux-schema verdicts for %s in %s", repo, verdictsFile)
			}
			agree, checked := 0, 0
			for id, v := range theirs {
				if v.status != "valid" && v.status != "invalid" {
					continue
				}
				checked++
				oursInvalid := len(ours[id]) > 0
				if oursInvalid == (v.status == "invalid") {
					agree++
					continue
				}
				if why, ok := knownDifferences[repo+" "+id]; ok {
					t.Logf("%s: flux-schema says %s, fluxlint %v: known: %s", id, v.status, ours[id], why)
					continue
				}
				t.Errorf("%s: flux-schema says %s %v, fluxlint says %v", id, v.status, v.violations, ours[id])
			}
			for id, msgs := range ours {
				if _, ok := theirs[id]; !ok {
					t.Logf("%s: fluxlint reports %v; flux-schema skipped it or never saw it", id, msgs)
				}
			}
			t.Logf("%d objects flux-schema judged, %d verdicts agree; fluxlint finds %d objects invalid", checked, agree, len(ours))
		})
	}
	if bin != "" && os.Getenv("FLUXLINT_UPDATE_FLUXSCHEMA") == "1" {
		all := readVerdicts(t)
		for r, v := range live {
			all[r] = v
		}
		writeVerdicts(t, all)
	}
}

var schemaFamily = map[string]bool{"schema": true, "not-in-flux-version": true, "removed-api": true, "invalid-object": true}

type verdict struct {
	status     string
	violations []string
}

func identity(apiVersion, kind, namespace, name string) string {
	return apiVersion + " " + kind + " " + namespace + "/" + name
}

// fluxSchemaPeer finds flux-schema and its catalog, or says why not.
func fluxSchemaPeer(t *testing.T) (bin, catalog, why string) {
	catalog = os.Getenv("FLUXLINT_FLUXSCHEMA_CATALOG")
	if catalog == "" {
		return "", "", "FLUXLINT_FLUXSCHEMA_CATALOG is not set, and flux-schema's default catalog is on the network"
	}
	if bin = os.Getenv("FLUXLINT_FLUXSCHEMA"); bin != "" {
		return bin, catalog, ""
	}
	if p, err := exec.LookPath("flux-schema"); err == nil {
		return p, catalog, ""
	}
	gobin := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", fluxSchemaModule)
	cmd.Dir = gobin
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Sprintf("go install %s: %v: %s", fluxSchemaModule, err, strings.TrimSpace(string(out)))
	}
	return filepath.Join(gobin, "flux-schema"), catalog, ""
}

// runFluxSchema writes the objects as render prints them (Secrets' values
// replaced) and returns flux-schema's verdict on each.
func runFluxSchema(t *testing.T, bin, catalog string, objs []*render.Object) map[string]verdict {
	var b strings.Builder
	for _, o := range objs {
		if o.Node == nil {
			continue
		}
		n := o.Node.Copy()
		if o.APIVersion == "v1" && o.Kind == "Secret" {
			for _, f := range []string{"data", "stringData"} {
				if m := n.Field(f); m != nil && m.Value.YNode().Kind == yaml.MappingNode {
					for i := 1; i < len(m.Value.YNode().Content); i += 2 {
						m.Value.YNode().Content[i] = yaml.NewStringRNode("eA==").YNode()
					}
				}
			}
		}
		s, err := n.String()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n" + s)
	}
	file := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "validate", file, "-s", catalog, "--skip-missing-schemas",
		"--skip-json-path", "v1/Secret:/sops", "-o", "json")
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	var rep struct {
		Report struct {
			Results []struct {
				Resource *struct {
					APIVersion, Kind, Namespace, Name string
				}
				Status     string
				Violations []struct{ Path, Message string }
			}
		}
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("flux-schema: %v: %s", err, out)
	}
	got := map[string]verdict{}
	for _, r := range rep.Report.Results {
		if r.Resource == nil {
			continue
		}
		id := identity(r.Resource.APIVersion, r.Resource.Kind, r.Resource.Namespace, r.Resource.Name)
		v := verdict{status: r.Status}
		for _, x := range r.Violations {
			v.violations = append(v.violations, x.Path)
		}
		if old, ok := got[id]; ok && old.status == "invalid" {
			continue // the same object rendered twice: invalid wins
		}
		got[id] = v
	}
	return got
}

func readVerdicts(t *testing.T) map[string]map[string]verdict {
	f, err := os.Open(verdictsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]verdict{}
	repo := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "repository "):
			repo = strings.TrimPrefix(line, "repository ")
			out[repo] = map[string]verdict{}
		case strings.HasPrefix(line, "fixture "):
			repo = line
			out[repo] = map[string]verdict{}
		default:
			f := strings.Fields(line)
			if len(f) < 4 || repo == "" {
				t.Fatalf("%s: bad line %q", verdictsFile, line)
			}
			out[repo][strings.Join(f[1:4], " ")] = verdict{status: f[0], violations: f[4:]}
		}
	}
	return out
}

func writeVerdicts(t *testing.T, live map[string]map[string]verdict) {
	var b strings.Builder
	b.WriteString("# flux-schema's verdicts on the rendered objects of the corpus repositories:\n")
	b.WriteString("# status apiVersion kind namespace/name [violation paths].\n")
	b.WriteString("# Written by FLUXLINT_UPDATE_FLUXSCHEMA=1 go test ./internal/lint -run TestFluxSchemaAgreement\n")
	b.WriteString("# with " + fluxSchemaModule + " and its catalog/latest; skipped objects are left out.\n")
	var repos []string
	for r := range live {
		repos = append(repos, r)
	}
	sort.Strings(repos)
	for _, r := range repos {
		if strings.HasPrefix(r, "fixture ") {
			b.WriteString("\n" + r + "\n")
		} else {
			b.WriteString("\nrepository " + r + "\n")
		}
		var lines []string
		for id, v := range live[r] {
			if v.status != "valid" && v.status != "invalid" {
				continue
			}
			lines = append(lines, strings.TrimSpace(v.status+" "+id+" "+strings.Join(v.violations, " ")))
		}
		sort.Strings(lines)
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	if err := os.WriteFile(verdictsFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
