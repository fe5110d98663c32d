package lint_test

import (
	"github.com/fluxlint/fluxlint/analyzers"

	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// TestCorpusFindings checks the corpus repositories as a user would and
// holds the counts the issue names: onedr0p's app Kustomizations in app
// namespaces that sync GitRepository flux-system/flux-system (74 of its 78
// Kustomizations: the root and the three apps in flux-system are in the
// source's namespace), toboshii's HelmReleases whose HelmRepository is in
// flux-system, bjw-s's three Kustomizations without prune, and no
// SOPS-encrypted Secret taken for plaintext anywhere.
func TestCorpusFindings(t *testing.T) {
	corpus := fixture.CorpusDir(t, 2)
	for _, c := range []struct {
		repo string
		want map[string]int // rule -> findings on objects of a kind ("" = any kind)
		kind map[string]string
	}{
		{"onedr0p__home-ops", map[string]int{"cross-namespace-ref": 74, "plaintext-secret": 0}, map[string]string{"cross-namespace-ref": "Kustomization"}},
		{"toboshii__home-ops", map[string]int{"cross-namespace-ref": 50, "plaintext-secret": 0, "sops-without-decryption": 0}, map[string]string{"cross-namespace-ref": "HelmRelease"}},
		{"bjw-s-labs__home-ops", map[string]int{"prune": 3, "plaintext-secret": 0}, nil},
		{"fluxcd__flux2-kustomize-helm-example", map[string]int{"plaintext-secret": 0, "dependency-not-found": 0}, nil},
		{"fluxcd__flux2-multi-tenancy", map[string]int{"plaintext-secret": 0, "dependency-not-found": 0}, nil},
		{"fluxcd__flux2-monitoring-example", map[string]int{"plaintext-secret": 0, "dependency-not-found": 0}, nil},
	} {
		t.Run(c.repo, func(t *testing.T) {
			rep, err := lint.Run(lint.Options{Render: render.Options{Dir: filepath.Join(corpus, c.repo)}, Suite: analyzers.All})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			all := map[string]int{}
			for _, d := range rep.Diagnostics {
				all[d.Rule]++
				if k := c.kind[d.Rule]; k == "" || (d.Object != nil && d.Object.Kind == k) {
					got[d.Rule]++
				}
			}
			for rule, n := range c.want {
				if got[rule] != n {
					t.Errorf("%s: %d findings, want %d", rule, got[rule], n)
				}
			}
			t.Logf("findings by rule: %v", all)
		})
	}
}
