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
			Steps []actionStep
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

	// A fork's pull request: annotations, the job summary, no upload, no
	// comment.
	r := runAction(t, root, action.Inputs, action.Runs.Steps, "someone/fork")
	if r.outputs["findings"] != "12" || r.code != 1 {
		t.Errorf("findings=%q, the step exits %d; want 12 and 1\n%s", r.outputs["findings"], r.code, r.all)
	}
	if n := strings.Count(r.annotations, "::error file=clusters/prod/infra/apps.yaml,"); n != 12 {
		t.Errorf("%d error annotations on clusters/prod/infra/apps.yaml, want 12:\n%s", n, r.annotations)
	}
	if !strings.Contains(r.annotations, "2 annotation(s) are not shown") {
		t.Errorf("no word of the hidden annotations:\n%s", r.annotations)
	}
	if !strings.Contains(r.annotations, "SARIF not uploaded: this pull request comes from the fork someone/fork") || r.outputs["upload"] != "false" {
		t.Errorf("the fork's upload is not skipped with its reason:\n%s", r.annotations)
	}
	if strings.Count(r.summary, "| error | `prune` | `clusters/prod/infra/apps.yaml:") != 12 {
		t.Errorf("the job summary does not list the 12 findings:\n%s", r.summary)
	}
	if !strings.Contains(r.all, "diff comment not posted: this pull request comes from the fork someone/fork") || r.gh != "" {
		t.Errorf("the fork's comment is not skipped with its reason (gh: %q):\n%s", r.gh, r.all)
	}
	if !strings.Contains(r.summary, "<!-- fluxlint -->") {
		t.Errorf("the job summary lacks the diff:\n%s", r.summary)
	}
	// The repository's own pull request: the comment is updated in place.
	r = runAction(t, root, action.Inputs, action.Runs.Steps, "owner/repo")
	if r.outputs["upload"] != "true" || !strings.Contains(r.gh, "api -X PATCH repos/owner/repo/issues/comments/42 -F body=@") {
		t.Errorf("upload=%q; gh calls:\n%s\n%s", r.outputs["upload"], r.gh, r.all)
	}
}

type actionRun struct {
	outputs                       map[string]string
	annotations, all, summary, gh string
	code                          int
}

// runAction runs the action's shell steps on a workspace whose
// clusters/prod holds 12 Kustomizations without prune (each naming its
// copy of the ConfigMap apart, so that none applies another's), in a pull request
// from headRepo against main, with a gh that finds comment 42 and
// records its calls.
func runAction(t *testing.T, root string, inputDefaults map[string]struct{ Default string }, steps []actionStep, headRepo string) actionRun {
	ws := t.TempDir()
	sub := filepath.Join(ws, "clusters", "prod")
	writeFile(t, filepath.Join(sub, ".fluxlint.yaml"), "configNamespace: cluster-config\nkustomizations:\n  - name=infra path=./infra prune=true\n")
	writeFile(t, filepath.Join(sub, "apps", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: cluster-config\n")
	writeFile(t, filepath.Join(sub, "infra", "apps.yaml"), "")
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = ws
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("update-ref", "refs/remotes/origin/main", "HEAD")
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app-%d\n  namespace: cluster-config\nspec:\n  interval: 10m\n  wait: true\n  namePrefix: app-%d-\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: cluster-config\n", i, i)
	}
	writeFile(t, filepath.Join(sub, "infra", "apps.yaml"), b.String())

	temp := t.TempDir()
	bin := t.TempDir()
	ghLog := filepath.Join(temp, "gh.log")
	writeFile(t, filepath.Join(bin, "gh"), "#!/bin/sh\necho \"$*\" >> "+ghLog+"\ncase \"$*\" in *--jq*) echo 42;; esac\n")
	os.Chmod(filepath.Join(bin, "gh"), 0o755)
	files := map[string]string{}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"} {
		files[k] = filepath.Join(temp, strings.ToLower(k))
		writeFile(t, files[k], "")
	}
	inputs := map[string]string{}
	for k, v := range inputDefaults {
		inputs[k] = v.Default
	}
	inputs["path"] = "clusters/prod"
	inputs["comment"] = "true"
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
				return headRepo
			case e == "github.event.pull_request.number":
				return "7"
			case e == "github.base_ref":
				return "main"
			case e == "github.token":
				return "token"
			case strings.HasPrefix(e, "steps.check.outputs."):
				return outputs[strings.TrimPrefix(e, "steps.check.outputs.")]
			}
			t.Fatalf("unknown expression %q", e)
			return ""
		})
	}
	r := actionRun{outputs: outputs}
	path := bin
	for _, s := range steps {
		if s.Run == "" {
			continue
		}
		cmd := exec.Command("bash", "-c", s.Run)
		cmd.Dir = ws
		cmd.Env = append(os.Environ(), "GITHUB_WORKSPACE="+ws, "RUNNER_TEMP="+temp, "GITHUB_REPOSITORY=owner/repo",
			"PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"))
		for k, f := range files {
			cmd.Env = append(cmd.Env, k+"="+f)
		}
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		out, err := cmd.CombinedOutput()
		r.all += string(out)
		if s.ID == "check" {
			r.annotations = string(out)
		}
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok && s.Name == "Result" {
				r.code = ee.ExitCode()
			} else {
				t.Fatalf("step %q: %v\n%s", s.Name, err, out)
			}
		}
		p, _ := os.ReadFile(files["GITHUB_PATH"])
		if extra := strings.TrimSpace(string(p)); extra != "" {
			path = bin + string(os.PathListSeparator) + extra
		}
		o, _ := os.ReadFile(files["GITHUB_OUTPUT"])
		for _, l := range strings.Split(string(o), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				outputs[k] = v
			}
		}
	}
	sum, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	r.summary = string(sum)
	gh, _ := os.ReadFile(ghLog)
	r.gh = string(gh)
	return r
}

type actionStep struct {
	ID, Name, Uses, Run, Shell, If string
	Env                            map[string]string
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
