package render

import (
	"path/filepath"
	"testing"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// The issue asks whether Flux's Build, which takes a global lock and
// reloads kyaml's OpenAPI schema on every call, dominates the render.
// These two benchmarks build the same directory both ways; the conformance
// test shows that the output is the same.
const benchApp = "onedr0p__home-ops/kubernetes/apps/o11y/kube-prometheus-stack/app"

func benchBuildDir(b *testing.B) string {
	dir := filepath.Join(fixture.CorpusDir(b, 2), benchApp)
	abs, _ := filepath.Abs(dir)
	abs, _ = filepath.EvalSymlinks(abs)
	return abs
}

func benchBuild(b *testing.B, build func(filesys.FileSystem, string) (resmap.ResMap, error)) {
	dir := benchBuildDir(b)
	fs, err := securefs.MakeFsOnDiskSecure(filepath.Dir(dir))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := build(fs, dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildFluxBuild(b *testing.B) { benchBuild(b, fluxkustomize.Build) }

func BenchmarkBuildSchemaOnce(b *testing.B) {
	benchBuild(b, func(fs filesys.FileSystem, dir string) (resmap.ResMap, error) {
		return kustomizeBuild(fs, dir, false, schemaFull)
	})
}
