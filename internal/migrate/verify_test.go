package migrate

import (
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

// A plan that would change what a move should keep fails its own check,
// which blames the move: here the storageNamespace line is taken out of
// the planned HelmRelease, so Helm would look for the release in
// cluster-config; and a values line is changed behind the plan's back.
func TestVerifyBlamesTheMove(t *testing.T) {
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
	prof, err := profile.Derive(res, profile.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	p := newPlanner(opts, res, prof)
	ps := p.pass()
	if len(ps.blocks) > 0 {
		t.Fatalf("blocked: %v", ps.blocks)
	}
	changes, failed := ps.apply()
	if len(failed) > 0 {
		t.Fatalf("failed: %v", failed)
	}
	plan := &Plan{}
	if failed, err := verify(p, ps, changes, plan); err != nil || len(failed) > 0 {
		t.Fatalf("the plan as made should verify: %v %v", failed, err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"  storageNamespace: nginx\n", "", "StorageNamespace:cluster-config"},
		{"type: NodePort", "type: LoadBalancer", `"type: NodePort" becomes "type: LoadBalancer"`},
	} {
		tampered := map[string]*Change{}
		hit := false
		for path, c := range changes {
			nc := *c
			if strings.Contains(string(c.New), tc.old) {
				nc.New = []byte(strings.Replace(string(c.New), tc.old, tc.new, 1))
				hit = true
			}
			tampered[path] = &nc
		}
		if !hit {
			t.Fatalf("the plan has no %q", tc.old)
		}
		failed, err := verify(p, ps, tampered, &Plan{})
		if err != nil {
			t.Fatal(err)
		}
		n, ok := failed["HelmRelease/nginx/nginx"]
		if !ok || !strings.Contains(n.Message, tc.want) {
			t.Errorf("want the HelmRelease's move blamed with %q, got %v", tc.want, failed)
		}
	}
}
