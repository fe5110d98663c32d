package schema

import (
	"reflect"
	"sync"
	"testing"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
	"github.com/fluxlint/fluxlint/internal/memo"
)

type countingStore struct {
	mu   sync.Mutex
	m    map[memo.Key][]byte
	hits int
}

func (s *countingStore) Get(k memo.Key) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if ok {
		s.hits++
	}
	return v, ok
}

func (s *countingStore) Put(k memo.Key, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

const badKustomization = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10 minutes
  path: ./apps
  prun: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`

// A verdict kept in the store is the verdict validation gives: read back
// for the same content wherever it sits in a file, not for other content
// or other options, and validated again when the entry is damaged.
func TestVerdictsAreKeptByContent(t *testing.T) {
	s := &countingStore{m: map[memo.Key][]byte{}}
	obj := parse(t, badKustomization)
	want, ok, err := ValidateFlux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", obj, Options{})
	if !ok || err != nil || len(want) == 0 {
		t.Fatalf("the fixture should have violations: %v %v %v", want, ok, err)
	}
	check := func(what, text string, opts Options, hits int) {
		t.Helper()
		got, ok, err := ValidateFluxMemo(s, "kustomize.toolkit.fluxcd.io/v1", "Kustomization", parse(t, text), opts)
		if !ok || err != nil || !reflect.DeepEqual(strs(got), strs(want)) {
			t.Errorf("%s: %v (%v, %v), want %v", what, strs(got), ok, err, strs(want))
		}
		if s.hits != hits {
			t.Errorf("%s: %d verdicts read from the store, want %d", what, s.hits, hits)
		}
	}
	check("first", badKustomization, Options{}, 0)
	check("again", badKustomization, Options{}, 1)
	check("moved down and commented", "# a comment\n\n"+badKustomization, Options{}, 2)
	check("with other options", badKustomization, Options{Operator: true}, 2)
	for k, v := range s.m {
		s.m[k] = v[:len(v)/2]
	}
	check("damaged", badKustomization, Options{}, 3)
	check("after the damage", badKustomization, Options{}, 4)
}

// A core object whose verdict is kept does not load the Kubernetes schema.
func TestKeptCoreVerdictLoadsNoSchema(t *testing.T) {
	s := &countingStore{m: map[memo.Key][]byte{}}
	const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: \"80\"\n    protocal: TCP\n"
	want := ValidateCoreMemo(s, "v1", "Service", parse(t, svc))
	if len(want) == 0 {
		t.Fatal("the fixture should have violations")
	}
	kubeschema.Reset()
	defer kubeschema.Reset()
	installs := kubeschema.Installs()
	got := ValidateCoreMemo(s, "v1", "Service", parse(t, svc))
	if !reflect.DeepEqual(strs(got), strs(want)) || s.hits != 1 {
		t.Errorf("kept verdict %v (%d hits), want %v", strs(got), s.hits, strs(want))
	}
	if kubeschema.Installs() != installs || kubeschema.Installed() {
		t.Error("reading a kept verdict loaded the Kubernetes schema")
	}
}
