package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The action's shell steps, run locally with the variables GitHub sets
// (no GitHub needed): a subfolder with more findings than GitHub shows as
// annotations, on a pull request from a fork. The annotations and SARIF
// name files from the repository root, the job summary lists every
// finding and says how many annotations were not shown, the SARIF upload
// is skipped with the reason, and the step fails on the errors.
func TestActionSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fluxlint the way the action does")
	}
	root, _ := filepath.Abs("../..")
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct{ Default string }
		Runs   struct {
			Steps []struct {
				ID, Name, Uses, Run, Shell, If string
				Env                            map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	for _, s := range action.Runs.Steps {
		if s.Uses != "" && !regexp.MustCompile(`@[0-9a-f]{40} # v\d`).MatchString(stepLine(string(data), s.Uses)) {
			t.Errorf("%s is not pinned by commit, with its version in a comment", s.Uses)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q expands an expression inside run: (use env:)", s.Name)
		}
	}

	ws := t.TempDir()
	sub := filepath.Join(ws, "clusters", "prod")
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app-%d\n  namespace: cluster-config\nspec:\n  interval: 10m\n  wait: true\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: cluster-config\n", i)
	}
	writeFile(t, filepath.Join(sub, "infra", "apps.yaml"), b.String())
	writeFile(t, filepath.Join(sub, "apps", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: cluster-config\n")
	writeFile(t, filepath.Join(sub, ".fluxlint.yaml"), "configNamespace: cluster-config\nkustomizations:\n  - name=infra path=./infra prune=true\n")

	temp := t.TempDir()
	files := map[string]string{}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"} {
		files[k] = filepath.Join(temp, strings.ToLower(k))
		writeFile(t, files[k], "")
	}
	inputs := map[string]string{}
	for k, v := range action.Inputs {
		inputs[k] = v.Default
	}
	inputs["path"] = "clusters/prod"
	outputs := map[string]string{}
	expr := regexp.MustCompile(`\$\{\{\s*([^}]+?)\s*\}\}`)
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				return inputs[strings.TrimPrefix(e, "inputs.")]
			case e == "github.action_path":
				return root
			case e == "github.event.pull_request.head.repo.full_name":
				return "someone/fork"
			case strings.HasPrefix(e, "steps.check.outputs."):
				return outputs[strings.TrimPrefix(e, "steps.check.outputs.")]
			}
			t.Fatalf("unknown expression %q", e)
			return ""
		})
	}
	var path string
	var annotations, all string
	code := 0
	for _, s := range action.Runs.Steps {
		if s.Run == "" {
			continue
		}
		cmd := exec.Command("bash", "-c", s.Run)
		cmd.Dir = ws
		cmd.Env = append(os.Environ(), "GITHUB_WORKSPACE="+ws, "RUNNER_TEMP="+temp, "GITHUB_REPOSITORY=owner/repo")
		for k, f := range files {
			cmd.Env = append(cmd.Env, k+"="+f)
		}
		if path != "" {
			cmd.Env = append(cmd.Env, "PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"))
		}
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		out, err := cmd.CombinedOutput()
		all += string(out)
		if s.ID == "check" {
			annotations = string(out)
		}
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok && s.Name == "Result" {
				code = ee.ExitCode()
			} else {
				t.Fatalf("step %q: %v\n%s", s.Name, err, out)
			}
		}
		p, _ := os.ReadFile(files["GITHUB_PATH"])
		path = strings.TrimSpace(string(p))
		o, _ := os.ReadFile(files["GITHUB_OUTPUT"])
		for _, l := range strings.Split(string(o), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				outputs[k] = v
			}
		}
	}
	if outputs["findings"] != "12" || code != 1 {
		t.Errorf("findings=%q, the step exits %d; want 12 and 1\n%s", outputs["findings"], code, all)
	}
	if n := strings.Count(annotations, "::error file=clusters/prod/infra/apps.yaml,"); n != 12 {
		t.Errorf("%d error annotations on clusters/prod/infra/apps.yaml, want 12:\n%s", n, annotations)
	}
	if !strings.Contains(annotations, "2 annotation(s) are not shown") {
		t.Errorf("no word of the hidden annotations:\n%s", annotations)
	}
	if !strings.Contains(annotations, "SARIF not uploaded: this pull request comes from the fork someone/fork") || outputs["upload"] != "false" {
		t.Errorf("the fork's upload is not skipped with its reason:\n%s", annotations)
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	if strings.Count(string(summary), "| error | `prune` | `clusters/prod/infra/apps.yaml:") != 12 {
		t.Errorf("the job summary does not list the 12 findings:\n%s", summary)
	}
}

func stepLine(action, uses string) string {
	for _, l := range strings.Split(action, "\n") {
		if strings.Contains(l, "uses: "+uses) {
			return l
		}
	}
	return ""
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
