package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// AliasError is a document whose aliases expand too far: it is refused,
// since kustomize and kyaml copy every alias when they resolve it, and a
// few hundred bytes of nested anchors would take all memory.
type AliasError struct {
	// Nodes is how many nodes the document expands to, Written how many
	// it has as written.
	Nodes, Written int
	Limit          int
	// Cycle is set when an alias refers to an anchor it is inside of: it
	// expands forever.
	Cycle bool
}

func (e *AliasError) Error() string {
	if e.Cycle {
		return "an alias refers to an anchor it is written inside of, so it expands without end: fluxlint leaves the file out, as any tool that resolves the aliases would never finish"
	}
	return fmt.Sprintf("its aliases expand %d written YAML nodes to %d (the limit is %d nodes added by aliases, or go-yaml's ratio of aliases to nodes): "+
		"fluxlint leaves the file out, as any tool that resolves the aliases would run out of memory", e.Written, e.Nodes, e.Limit)
}

// saturate keeps counts from overflowing on deeply nested anchors.
const saturate = 1 << 50

// expansion counts nodes the way go-yaml counts them when it decodes into
// Go values: every alias is expanded where it is used. Each subtree is
// counted once, so the count takes time linear in the written document.
type expansion struct {
	memo  map[*yaml.Node][2]int
	busy  map[*yaml.Node]bool
	cycle bool
}

// count returns the nodes n expands to and the aliases met doing so.
func (e *expansion) count(n *yaml.Node) (nodes, aliases int) {
	if n == nil {
		return 0, 0
	}
	if c, ok := e.memo[n]; ok {
		return c[0], c[1]
	}
	if e.busy[n] {
		e.cycle = true // an alias inside its own anchor
		return 1, 0
	}
	e.busy[n] = true
	nodes = 1
	if n.Kind == yaml.AliasNode {
		an, aa := e.count(n.Alias)
		nodes, aliases = nodes+an, 1+aa
	} else {
		for _, c := range n.Content {
			cn, ca := e.count(c)
			nodes, aliases = nodes+cn, aliases+ca
		}
	}
	nodes, aliases = min(nodes, saturate), min(aliases, saturate)
	delete(e.busy, n)
	e.memo[n] = [2]int{nodes, aliases}
	return nodes, aliases
}

// written counts the nodes of n as written, aliases not followed.
func written(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += written(k)
	}
	return c
}

// aliasRatio is go-yaml's rule for "excessive aliasing" (decode.go,
// allowedAliasRatio): the share of aliases among the decoded nodes that a
// document of that size may have.
func aliasRatio(decoded int) float64 {
	const low, high = 400_000, 4_000_000
	switch {
	case decoded <= low:
		return 0.99
	case decoded >= high:
		return 0.10
	}
	return 0.99 - 0.89*(float64(decoded-low)/float64(high-low))
}

// aliasError refuses a parsed document whose aliases expand too far: more
// than limits.AliasNodes nodes added by aliases, or a share of aliases that
// go-yaml itself refuses when it decodes into Go values.
func aliasError(n *yaml.Node, limits Limits) error {
	if !hasAlias(n) {
		return nil
	}
	e := &expansion{memo: map[*yaml.Node][2]int{}, busy: map[*yaml.Node]bool{}}
	nodes, aliases := e.count(n)
	w := written(n)
	if e.cycle {
		return &AliasError{Nodes: nodes, Written: w, Limit: limits.AliasNodes, Cycle: true}
	}
	if nodes-w > limits.AliasNodes || (aliases > 100 && nodes > 1000 && float64(aliases)/float64(nodes) > aliasRatio(nodes)) {
		return &AliasError{Nodes: nodes, Written: w, Limit: limits.AliasNodes}
	}
	return nil
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// checkAliases checks every document of a file that is not named as YAML
// but that kustomize may still read as YAML.
func checkAliases(data []byte, limits Limits) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := decodeNode(dec, &n)
		if errors.Is(err, io.EOF) || err != nil {
			return nil // not YAML, or no more of it: not ours to refuse
		}
		if err := aliasError(&n, limits); err != nil {
			return err
		}
	}
}

// decodeNode decodes the next document, turning a panic of the YAML
// library into an error.
func decodeNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}
