package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrateCommand(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "repo")
	copyTree(t, "../../testdata/migrate/seed-001/before", repo)
	release := filepath.Join(repo, "infrastructure", "nginx", "release.yaml")
	before, _ := os.ReadFile(release)

	// The default prints a diff and explains the step; nothing is written.
	code, out, errOut := run("migrate", repo)
	if code != ExitOK || !strings.Contains(out, "+  targetNamespace: nginx\n") || !strings.Contains(errOut, "Step 2 of 2") || !strings.Contains(errOut, "WARNING: Git does not make 1 of them safe to delete: HelmRelease nginx/nginx") {
		t.Fatalf("diff: exit %d\n%s\n%s", code, out, errOut)
	}
	if now, _ := os.ReadFile(release); string(now) != string(before) {
		t.Fatal("the diff mode wrote the file")
	}
	if code, out, _ := run("migrate", "-l", repo); code != ExitOK || out != "infrastructure/nginx/release.yaml\ninfrastructure/sources/bitnami.yaml\n" {
		t.Errorf("-l: exit %d %q", code, out)
	}
	if code, _, _ := run("migrate", "--check", repo); code != ExitFindings {
		t.Errorf("--check before migrating: exit %d", code)
	}
	// Writing the move while Git does not suspend the HelmRelease is refused.
	if code, _, errOut := run("migrate", "-w", repo); code != ExitError || !strings.Contains(errOut, "run step 1 (--step suspend) first") {
		t.Errorf("-w without suspension: exit %d %q", code, errOut)
	}
	// Step 1, then step 2.
	if code, _, errOut := run("migrate", "--step", "suspend", "-w", repo); code != ExitOK || !strings.Contains(errOut, "Step 1 of 2") {
		t.Fatalf("step 1: exit %d %q", code, errOut)
	}
	if now, _ := os.ReadFile(release); !strings.Contains(string(now), "\n  suspend: true  # fluxlint migrate: added\n") {
		t.Fatalf("step 1 did not suspend:\n%s", now)
	}
	if code, _, errOut := run("migrate", "-w", repo); code != ExitOK || strings.Contains(errOut, "WARNING") || !strings.Contains(errOut, "The step 1 markers are taken away from nginx/nginx") {
		t.Fatalf("step 2: exit %d %q", code, errOut)
	}
	want, _ := os.ReadFile("../../testdata/migrate/seed-001/after/infrastructure/nginx/release.yaml")
	if now, _ := os.ReadFile(release); string(now) != string(want) {
		t.Errorf("after both steps:\n%s", now)
	}
	if code, out, errOut := run("migrate", "--check", repo); code != ExitOK || out != "" || !strings.Contains(errOut, "Nothing to migrate") {
		t.Errorf("--check after migrating: exit %d %q %q", code, out, errOut)
	}
	if code, out, _ := run("migrate", "--plan", repo); code != ExitOK || !strings.Contains(out, "Today: lockdown refuses nothing. The repository is lockdown-ready.") {
		t.Errorf("--plan after migrating: exit %d %q", code, out)
	}
	if code, _, errOut := run("migrate", "--config-namespace=", t.TempDir()); code != ExitError || !strings.Contains(errOut, "configuration namespace is required") {
		t.Errorf("no configuration namespace: exit %d %q", code, errOut)
	}
}

// A repository part of which does not render: every mode says what was not
// seen and exits 2, and nothing is written.
func TestMigrateUnseen(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "repo")
	copyTree(t, "../../testdata/migrate/defect-4-unseen/before", repo)
	for _, args := range [][]string{{"--check"}, {"--plan"}, {"-l"}, {"--step", "suspend", "-w"}, {"-w", "--force"}} {
		code, out, errOut := run(append(append([]string{"migrate"}, args...), repo)...)
		if code != ExitError || !strings.Contains(out+errOut, "did not render") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if code, out, _ := run("migrate", "--plan", "--format", "json", repo); code != ExitError || !strings.Contains(out, `"unseen": [`) {
		t.Errorf("--plan --format json: exit %d\n%s", code, out)
	}
	if changed := diffTrees(t, "../../testdata/migrate/defect-4-unseen/before", repo); changed != "" {
		t.Errorf("a file was written: %s", changed)
	}
}

// The readiness plan, as text and as JSON, on the seed's repository.
func TestMigratePlan(t *testing.T) {
	repo := "../../testdata/migrate/seed-001/before"
	code, out, _ := run("migrate", "--plan", repo)
	for _, want := range []string{
		"Today: lockdown would refuse 2 object(s):",
		"[ ] 1. Step 1: fluxlint migrate " + repo + " --step suspend -w",
		"moves 1 HelmRelease, 1 HelmRepository into cluster-config",
		"kubectl -n flux-system delete helmchart.source.toolkit.fluxcd.io nginx-nginx",
		"After both steps: lockdown refuses nothing; the repository is lockdown-ready.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan lacks %q:\n%s", want, out)
		}
	}
	if code != ExitFindings {
		t.Errorf("--plan on a repository to migrate: exit %d", code)
	}
	_, js, _ := run("migrate", "--plan", "--format", "json", repo)
	var p struct {
		LockdownReady  bool
		LockdownBefore []struct{ Rule, Kind string }
		Marks          []struct{ Kind, Field, Value string }
		Moves          []struct{ Kind, From, To string }
		Cleanup        []string
		LockdownAfter  []any
	}
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if p.LockdownReady || len(p.LockdownBefore) == 0 || len(p.Marks) != 1 || p.Marks[0].Field != "spec.suspend" || len(p.Moves) != 2 || len(p.Cleanup) != 1 || len(p.LockdownAfter) != 0 {
		t.Errorf("JSON plan: %+v", p)
	}
}

func diffTrees(t *testing.T, a, b string) string {
	t.Helper()
	var changed []string
	filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, _ := os.ReadFile(filepath.Join(b, rel))
		if string(x) != string(y) {
			changed = append(changed, rel)
		}
		return nil
	})
	return strings.Join(changed, ", ")
}
