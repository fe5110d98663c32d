package render_test

import (
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/tools/synth"
)

func benchRender(b *testing.B, dir string) {
	b.ReportAllocs()
	var objects int
	for i := 0; i < b.N; i++ {
		res, err := render.Render(render.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		objects = len(res.Objects)
	}
	b.ReportMetric(float64(objects), "objects")
}

func BenchmarkRenderOnedr0p(b *testing.B) {
	benchRender(b, filepath.Join(corpusDir(b), "onedr0p__home-ops"))
}

func BenchmarkRenderSynthetic1000(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 1000); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	benchRender(b, dir)
}
