package render

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
)

// marshalJSON gives kyaml's bytes for every object of every corpus
// repository and for the scalars YAML resolves in surprising ways.
func TestMarshalJSONAsKyaml(t *testing.T) {
	same := func(what string, rn *yaml.RNode) {
		t.Helper()
		want, werr := rn.MarshalJSON()
		got, gerr := marshalJSON(rn)
		if string(want) != string(got) || (werr == nil) != (gerr == nil) {
			t.Errorf("%s:\nkyaml    %s (%v)\nfluxlint %s (%v)", what, want, werr, got, gerr)
		}
	}
	for _, text := range []string{
		"a: 1\nb: 010\nc: 0x1F\nd: 1_000\ne: -0\nf: +5\ng: 0o17\nh: 9223372036854775808\n",
		"a: true\nb: True\nc: FALSE\nd: yes\ne: on\nf: y\n",
		"a: ~\nb: null\nc:\nd: Null\ne: \"null\"\n",
		"a: 1.5\nb: .inf\nc: 1e3\nd: 2024-01-01\ne: 2024-01-01T10:00:00Z\n",
		"a: !!str 1\nb: !!int \"2\"\nc: '3'\nd: \"true\"\ne: !custom x\n",
		"a: &x {b: 1}\nc: *x\n",
		"base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
		"1: a\ntrue: b\n",
		"a: |\n  line\n  two\nb: >-\n  folded\n  text\nc: \"tab\\there\"\nd: \"\\u00e9\"\n",
		"- a\n- 1\n- [x, {y: z}]\n",
		"a: [1, 2]\nb: {}\nc: []\n",
		"a: |\n  line\n   indented\n\n  trailing  \nb: |2\n   leading space first\n  next\nc: |+\n  keep\n\n\nd: |-\n  strip\n",
		"a: \"multi\\nline\\twith tab \\u00e9\"\nb: \"ends with newline\\n\"\nc: \"  leading spaces\\n  and more\"\nd: |\n  x\ttab inside\n",
		"a: \"x\\u2028y\"\nb: \"x\\u0085y\"\nc: \"x\\ry\"\nd: \"x\\r\\ny\"\ne: \"\\n\"\nf: \"a\\n\\n\\nb\"\n",
		"a: >\n  folded\n    more indented\n  back\nb: plain\n  multi line\nc: 'single\n\n  quoted'\n",
		"a: |\n  x: 1\n  y:\n    - z\n  # not a comment\n",
	} {
		same(text, yaml.MustParse(text))
	}
	for _, v := range []string{"010", "1_000", "0x1F", "true", "~", "", "12", "-3"} {
		n := yaml.NewMapRNode(nil)
		_ = n.PipeE(yaml.SetField("plain", yaml.NewScalarRNode(v)))
		_ = n.PipeE(yaml.SetField("str", yaml.NewStringRNode(v)))
		same("built "+v, n)
	}
	corpus := fixture.CorpusDir(t, 1)
	entries, _ := os.ReadDir(corpus)
	objects := 0
	for _, e := range entries {
		res, err := Render(Options{Dir: filepath.Join(corpus, e.Name())})
		if err != nil {
			continue
		}
		for _, o := range res.Objects {
			if o.Node != nil {
				objects++
				same(e.Name()+" "+o.Kind+" "+o.Name, o.Node)
			}
		}
	}
	if objects < 1000 {
		t.Errorf("only %d corpus objects compared", objects)
	}
	t.Logf("%d corpus objects compared", objects)
}
