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
	back, err := Decode(data)
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
		if _, err := Decode(data[:n]); err == nil {
			t.Fatalf("%d of %d bytes decode without an error", n, len(data))
		}
		flipped := append([]byte(nil), data...)
		flipped[n] ^= 0xff
		_, _ = Decode(flipped)
	}
	alias := yaml.MustParse("a: &x 1\nb: *x\n")
	if _, err := Encode(ynodes([]*yaml.RNode{alias})); err == nil {
		t.Error("an alias node was encoded")
	}
}

func ynodes(docs []*yaml.RNode) []*yaml.Node {
	out := make([]*yaml.Node, len(docs))
	for i, d := range docs {
		out[i] = d.YNode()
	}
	return out
}
