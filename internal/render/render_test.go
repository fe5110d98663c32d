package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

func renderFixture(t *testing.T, name string) *render.Result {
	t.Helper()
	res, err := render.Render(render.Options{Dir: "../../testdata/render/" + name + "/repo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		if p.Blocking() {
			t.Errorf("problem: %s", p)
		}
	}
	return res
}

func find(t *testing.T, res *render.Result, kind, name string) *render.Object {
	t.Helper()
	for _, o := range res.Objects {
		if o.Kind == kind && strings.HasPrefix(o.Name, name) {
			return o
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
	return nil
}

// Every rendered object knows the document it came from, a field its own
// line, and a generated object the generator entry that made it.
func TestProvenance(t *testing.T) {
	res := renderFixture(t, "generator-provenance")
	for _, c := range []struct {
		kind, name string
		pos        load.Pos // Pos()
		path       []string // a field
		field      load.Pos // FieldPos(path)
		chain      string
	}{
		{"Deployment", "prod-api", load.Pos{File: "app/workloads.yaml", Line: 3, Col: 7}, []string{"spec", "replicas"}, load.Pos{File: "app/workloads.yaml", Line: 7, Col: 3}, "flux-system/app"},
		{"Deployment", "prod-web", load.Pos{File: "app/workloads.yaml", Line: 21, Col: 7}, []string{"spec", "template", "spec", "containers", "0", "image"}, load.Pos{File: "app/workloads.yaml", Line: 36, Col: 11}, "flux-system/app"},
		// metadata.namespace is set by targetNamespace, not written: the
		// closest field the document has is metadata.
		{"Deployment", "prod-web", load.Pos{File: "app/workloads.yaml", Line: 21, Col: 7}, []string{"metadata", "namespace"}, load.Pos{File: "app/workloads.yaml", Line: 22, Col: 1}, "flux-system/app"},
		{"ConfigMap", "prod-settings-", load.Pos{File: "app/kustomization.yaml", Line: 6, Col: 11}, []string{"data"}, load.Pos{File: "app/kustomization.yaml", Line: 6, Col: 11}, "flux-system/app"},
		{"ConfigMap", "prod-dashboards-", load.Pos{File: "app/kustomization.yaml", Line: 9, Col: 11}, nil, load.Pos{File: "app/kustomization.yaml", Line: 9, Col: 11}, "flux-system/app"},
	} {
		o := find(t, res, c.kind, c.name)
		if o.Pos() != c.pos {
			t.Errorf("%s: at %v, want %v", o.ID(), o.Pos(), c.pos)
		}
		if got := o.FieldPos(c.path...); got != c.field {
			t.Errorf("%s: field %v at %v, want %v", o.ID(), c.path, got, c.field)
		}
		if o.AppliedBy == nil || o.AppliedBy.LineageString() != c.chain {
			t.Errorf("%s: applied through %v, want %s", o.ID(), o.AppliedBy, c.chain)
		}
	}
}

// The annotations fluxlint uses to trace objects never show in the output.
func TestNoTracingAnnotationsInOutput(t *testing.T) {
	res := renderFixture(t, "generator-provenance")
	groups, _ := res.Groups("")
	var buf bytes.Buffer
	if err := render.WriteYAML(&buf, res, groups); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations", "internal.config.kubernetes.io"} {
		if strings.Contains(buf.String(), a) {
			t.Errorf("output holds %s", a)
		}
	}
	if !strings.Contains(buf.String(), "name: prod-api") {
		t.Error("the render is missing its objects")
	}
}
