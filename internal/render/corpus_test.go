package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

func corpusDir(t testing.TB) string { return fixture.CorpusDir(t, 2) }

type objKey struct{ apiVersion, kind, namespace, name string }

func (k objKey) String() string {
	return k.apiVersion + " " + k.kind + " " + k.namespace + "/" + k.name
}

// TestConformance compares what "render --only flux-system/cluster-apps"
// renders with what the flux CLI printed for the same tree
// (reference-renders/). The flux CLI ran with --dry-run, which does not
// read substituteFrom and substitutes non-strictly, and masks SOPS values;
// the render runs the same way here, and Secret values are compared by key
// only. The object sets must be equal, and each object's content too.
func TestConformance(t *testing.T) {
	corpus := corpusDir(t)
	for _, repo := range []string{"onedr0p__home-ops", "bjw-s-labs__home-ops"} {
		t.Run(repo, func(t *testing.T) {
			want := readReference(t, filepath.Join(corpus, "reference-renders", repo+".recursive.yaml"))
			res, err := render.Render(render.Options{Dir: filepath.Join(corpus, repo), DryRunSubstitution: true})
			if err != nil {
				t.Fatal(err)
			}
			groups, ok := res.Groups("flux-system/cluster-apps")
			if !ok {
				t.Fatal("flux-system/cluster-apps was not rendered")
			}
			got := map[objKey]any{}
			for _, g := range groups {
				for _, o := range g.Objects {
					k := objKey{o.APIVersion, o.Kind, o.Namespace, o.Name}
					if _, dup := got[k]; dup {
						t.Errorf("rendered twice: %s", k)
					}
					got[k] = normalize(t, o.Node)
				}
			}
			var missing, extra, differ []string
			for k, w := range want {
				g, ok := got[k]
				switch {
				case !ok:
					missing = append(missing, k.String())
				case !reflect.DeepEqual(w, g):
					differ = append(differ, k.String()+"\n  flux:     "+short(w)+"\n  fluxlint: "+short(g))
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					extra = append(extra, k.String())
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			sort.Strings(differ)
			if len(missing)+len(extra)+len(differ) > 0 {
				t.Errorf("%d objects from flux, %d from fluxlint\nmissing: %v\nextra: %v\ndiffering (%d): %v",
					len(want), len(got), missing, extra, len(differ), strings.Join(differ, "\n"))
			}
			t.Logf("%d objects equal to flux's", len(want))
		})
	}
}

func readReference(t *testing.T, path string) map[objKey]any {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	out := map[objKey]any{}
	for _, n := range nodes {
		out[objKey{n.GetApiVersion(), n.GetKind(), n.GetNamespace(), n.GetName()}] = normalize(t, n)
	}
	return out
}

// normalize turns an object into plain JSON values, with Secret values
// replaced by their keys' presence.
func normalize(t *testing.T, n *yaml.RNode) any {
	b, err := n.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["kind"] == "Secret" {
		for _, f := range []string{"data", "stringData"} {
			if d, ok := m[f].(map[string]any); ok {
				for k := range d {
					d[k] = "(value)"
				}
			}
		}
	}
	return m
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 400 {
		b = append(b[:400], "..."...)
	}
	return string(b)
}

// TestCorpusRendersWithoutCrash renders every corpus repository as a user
// would; every problem must name a file of the repository.
func TestCorpusRendersWithoutCrash(t *testing.T) {
	corpus := corpusDir(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "reference-renders" {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join(corpus, e.Name())
			res, err := render.Render(render.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			objects, errors := 0, 0
			for _, k := range res.Kustomizations() {
				objects += len(k.Objects)
			}
			for _, p := range res.Problems {
				if !p.Pos.IsValid() {
					t.Errorf("problem without a file: %s", p)
					continue
				}
				if _, err := os.Lstat(filepath.Join(dir, p.Pos.File)); err != nil {
					t.Errorf("problem names %q, which is not a file of the repository: %s", p.Pos.File, p)
				}
				if p.Blocking() {
					errors++
				}
			}
			t.Logf("%d entry points, %d Kustomizations, %d objects, %d problems (%d errors)",
				len(res.Roots), len(res.Kustomizations()), objects, len(res.Problems), errors)
		})
	}
}
