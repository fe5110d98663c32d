package cli

import (
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
