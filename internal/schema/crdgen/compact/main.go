// Command compact turns the CRDs controller-gen writes into the schema
// files fluxlint embeds: one JSON file per group, kind and version,
// holding the version's openAPIV3Schema without descriptions (which are
// most of the bytes and play no part in validation).
//
// Usage: compact IN-DIR OUT-DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

type crd struct {
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name               string `json:"name"`
			Served             bool   `json:"served"`
			Deprecated         bool   `json:"deprecated"`
			DeprecationWarning string `json:"deprecationWarning"`
			Schema             struct {
				OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compact IN-DIR OUT-DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	files, err := filepath.Glob(filepath.Join(in, "*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(out, "*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var c crd
		if err := yaml.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range c.Spec.Versions {
			strip(v.Schema.OpenAPIV3Schema)
			b, err := json.Marshal(v.Schema.OpenAPIV3Schema)
			if err != nil {
				return err
			}
			name := fmt.Sprintf("%s_%s_%s.json", c.Spec.Group, strings.ToLower(c.Spec.Names.Kind), v.Name)
			if err := os.WriteFile(filepath.Join(out, name), append(b, '\n'), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// strip removes descriptions from a schema and every schema in it. A
// property that happens to be called "description" is kept: it is a key
// of "properties", whose values are schemas.
func strip(s map[string]any) {
	delete(s, "description")
	for k, v := range s {
		switch k {
		case "properties", "patternProperties", "definitions":
			if m, ok := v.(map[string]any); ok {
				for _, sub := range m {
					if sm, ok := sub.(map[string]any); ok {
						strip(sm)
					}
				}
			}
		case "items", "additionalProperties", "not":
			if sm, ok := v.(map[string]any); ok {
				strip(sm)
			}
		case "allOf", "anyOf", "oneOf":
			if l, ok := v.([]any); ok {
				for _, sub := range l {
					if sm, ok := sub.(map[string]any); ok {
						strip(sm)
					}
				}
			}
		}
	}
}
