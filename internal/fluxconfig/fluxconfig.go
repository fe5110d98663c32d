// Package fluxconfig reads AKS fluxConfigurations that a repository
// writes as code: Terraform's azurerm_kubernetes_flux_configuration (and
// the azapi form), and ARM templates as Bicep compiles them, with the
// microsoft.flux extension resource beside them. Each becomes the entry
// points Azure creates, so that fluxlint renders an AKS repository without
// flags. A value computed from variables or expressions fluxlint cannot
// evaluate is reported, never guessed.
package fluxconfig

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// Configuration is one fluxConfiguration.
type Configuration struct {
	Name, Namespace string
	// From names it: "Terraform azurerm_kubernetes_flux_configuration.x".
	From string
	At   load.Pos
	// Kustomizations are its kustomizations, in name order.
	Kustomizations []flux.AKSKustomization
	// Extension is the microsoft.flux extension written in the same file.
	Extension *Extension
}

// Extension is the microsoft.flux cluster extension's settings that change
// how Flux behaves.
type Extension struct {
	At load.Pos
	// Version is the extension version ("" when not pinned).
	Version   string
	VersionAt load.Pos
	// Enforce is multiTenancy.enforce (nil when not set: on).
	Enforce   *bool
	EnforceAt load.Pos
	// Strict is kustomize-controller.strict-substitution-mode (nil: off).
	Strict   *bool
	StrictAt load.Pos
}

// Problem is a value fluxlint cannot read, where it is written.
type Problem struct {
	Pos     load.Pos
	Message string
}

// Find reads every fluxConfiguration the repository writes: in .tf files,
// and in .json files that mention fluxConfigurations.
func Find(repo *load.Repo) ([]Configuration, []Problem) {
	var configs []Configuration
	var problems []Problem
	for _, p := range repo.Paths() {
		f := repo.File(p)
		if f == nil || f.Size > repo.Limits().EagerParseBytes {
			continue
		}
		var cs []Configuration
		var ps []Problem
		switch path.Ext(p) {
		case ".tf":
			data, err := f.Data()
			if err != nil || !bytes.Contains(data, []byte("flux_configuration")) && !bytes.Contains(data, []byte("fluxConfigurations")) {
				continue
			}
			cs, ps = readTerraform(f.Name(), data)
		case ".json":
			data, err := f.Data()
			if err != nil || !bytes.Contains(data, []byte("fluxConfigurations")) {
				continue
			}
			cs, ps = readARM(f.Name(), data)
		default:
			continue
		}
		configs = append(configs, cs...)
		problems = append(problems, ps...)
	}
	return configs, problems
}

// Pick chooses the configuration to render: the one named, or the only
// one. ok is false when there are several and none is named, or the one
// named is not there; why says which there are.
func Pick(configs []Configuration, name string) (Configuration, string, bool) {
	var names []string
	for _, c := range configs {
		if name != "" && c.Name == name {
			return c, "", true
		}
		names = append(names, c.Name+" ("+c.At.String()+")")
	}
	switch {
	case name != "":
		return Configuration{}, fmt.Sprintf("no fluxConfiguration %q among %s", name, strings.Join(names, ", ")), false
	case len(configs) == 1:
		return configs[0], "", true
	case len(configs) > 1:
		return Configuration{}, fmt.Sprintf("the repository writes %d fluxConfigurations (%s): pick one with --flux-configuration", len(configs), strings.Join(names, ", ")), false
	}
	return Configuration{}, "", false
}

// kustomization is what both forms give for one kustomization, before it
// becomes a flux.AKSKustomization.
type kustomization struct {
	name, path               string
	prune, force, wait       bool
	timeout, interval, retry int // seconds; 0 for Azure's default
	dependsOn                []string
	substitute               map[string]string
	substituteFrom           []flux.AKSSubstituteFrom
	at                       load.Pos
}

func (k kustomization) entry() flux.AKSKustomization {
	secs := func(n int) string {
		if n <= 0 {
			n = 600
		}
		return (time.Duration(n) * time.Second).String()
	}
	p := k.path
	if p == "" {
		p = "./"
	}
	return flux.AKSKustomization{Name: k.name, Path: p, Prune: k.prune, Force: k.force, Wait: k.wait,
		DependsOn: k.dependsOn, Interval: secs(k.interval), Timeout: secs(k.timeout), RetryInterval: secs(k.retry),
		Substitute: k.substitute, SubstituteFrom: k.substituteFrom, At: k.at}
}

func sortedEntries(ks []kustomization) []flux.AKSKustomization {
	sort.Slice(ks, func(i, j int) bool { return ks[i].name < ks[j].name })
	var out []flux.AKSKustomization
	for _, k := range ks {
		out = append(out, k.entry())
	}
	return out
}

// readARM reads an ARM template (JSON, read as YAML for its positions):
// resources as an array (Bicep's languageVersion 1.0) or an object keyed
// by symbolic name (2.0), a fluxConfigurations resource placed with
// "scope" or written as the nested type
// ".../managedClusters/providers/fluxConfigurations".
func readARM(name string, data []byte) ([]Configuration, []Problem) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return nil, nil
	}
	r := &armReader{file: name}
	resources := load.LookupNode(doc.Content[0], "resources")
	if resources == nil {
		return nil, nil
	}
	var items []*yaml.Node
	switch resources.Kind {
	case yaml.SequenceNode:
		items = resources.Content
	case yaml.MappingNode:
		for i := 1; i < len(resources.Content); i += 2 {
			items = append(items, resources.Content[i])
		}
	}
	var configs []Configuration
	var ext *Extension
	for _, res := range items {
		typ := load.Scalar(load.LookupNode(res, "type"))
		switch {
		case strings.EqualFold(typ, "Microsoft.KubernetesConfiguration/extensions"):
			if strings.EqualFold(load.Scalar(load.LookupNode(res, "properties", "extensionType")), "microsoft.flux") {
				ext = r.extension(res)
			}
		case strings.HasSuffix(strings.ToLower(typ), "/fluxconfigurations"):
			if c, ok := r.configuration(res); ok {
				configs = append(configs, c)
			}
		}
	}
	for i := range configs {
		configs[i].Extension = ext
	}
	return configs, r.problems
}

type armReader struct {
	file     string
	problems []Problem
}

func (r *armReader) pos(n *yaml.Node) load.Pos {
	return load.Pos{File: r.file, Line: n.Line, Col: n.Column}
}

// str reads a string value, reporting an ARM expression ("[...]"), which
// fluxlint does not evaluate.
func (r *armReader) str(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		r.problems = append(r.problems, Problem{r.pos(n), what + " is not a plain value"})
		return "", false
	}
	if strings.HasPrefix(n.Value, "[") && !strings.HasPrefix(n.Value, "[[") {
		r.problems = append(r.problems, Problem{r.pos(n), fmt.Sprintf("%s is the ARM expression %s, which fluxlint does not evaluate: write the value, or give it with flags", what, n.Value)})
		return "", false
	}
	return n.Value, true
}

func (r *armReader) boolean(n *yaml.Node, what string, def bool) bool {
	s, ok := r.str(n, what)
	if !ok || s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.problems = append(r.problems, Problem{r.pos(n), fmt.Sprintf("%s is %q, not true or false", what, s)})
		return def
	}
	return b
}

func (r *armReader) number(n *yaml.Node, what string) int {
	s, ok := r.str(n, what)
	if !ok || s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.problems = append(r.problems, Problem{r.pos(n), fmt.Sprintf("%s is %q, not a number of seconds", what, s)})
	}
	return v
}

func (r *armReader) configuration(res *yaml.Node) (Configuration, bool) {
	nameNode := load.LookupNode(res, "name")
	name, ok := r.str(nameNode, "the fluxConfiguration's name")
	if !ok {
		return Configuration{}, false
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:] // "cluster/Microsoft.KubernetesConfiguration/flux"
	}
	props := load.LookupNode(res, "properties")
	c := Configuration{Name: name, At: r.pos(nameNode), From: "ARM fluxConfigurations " + name, Namespace: "default"}
	if ns, ok := r.str(load.LookupNode(props, "namespace"), "properties.namespace"); ok && ns != "" {
		c.Namespace = ns
	} else if !ok {
		return c, false
	}
	var ks []kustomization
	if m := load.LookupNode(props, "kustomizations"); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			key, def := m.Content[i], m.Content[i+1]
			what := func(f string) string { return "kustomizations." + key.Value + "." + f }
			get := func(f ...string) *yaml.Node { return load.LookupNode(def, f...) }
			k := kustomization{name: key.Value, at: r.pos(key)}
			k.path, _ = r.str(get("path"), what("path"))
			k.prune = r.boolean(get("prune"), what("prune"), false)
			k.force = r.boolean(get("force"), what("force"), false)
			k.wait = r.boolean(get("wait"), what("wait"), true)
			k.timeout = r.number(get("timeoutInSeconds"), what("timeoutInSeconds"))
			k.interval = r.number(get("syncIntervalInSeconds"), what("syncIntervalInSeconds"))
			k.retry = r.number(get("retryIntervalInSeconds"), what("retryIntervalInSeconds"))
			if d := get("dependsOn"); d != nil {
				for _, n := range d.Content {
					if s, ok := r.str(n, what("dependsOn")); ok {
						k.dependsOn = append(k.dependsOn, s)
					}
				}
			}
			if sub := get("postBuild", "substitute"); sub != nil && sub.Kind == yaml.MappingNode {
				k.substitute = map[string]string{}
				for j := 0; j+1 < len(sub.Content); j += 2 {
					if s, ok := r.str(sub.Content[j+1], what("postBuild.substitute."+sub.Content[j].Value)); ok {
						k.substitute[sub.Content[j].Value] = s
					}
				}
			}
			if from := get("postBuild", "substituteFrom"); from != nil {
				for _, f := range from.Content {
					kind, _ := r.str(load.LookupNode(f, "kind"), what("postBuild.substituteFrom.kind"))
					nm, _ := r.str(load.LookupNode(f, "name"), what("postBuild.substituteFrom.name"))
					k.substituteFrom = append(k.substituteFrom, flux.AKSSubstituteFrom{Kind: kind, Name: nm,
						Optional: r.boolean(load.LookupNode(f, "optional"), what("postBuild.substituteFrom.optional"), false)})
				}
			}
			ks = append(ks, k)
		}
	}
	c.Kustomizations = sortedEntries(ks)
	return c, true
}

func (r *armReader) extension(res *yaml.Node) *Extension {
	e := &Extension{At: r.pos(res)}
	if v := load.LookupNode(res, "properties", "version"); v != nil {
		e.Version, _ = r.str(v, "the microsoft.flux extension's version")
		e.VersionAt = r.pos(v)
	}
	settings := load.LookupNode(res, "properties", "configurationSettings")
	if n := load.LookupNode(settings, "multiTenancy.enforce"); n != nil {
		b := r.boolean(n, "multiTenancy.enforce", true)
		e.Enforce, e.EnforceAt = &b, r.pos(n)
	}
	if n := load.LookupNode(settings, "kustomize-controller.strict-substitution-mode"); n != nil {
		b := r.boolean(n, "kustomize-controller.strict-substitution-mode", false)
		e.Strict, e.StrictAt = &b, r.pos(n)
	}
	return e
}
