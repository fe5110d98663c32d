package nodecodec

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestNodeCodecRoundTrip(t *testing.T) {
	docs := []*yaml.RNode{
		yaml.MustParse("# head\napiVersion: v1 # line\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  script: |\n    echo 'x'\n  quoted: \"1\"\n  flow: [a, b]\n# foot\n"),
		yaml.MustParse("apiVersion: v1\nkind: Secret\nmetadata: {name: b}\nstringData: {k: v}\n"),
	}
	data, err := Encode(ynodes(docs))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		if want, got := docs[i].MustString(), yaml.NewRNode(back[i]).MustString(); want != got {
			t.Errorf("document %d reads back as\n%s\nnot\n%s", i, got, want)
		}
	}
	again, _ := Encode(back)
	if string(again) != string(data) {
		t.Error("a second encoding differs from the first")
	}
	// A truncated or damaged entry is an error, never a panic.
	for n := 0; n < len(data); n++ {
		if _, err := Decode(data[:n], true); err == nil {
			t.Fatalf("%d of %d bytes decode without an error", n, len(data))
		}
		flipped := append([]byte(nil), data...)
		flipped[n] ^= 0xff
		_, _ = Decode(flipped, true)
	}
	// Aliases read back as aliases of the same tree's nodes, and only when
	// the caller takes them.
	alias := yaml.MustParse("a: &x {k: v}\nb: *x\nc: [*x, *x]\n")
	data, err = Encode(ynodes([]*yaml.RNode{alias}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, false); err == nil {
		t.Error("an alias was read back without asking")
	}
	back, err = Decode(data, true)
	if err != nil {
		t.Fatal(err)
	}
	if want, got := alias.MustString(), yaml.NewRNode(back[0]).MustString(); want != got {
		t.Errorf("aliases read back as\n%s\nnot\n%s", got, want)
	}
	if b := back[0].Content[3]; b.Kind != yaml.AliasNode || b.Alias != back[0].Content[1] {
		t.Errorf("the alias stands for %+v, not the anchored node", b.Alias)
	}
	// An alias of its own ancestor would make a cycle: not encoded, or
	// refused when damage makes one.
	loop := &yaml.Node{Kind: yaml.MappingNode, Anchor: "x"}
	loop.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Value: "a"}, {Kind: yaml.AliasNode, Value: "x", Alias: loop}}
	if data, err := Encode([]*yaml.Node{loop}); err == nil {
		if _, err := Decode(data, true); err == nil {
			t.Error("an alias of its ancestor was read back")
		}
	}
	forward := &yaml.Node{Kind: yaml.SequenceNode}
	target := &yaml.Node{Kind: yaml.ScalarNode, Value: "v", Anchor: "y"}
	forward.Content = []*yaml.Node{{Kind: yaml.AliasNode, Value: "y", Alias: target}, target}
	if _, err := Encode([]*yaml.Node{forward}); err == nil {
		t.Error("an alias before its anchor was encoded")
	}
}

func ynodes(docs []*yaml.RNode) []*yaml.Node {
	out := make([]*yaml.Node, len(docs))
	for i, d := range docs {
		out[i] = d.YNode()
	}
	return out
}
