package migrate_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/migrate"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// TestCorpusMigration migrates copies of two corpus repositories into
// flux-system, as the issue asks: afterwards no HelmRelease or source has a
// cross-namespace or configuration-namespace error (but those the plan left
// to a person), every HelmRelease keeps its release identity (the plan
// checks it, and Identities shows it), and a second run changes nothing.
func TestCorpusMigration(t *testing.T) {
	for _, c := range []struct {
		repo          string
		moved, manual int // HelmReleases moved, notes left to a person
	}{
		{"toboshii__home-ops", 49, 1},
		{"onedr0p__home-ops", 65, 0},
	} {
		t.Run(c.repo, func(t *testing.T) {
			src := filepath.Join(fixture.CorpusDir(t, 2), c.repo)
			repo := filepath.Join(t.TempDir(), c.repo)
			copyTree(t, src, repo)
			opts := render.Options{Dir: repo, ConfigNamespace: "flux-system"}
			plan, err := migrate.Run(migrate.Options{Render: opts, Step: migrate.StepMove})
			if err != nil {
				t.Fatal(err)
			}
			moved := 0
			for _, m := range plan.Moves {
				if m.Kind == "HelmRelease" {
					moved++
				}
			}
			if moved != c.moved || len(plan.Manual) != c.manual {
				t.Errorf("moved %d HelmReleases with %d notes, want %d and %d: %v", moved, len(plan.Manual), c.moved, c.manual, plan.Manual)
			}
			for _, id := range plan.Identities {
				if id.Old != id.New {
					t.Errorf("%s -> %s: identity %+v -> %+v", id.Before, id.After, id.Old, id.New)
				}
			}
			if err := plan.Write(false); err != nil {
				t.Fatal(err)
			}
			res, err := render.Render(opts)
			if err != nil {
				t.Fatal(err)
			}
			left := map[string]bool{}
			for _, n := range plan.Manual {
				left[n.Object] = true
			}
			ds := analysis.Run(res, []*analysis.Analyzer{analyzers.CrossNamespaceRef, analyzers.ConfigNamespace},
				analysis.Config{Suite: analyzers.All})
			errs := 0
			for _, d := range ds {
				o := d.Object
				if o == nil || d.Severity != analysis.Error || (o.Kind != "HelmRelease" && !strings.HasSuffix(o.APIVersion, "source.toolkit.fluxcd.io/v1") && o.Kind != "HelmRepository" && o.Kind != "OCIRepository") {
					continue
				}
				if !left[o.ID()] {
					t.Errorf("after the migration: %s: %s [%s]", d.Pos, d.Message, d.Rule)
				}
				errs++
			}
			t.Logf("%d HelmReleases moved, %d sources, %d files changed, %d identities unchanged, %d findings left on what a person must move",
				moved, len(plan.Moves)-moved, len(plan.Changes), len(plan.Identities), errs)
			again, err := migrate.Run(migrate.Options{Render: opts, Step: migrate.StepMove})
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Changes) != 0 {
				t.Errorf("a second run changes %d files", len(again.Changes))
			}
		})
	}
}
