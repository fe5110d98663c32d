package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// TestCachedOutputIsIdentical runs check and render on every corpus
// repository and every fixture repository three times: without the build
// cache, with an empty one and with the one the second run filled. What a
// user sees (the exit code, standard output and standard error) is the
// same byte for byte.
func TestCachedOutputIsIdentical(t *testing.T) {
	var dirs []string
	corpus := fixture.CorpusDir(t, 2)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "reference-renders" {
			dirs = append(dirs, filepath.Join(corpus, e.Name()))
		}
	}
	for _, pattern := range []string{"../../testdata/render/*", "../../testdata/analyzers/*/*", "../../testdata/demo"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m {
			if strings.HasSuffix(d, "endless-template") {
				// Its chart runs for seconds past the limit on each of the
				// nine runs: nothing to do with the cache, and slow.
				continue
			}
			if info, err := os.Stat(d); err == nil && info.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) < 50 {
		t.Fatalf("only %d repositories found", len(dirs))
	}
	for _, dir := range dirs {
		name := strings.TrimPrefix(dir, "../../")
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			for _, cmd := range [][]string{{"check", "--format", "json"}, {"check"}, {"render"}} {
				runOnce := func(cacheArgs ...string) string {
					args := append(append(append([]string{}, cmd...), cacheArgs...), dir)
					code, out, errOut := run(args...)
					return strings.Join([]string{string(rune('0' + code)), out, errOut}, "\x00")
				}
				want := runOnce("--no-cache")
				for _, pass := range []string{"empty", "warm"} {
					if got := runOnce("--cache-dir", cache); got != want {
						t.Fatalf("%s with the %s cache prints something else than without a cache:\n--- without\n%s\n--- with\n%s", strings.Join(cmd, " "), pass, want, got)
					}
				}
			}
		})
	}
}
