package render

import (
	"sync"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/fluxlint/fluxlint/internal/load"
)

// A render's first steps are serial: parse the repository, find the entry
// points, build the first one. Two things every render then needs are
// started beside the parse instead, on the processor it leaves idle part
// of the time.

// prefetchView computes the repository's artifact without spec.ignore,
// which the entry points' builds read first (matching every path against
// the ignore patterns takes a few milliseconds). r.view takes it.
func (r *renderer) prefetchView(repo *load.Repo) {
	f := &viewFuture{key: repo.Root + "\x00", done: make(chan struct{})}
	r.prefetched = f
	go func() {
		defer close(f.done)
		f.view = repo.View("")
	}()
}

type viewFuture struct {
	key  string
	view *load.View
	done chan struct{}
}

// warmKustomize runs a build of nothing once per process, when builds are
// to come: kustomize sets up its built-in transformer configurations and
// plugin factories on its first build, about ten milliseconds in front of
// the first real one otherwise.
func warmKustomize() {
	warmOnce.Do(func() {
		fs := filesys.MakeFsInMemory()
		if fs.WriteFile("/warm/kustomization.yaml", []byte("namespace: warm\nlabels:\n- pairs: {a: b}\n")) != nil {
			return
		}
		_, _ = fluxKustomizer().Run(fs, "/warm")
	})
}

var warmOnce sync.Once
