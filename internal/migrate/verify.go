package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
)

// verify renders the migrated tree in a temporary copy and checks that
// the plan did what it says: every moved object is in the configuration
// namespace without a cross-namespace or configuration-namespace finding,
// every HelmRelease keeps its release identity, and nothing that rendered
// before fails to render now.
func verify(opts Options, before *render.Result, plan *Plan, p *planner) error {
	tmp, err := os.MkdirTemp(opts.Render.TempDir, "fluxlint-migrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := copyRepo(before.Repo.Root, tmp, plan.Changes); err != nil {
		return fmt.Errorf("preparing the check of the migration: %w", err)
	}
	ro := opts.Render
	ro.Dir = tmp
	after, err := render.Render(ro)
	if err != nil {
		return err
	}
	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }

	rename := map[string]string{} // old key -> new key
	for _, m := range plan.Moves {
		if m.To == "suspended" {
			continue
		}
		kind := m.Kind
		rename[kind+"/"+m.From] = kind + "/" + m.To
	}
	afterBy := map[string]*render.Object{}
	for _, o := range after.Objects {
		if _, dup := afterBy[key(o)]; !dup {
			afterBy[key(o)] = o
		}
	}
	for from, to := range rename {
		if afterBy[to] == nil {
			failf("%s should be %s after the migration, and is not rendered there", from, to)
		}
	}

	// Identities of every HelmRelease, before and after.
	ids := 0
	for _, o := range before.Objects {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Synthetic {
			continue
		}
		k := key(o)
		now := k
		if to, ok := rename[k]; ok {
			now = to
		}
		a := afterBy[now]
		if a == nil {
			failf("HelmRelease %s is not rendered after the migration", strings.TrimPrefix(k, "HelmRelease/"))
			continue
		}
		id := Identity{Before: o.Namespace + "/" + o.Name, After: a.Namespace + "/" + a.Name, Old: identityOf(o), New: identityOf(a)}
		plan.Identities = append(plan.Identities, id)
		ids++
		if id.Old != id.New {
			failf("HelmRelease %s would change its release identity from %+v to %+v, and Helm would install it again", id.Before, id.Old, id.New)
		}
		if plan.Step == StepSuspend && a.Scalar("spec", "suspend") != "true" && movesHR(plan, id.Before) {
			failf("HelmRelease %s is not suspended after step 1", id.Before)
		}
	}

	// Every chart source found before is found after.
	for _, o := range after.Objects {
		if !flux.IsHelmRelease(o.APIVersion, o.Kind) || o.Synthetic {
			continue
		}
		for _, ref := range chartSources(o) {
			if afterBy[refKey(ref.Kind, ref.Namespace, ref.Name)] == nil && p.lookup(ref.Kind, ref.Namespace, ref.Name) != nil {
				failf("HelmRelease %s/%s would refer to %s %s/%s, which is not rendered after the migration", o.Namespace, o.Name, ref.Kind, ref.Namespace, ref.Name)
			}
		}
	}

	// No multi-tenancy finding on what moved.
	moved := map[string]bool{}
	for _, to := range rename {
		moved[to] = true
	}
	findings := 0
	ds := analysis.Run(after, []*analysis.Analyzer{analyzers.CrossNamespaceRef, analyzers.ConfigNamespace},
		analysis.Config{Suite: analyzers.All})
	for _, d := range ds {
		if d.Object != nil && moved[key(d.Object)] {
			failf("after the migration, %s: %s [%s]", d.Pos, d.Message, d.Rule)
			findings++
		}
	}

	// Nothing that rendered before fails now.
	was := map[string]bool{}
	for _, pr := range before.Problems {
		was[string(pr.Code)+"\x00"+pr.Message] = true
	}
	for _, pr := range after.Problems {
		if pr.Blocking() && !was[string(pr.Code)+"\x00"+strings.ReplaceAll(pr.Message, tmp, before.Repo.Root)] {
			failf("after the migration: %s", pr)
		}
	}

	if len(fails) > 0 {
		return &VerifyError{Failures: fails}
	}
	plan.Checks = append(plan.Checks, fmt.Sprintf("%d HelmRelease(s) keep their release name, release namespace and storage namespace", ids))
	if plan.Step == StepSuspend {
		plan.Checks = append(plan.Checks, fmt.Sprintf("%d HelmRelease(s) that will move are suspended", len(plan.Moves)))
	} else {
		plan.Checks = append(plan.Checks, fmt.Sprintf("%d moved object(s) have no cross-namespace-ref or config-namespace finding", len(rename)))
	}
	plan.Checks = append(plan.Checks, fmt.Sprintf("%d changed file(s) parse, and the tree renders as before", len(plan.Changes)))
	return nil
}

func movesHR(plan *Plan, from string) bool {
	for _, m := range plan.Moves {
		if m.Kind == flux.KindHelmRelease && m.From == from {
			return true
		}
	}
	return false
}

// VerifyError is a plan that did not pass its own check: nothing may be
// written.
type VerifyError struct {
	Failures []string
}

func (e *VerifyError) Error() string {
	return "the migrated tree does not check out, so nothing is written:\n  " + strings.Join(e.Failures, "\n  ")
}

// copyRepo copies the regular files of the repository to dir, with the
// planned changes in place. Unchanged files are hard-linked when possible.
func copyRepo(root, dir string, changes []*Change) error {
	changed := map[string][]byte{}
	for _, c := range changes {
		changed[filepath.FromSlash(c.Path)] = c.New
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		dst := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			if d.Name() == ".git" && p != root {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		if data, ok := changed[rel]; ok {
			return os.WriteFile(dst, data, 0o644)
		}
		if os.Link(p, dst) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return errors.Join(os.WriteFile(dst, data, 0o644))
	})
}
