package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Group is the output of one Kustomization.
type Group struct {
	Kustomization *Kustomization
	// Release is set for the group of what a HelmRelease's chart renders,
	// which follows the group of the Kustomization that applies it.
	Release *Release
	Objects []*Object
}

// Groups lists what the result prints: the entry points first (unless one
// produces itself, in which case its own build shows it), then every
// Kustomization's objects, depth-first. With only set ("namespace/name"),
// just what that Kustomization produces, recursively, as
// "flux build ks NAME --recursive" prints; ok is false when no such
// Kustomization was rendered.
func (r *Result) Groups(only string) (groups []Group, ok bool) {
	if only == "" {
		var entry []*Object
		for _, o := range r.Objects {
			if o.AppliedBy == nil {
				entry = append(entry, o)
			}
		}
		if len(entry) > 0 {
			groups = append(groups, Group{Objects: entry})
		}
	}
	for _, k := range r.Kustomizations() {
		if only != "" && !within(k, only) {
			continue
		}
		ok = true
		groups = append(groups, Group{Kustomization: k, Objects: k.Objects})
		for _, rel := range k.Releases {
			if rel.Rendered {
				groups = append(groups, Group{Kustomization: k, Release: rel, Objects: rel.Objects})
			}
		}
	}
	return groups, ok || only == ""
}

// Within reports whether k is the Kustomization named only or one of its
// descendants.
func within(k *Kustomization, only string) bool {
	for ; k != nil; k = k.Parent {
		if k.Key() == only {
			return true
		}
	}
	return false
}

// InScope reports whether a problem concerns the Kustomization named only
// or its descendants (always true when only is empty).
func (p Problem) InScope(only string) bool {
	return only == "" || (p.Kustomization != nil && within(p.Kustomization, only))
}

// WriteYAML prints groups as a YAML stream, one comment line naming each
// group's Kustomization and its chain. Secret values are masked.
func WriteYAML(w io.Writer, r *Result, groups []Group) error {
	var names []string
	for _, k := range r.Roots {
		if k.Origin == OriginGuessed {
			names = append(names, fmt.Sprintf("%s (%s)", k.Key(), k.Object.Pos()))
		} else {
			names = append(names, fmt.Sprintf("%s (%s, %s)", k.Key(), k.Origin, k.Object.Pos()))
		}
	}
	switch {
	case len(names) == 0:
		fmt.Fprintln(w, "# no entry points: no Flux Kustomization found")
	case r.Guessed:
		fmt.Fprintf(w, "# entry points (guessed: no FluxInstance, bootstrap layout or AKS configuration shows the real ones): %s\n", strings.Join(names, ", "))
	default:
		fmt.Fprintf(w, "# entry points: %s\n", strings.Join(names, ", "))
	}
	for _, g := range groups {
		switch {
		case g.Kustomization == nil:
			fmt.Fprintln(w, "# entry points")
		case g.Release != nil:
			hr := g.Release.Object
			fmt.Fprintf(w, "# HelmRelease %s/%s chart=%s (%s) applied by %s\n", hr.Namespace, hr.Name, g.Release.Chart, hr.Pos(), g.Kustomization.Key())
		default:
			k := g.Kustomization
			fmt.Fprintf(w, "# Kustomization %s path=%s chain=%s\n", k.Key(), k.Dir, k.LineageString())
		}
		for _, o := range g.Objects {
			s, err := Redacted(o).String()
			if err != nil {
				return err
			}
			if !strings.HasSuffix(s, "\n") {
				s += "\n"
			}
			fmt.Fprintf(w, "---\n# from %s\n%s", o.Provenance(), s)
		}
	}
	return nil
}

// JSON shapes of the render output.
type jsonOutput struct {
	FormatVersion int         `json:"version"`
	Roots         []jsonRoot  `json:"roots"`
	AutoDetected  bool        `json:"autoDetected"`
	Guessed       bool        `json:"guessed"`
	Groups        []jsonGroup `json:"groups"`
	Problems      []jsonProb  `json:"problems"`
}

type jsonRoot struct {
	Kustomization string `json:"kustomization"`
	Origin        string `json:"origin"`
	Pos           string `json:"pos"`
}

type jsonGroup struct {
	Kustomization string           `json:"kustomization,omitempty"`
	HelmRelease   string           `json:"helmRelease,omitempty"`
	Chart         string           `json:"chart,omitempty"`
	Chain         []string         `json:"chain,omitempty"`
	Path          string           `json:"path,omitempty"`
	Rendered      bool             `json:"rendered"`
	Objects       []map[string]any `json:"objects"`
	Sources       []string         `json:"sources"`
}

type jsonProb struct {
	Code          string `json:"code"`
	Severity      string `json:"severity"`
	Pos           string `json:"pos"`
	Message       string `json:"message"`
	Kustomization string `json:"kustomization,omitempty"`
}

// WriteJSON prints groups and problems as one JSON document.
func WriteJSON(w io.Writer, r *Result, groups []Group, problems []Problem) error {
	out := jsonOutput{FormatVersion: 1, AutoDetected: r.AutoDetected, Guessed: r.Guessed, Groups: []jsonGroup{}, Problems: []jsonProb{}}
	for _, k := range r.Roots {
		out.Roots = append(out.Roots, jsonRoot{Kustomization: k.Key(), Origin: k.Origin, Pos: k.Object.Pos().String()})
	}
	for _, g := range groups {
		jg := jsonGroup{Rendered: true, Objects: []map[string]any{}, Sources: []string{}}
		if k := g.Kustomization; k != nil {
			jg.Kustomization, jg.Path, jg.Rendered = k.Key(), k.Dir, k.Rendered
			for _, c := range k.Lineage() {
				jg.Chain = append(jg.Chain, c.Key())
			}
		}
		if rel := g.Release; rel != nil {
			jg.HelmRelease, jg.Chart, jg.Rendered = rel.Object.Namespace+"/"+rel.Object.Name, rel.Chart, rel.Rendered
		}
		for _, o := range g.Objects {
			m, err := toMap(Redacted(o))
			if err != nil {
				return err
			}
			jg.Objects = append(jg.Objects, m)
			jg.Sources = append(jg.Sources, o.Provenance())
		}
		out.Groups = append(out.Groups, jg)
	}
	for _, p := range problems {
		jp := jsonProb{Code: string(p.Code), Severity: "error", Pos: p.Pos.String(), Message: p.Message}
		switch {
		case p.Code.Informational():
			jp.Severity = "info"
		case !p.Blocking():
			jp.Severity = "warning"
		}
		if p.Kustomization != nil {
			jp.Kustomization = p.Kustomization.LineageString()
		}
		out.Problems = append(out.Problems, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toMap(n *yaml.RNode) (map[string]any, error) {
	b, err := marshalJSON(n)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(b, &m)
	return m, err
}
