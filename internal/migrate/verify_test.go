package migrate

import (
	"errors"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/render"
)

// A plan that would change a release's identity fails its own check, and
// says why: here the storageNamespace line is taken out of the planned
// HelmRelease, so Helm would look for the release in cluster-config.
func TestVerifyCatchesALostIdentity(t *testing.T) {
	dir := "../../testdata/migrate/seed-001/before"
	cfg, err := config.ForRepository(dir)
	if err != nil {
		t.Fatal(err)
	}
	ro := config.Merge(render.Options{Dir: dir}, cfg)
	opts := Options{Render: ro, Step: StepMove}
	res, err := render.Render(ro)
	if err != nil {
		t.Fatal(err)
	}
	p := newPlanner(opts, res)
	plan, err := p.plan()
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(opts, res, plan, p); err != nil {
		t.Fatalf("the plan as made should verify: %v", err)
	}
	tampered := false
	for _, c := range plan.Changes {
		if strings.Contains(string(c.New), "storageNamespace: nginx\n") {
			c.New = []byte(strings.Replace(string(c.New), "  storageNamespace: nginx\n", "", 1))
			tampered = true
		}
	}
	if !tampered {
		t.Fatal("the plan sets no storageNamespace")
	}
	plan.Identities, plan.Checks = nil, nil
	err = verify(opts, res, plan, p)
	var ve *VerifyError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "would change its release identity") || !strings.Contains(err.Error(), "StorageNamespace:cluster-config") {
		t.Fatalf("want a failed check naming the identity, got %v", err)
	}
}
