package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizeGitURL(t *testing.T) {
	want := "github.com/example/fleet"
	for _, u := range []string{
		"https://github.com/example/fleet", "https://github.com/example/fleet.git", "ssh://git@github.com/example/fleet.git",
		"git@github.com:example/fleet.git", "ssh://git@GitHub.com:22/example/fleet/", "https://user:token@github.com/example/fleet",
	} {
		if got := normalizeGitURL(u); got != want {
			t.Errorf("%s: %s", u, got)
		}
	}
}

// A GitRepository whose URL is the checkout's git remote (read from
// .git/config, in any spelling) makes its Kustomization a real entry
// point; one whose URL names another repository is not this repository.
func TestGitRemoteDecidesTheSource(t *testing.T) {
	for _, c := range []struct {
		url       string
		rendered  bool
		guessed   bool
		origin    string
		notMapped bool
	}{
		{"ssh://git@github.com/Example/fleet.git", true, false, OriginRemote, false},
		{"https://github.com/example/other-repo", false, true, OriginGuessed, true},
	} {
		dir := t.TempDir()
		files := map[string]string{
			".git/config": "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:example/fleet.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
			"clusters/prod/sync.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: fleet\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: " + c.url +
				"\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: fleet\n",
			"apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
		}
		for p, s := range files {
			full := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(full), 0o755)
			os.WriteFile(full, []byte(s), 0o644)
		}
		res, err := Render(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Roots) != 1 || res.Roots[0].Origin != c.origin || res.Roots[0].Rendered != c.rendered || res.Guessed != c.guessed {
			t.Errorf("%s: roots %v guessed %v", c.url, res.Roots, res.Guessed)
			continue
		}
		var msgs []string
		for _, p := range res.Problems {
			msgs = append(msgs, p.String())
		}
		if got := strings.Contains(strings.Join(msgs, "\n"), "is "+c.url+", not this repository"); got != c.notMapped {
			t.Errorf("%s: problems %v", c.url, msgs)
		}
	}
}
