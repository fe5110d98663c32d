package migrate_test

import (
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/migrate"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// TestCorpusMigration migrates copies of two corpus repositories into
// flux-system the way the issue asks: step 1, written as if committed,
// then step 2 on its result. Afterwards lockdown has no finding but on
// what the plan left to a person, every HelmRelease keeps its release
// identity, both steps leave the same work to a person, and a second run
// of step 2 changes nothing. The figures are logged for the record.
func TestCorpusMigration(t *testing.T) {
	for _, c := range []struct {
		repo   string
		moved  int // objects step 2 moves
		manual int // notes left to a person
	}{
		{"toboshii__home-ops", 51, 17},
		{"onedr0p__home-ops", 205, 5},
	} {
		t.Run(c.repo, func(t *testing.T) {
			src := filepath.Join(fixture.CorpusDir(t, 2), c.repo)
			repo := filepath.Join(t.TempDir(), c.repo)
			copyTree(t, src, repo)
			opts := render.Options{Dir: repo, ConfigNamespace: "flux-system"}
			run := func(step migrate.Step) *migrate.Plan {
				plan, err := migrate.Run(migrate.Options{Render: opts, Step: step})
				if err != nil {
					t.Fatal(err)
				}
				return plan
			}
			one := run(migrate.StepSuspend)
			for _, pr := range one.Unseen {
				t.Errorf("not seen: %s", pr)
			}
			if err := one.Write(false); err != nil {
				t.Fatal(err)
			}
			two := run(migrate.StepMove)
			if len(two.NotSafe) > 0 {
				t.Errorf("after step 1, step 2 finds objects not safe to delete: %v", two.NotSafe)
			}
			if len(two.Moves) != len(one.Moves) || len(two.Manual) != len(one.Manual) {
				t.Errorf("step 1 planned %d moves and %d notes, step 2 %d and %d", len(one.Moves), len(one.Manual), len(two.Moves), len(two.Manual))
			}
			if len(two.Moves) != c.moved || len(two.Manual) != c.manual {
				t.Errorf("moved %d objects with %d notes, want %d and %d", len(two.Moves), len(two.Manual), c.moved, c.manual)
			}
			for _, id := range two.Identities {
				if id.Old != id.New {
					t.Errorf("%s -> %s: identity %+v -> %+v", id.Before, id.After, id.Old, id.New)
				}
			}
			if err := two.Write(false); err != nil {
				t.Fatal(err)
			}
			res, err := render.Render(opts)
			if err != nil {
				t.Fatal(err)
			}
			on := true
			prof, err := profile.Derive(res, profile.Overrides{Lockdown: &on})
			if err != nil {
				t.Fatal(err)
			}
			left := map[string]bool{}
			for _, n := range two.Manual {
				left[n.Object] = true
				for _, o := range n.Objects {
					left[o] = true
				}
			}
			after := 0
			for _, d := range analysis.Run(res, []*analysis.Analyzer{analyzers.CrossNamespaceRef, analyzers.ConfigNamespace},
				analysis.Config{Suite: analyzers.All, Profiles: prof}) {
				if d.Severity != analysis.Error {
					continue
				}
				after++
				if d.Object == nil || !left[d.Object.ID()] {
					t.Errorf("after both steps: %s: %s [%s]", d.Pos, d.Message, d.Rule)
				}
			}
			kinds := map[string]int{}
			for _, m := range two.Moves {
				kinds[m.Kind]++
			}
			t.Logf("moved %v; step 1 changed %d files, step 2 %d; %d notes for a person; lockdown findings %d before, %d after",
				kinds, len(one.Changes), len(two.Changes), len(two.Manual), len(two.LockdownBefore), after)
			if again := run(migrate.StepMove); len(again.Changes) != 0 {
				t.Errorf("a second run changes %d files", len(again.Changes))
			}
		})
	}
}
