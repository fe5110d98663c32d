package migrate_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/migrate"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"github.com/fluxlint/fluxlint/rewrite"
)

// TestGolden migrates every testdata/migrate/<case>/before tree (the
// configuration namespace and entry points come from its .fluxlint.yaml)
// and compares the result with <case>/after, byte for byte, file modes
// included. A case with an after-suspend tree runs both steps: step 1,
// compared with after-suspend, then step 2 on its result, compared with
// after. A case may also hold:
//   - "step": the one step to run (suspend or move; move by default);
//   - "manual": one regular expression per line, each of which must match
//     one of the notes of what is left to do by hand, with no other note
//     (both steps must leave the same);
//   - "moves": the moves of step 2, one "Kind ns/name -> ns/name" per line,
//     and no other;
//   - "unseen": a regular expression that the problems hiding part of the
//     tree must match; without it, the whole tree must render.
//
// A second run of each step on its result must change nothing.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("../../testdata/migrate/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			steps := []migrate.Step{migrate.StepMove}
			afters := []string{"after"}
			if b, err := os.ReadFile(filepath.Join(dir, "step")); err == nil {
				steps[0] = migrate.Step(strings.TrimSpace(string(b)))
			}
			if _, err := os.Stat(filepath.Join(dir, "after-suspend")); err == nil {
				steps = []migrate.Step{migrate.StepSuspend, migrate.StepMove}
				afters = []string{"after-suspend", "after"}
			}
			repo := filepath.Join(t.TempDir(), "repo")
			copyTree(t, filepath.Join(dir, "before"), repo)
			// A file mode git does not record: the rewrite must keep it.
			modeFile := firstYAML(t, repo)
			if err := os.Chmod(modeFile, 0o600); err != nil {
				t.Fatal(err)
			}
			for i, step := range steps {
				plan := run(t, repo, step)
				checkManual(t, dir, plan)
				checkUnseen(t, dir, plan)
				if step == migrate.StepMove {
					checkMoves(t, dir, plan)
				}
				if err := plan.Write(false); err != nil {
					t.Fatal(err)
				}
				if info, err := os.Stat(modeFile); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("%s lost its mode: %v", modeFile, info.Mode())
				}
				if os.Getenv("FLUXLINT_UPDATE_GOLDEN") != "" {
					updateTree(t, repo, filepath.Join(dir, afters[i]), modeFile)
				}
				compareTrees(t, filepath.Join(dir, afters[i]), repo)

				again := run(t, repo, step)
				if len(again.Changes) != 0 {
					var b bytes.Buffer
					again.Diff(&b)
					t.Errorf("a second run of step %s changes files:\n%s", step, b.String())
				}
			}
		})
	}
}

func checkMoves(t *testing.T, dir string, plan *migrate.Plan) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "moves"))
	if err != nil {
		return
	}
	var want, got []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, strings.Join(strings.Fields(l), " "))
		}
	}
	for _, m := range plan.Moves {
		got = append(got, m.Kind+" "+m.From+" -> "+m.To)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("moves:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func checkUnseen(t *testing.T, dir string, plan *migrate.Plan) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "unseen"))
	if err != nil {
		for _, pr := range plan.Unseen {
			t.Errorf("not seen: %s", pr)
		}
		return
	}
	re := regexp.MustCompile(strings.TrimSpace(string(b)))
	if len(plan.Unseen) == 0 {
		t.Errorf("the whole tree was seen; want a problem matching %q", re)
	}
	for _, pr := range plan.Unseen {
		if !re.MatchString(pr.String()) {
			t.Errorf("not seen: %s (does not match %q)", pr, re)
		}
	}
}

// updateTree replaces a golden tree with the result, for a person to
// review with git diff (FLUXLINT_UPDATE_GOLDEN=1).
func updateTree(t *testing.T, from, to, modeFile string) {
	t.Helper()
	if err := os.Chmod(modeFile, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(modeFile, 0o600)
	if err := os.RemoveAll(to); err != nil {
		t.Fatal(err)
	}
	copyTree(t, from, to)
}

func run(t *testing.T, repo string, step migrate.Step) *migrate.Plan {
	t.Helper()
	cfg, err := config.ForRepository(repo)
	if err != nil {
		t.Fatal(err)
	}
	opts := config.Merge(render.Options{Dir: repo}, cfg)
	plan, err := migrate.Run(migrate.Options{Render: opts, Step: step, Profile: cfg.Overrides(profile.Overrides{})})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func checkManual(t *testing.T, dir string, plan *migrate.Plan) {
	t.Helper()
	var wants []*regexp.Regexp
	if b, err := os.ReadFile(filepath.Join(dir, "manual")); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				wants = append(wants, regexp.MustCompile(l))
			}
		}
	}
	used := make([]bool, len(wants))
	for _, n := range plan.Manual {
		matched := false
		for i, w := range wants {
			if !used[i] && w.MatchString(n.String()) {
				used[i], matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("unexpected note: %s", n)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("no note matched %q", w)
		}
	}
}

func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	wf, gf := files(t, want), files(t, got)
	for _, p := range union(wf, gf) {
		w, okw := wf[p]
		g, okg := gf[p]
		switch {
		case !okw:
			t.Errorf("%s: not expected", p)
		case !okg:
			t.Errorf("%s: missing", p)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs from after/%s:\n%s", p, p, rewrite.Diff(p, w, g))
		}
	}
}

func files(t *testing.T, root string) map[string][]byte {
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func union(a, b map[string][]byte) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func firstYAML(t *testing.T, root string) string {
	var first string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if first == "" && err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") && !strings.HasPrefix(d.Name(), ".") {
			first = p
		}
		return err
	})
	if first == "" {
		t.Fatal("no YAML file")
	}
	return first
}

func copyTree(t *testing.T, from, to string) { fixture.CopyTree(t, from, to) }
