// Package kubeschema gives kustomize the Kubernetes OpenAPI schema it
// merges strategic-merge patches with, at a fraction of its cost.
//
// kyaml carries the schema of Kubernetes v1.21.2 as a 3.4 MB protocol
// buffer and parses all of it, descriptions included, the first time any
// build needs it: about 200 ms of CPU, more than most builds. What a build
// reads of it is the shape of each type and its patch strategies and merge
// keys. kubernetes.json holds exactly that: kyaml's schema with its
// documentation fields (description, title, example, externalDocs) left
// out, in a compact form that loads in a few milliseconds. "go generate"
// writes it from the kyaml version in go.mod, and TestEmbeddedIsCurrent
// fails when the two differ.
//
// Install puts it in place of kyaml's own; nothing else in fluxlint sets
// kyaml's schema, and nothing installs it until a build needs it.
package kubeschema

//go:generate go run ../tools/genschema -o kubernetes.json

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

//go:embed kubernetes.json
var embedded []byte

var (
	mu        sync.Mutex
	installed bool
	bare      bool // InstallBare's schema is in place
	installs  atomic.Int64
)

// Install makes kyaml's global schema the embedded one, unless it already
// is. Callers must keep builds from reading the schema meanwhile.
func Install() error {
	mu.Lock()
	defer mu.Unlock()
	if installed {
		return nil
	}
	defs, err := Definitions()
	if err != nil {
		return err
	}
	openapi.ResetOpenAPI()
	// kyaml then parses only its small Kustomization schema, and the
	// definitions below stand for the Kubernetes one it would have parsed.
	openapi.SuppressBuiltInSchemaUse()
	_ = openapi.Schema()
	openapi.AddDefinitions(defs)
	installed, bare = true, false
	installs.Add(1)
	return nil
}

// InstallBare makes kyaml's global schema its own small Kustomization
// schema alone, without the Kubernetes types, unless a schema is in place
// already. It costs a fraction of Install. A strategic-merge patch of a
// custom resource merges the same with it as with the Kubernetes schema,
// which has no type for any custom resource; it only keeps kyaml from
// parsing its built-in schema, which it does the first time a merge asks
// for a type. Callers must keep builds from reading the schema meanwhile.
func InstallBare() {
	mu.Lock()
	defer mu.Unlock()
	if installed || bare {
		return
	}
	openapi.ResetOpenAPI()
	openapi.SuppressBuiltInSchemaUse()
	_ = openapi.Schema()
	bare = true
}

// Reset empties kyaml's global schema, for a build that sets its own (a
// kustomization's "openapi" field); the next Install puts the embedded one
// back.
func Reset() {
	mu.Lock()
	defer mu.Unlock()
	openapi.ResetOpenAPI()
	installed, bare = false, false
}

// Installed reports whether kyaml's schema is the embedded one.
func Installed() bool {
	mu.Lock()
	defer mu.Unlock()
	return installed
}

// Ready reports whether a schema is in place for a build that merges
// strategic-merge patches: the Kubernetes one when the build may patch a
// Kubernetes type (full), or else at least InstallBare's.
func Ready(full bool) bool {
	mu.Lock()
	defer mu.Unlock()
	return installed || (bare && !full)
}

// Installs counts the calls of Install that loaded the schema, for tests
// that prove a run needed none.
func Installs() int64 { return installs.Load() }

// Definitions decodes the embedded schema.
func Definitions() (spec.Definitions, error) {
	var c map[string]*Compact
	if err := json.Unmarshal(embedded, &c); err != nil {
		return nil, fmt.Errorf("embedded Kubernetes schema: %w", err)
	}
	defs := make(spec.Definitions, len(c))
	for name, s := range c {
		d, err := s.Schema()
		if err != nil {
			return nil, fmt.Errorf("embedded Kubernetes schema, %s: %w", name, err)
		}
		defs[name] = *d
	}
	return defs, nil
}

// Compact is the part of a spec.Schema that kyaml's schema uses, under
// short names.
type Compact struct {
	Ref        string              `json:"r,omitempty"`
	Type       []string            `json:"t,omitempty"`
	Format     string              `json:"f,omitempty"`
	Required   []string            `json:"q,omitempty"`
	Properties map[string]*Compact `json:"p,omitempty"`
	Items      *Compact            `json:"i,omitempty"`
	// AdditionalProperties is a schema; AdditionalAllowed is set when it
	// is a plain true or false instead.
	AdditionalProperties *Compact        `json:"a,omitempty"`
	AdditionalAllowed    *bool           `json:"ab,omitempty"`
	Extensions           spec.Extensions `json:"x,omitempty"`
}

// Schema turns c back into the schema it was made from.
func (c *Compact) Schema() (*spec.Schema, error) {
	s := &spec.Schema{}
	if c.Ref != "" {
		ref, err := spec.NewRef(c.Ref)
		if err != nil {
			return nil, err
		}
		s.Ref = ref
	}
	if len(c.Type) > 0 {
		s.Type = spec.StringOrArray(c.Type)
	}
	s.Format = c.Format
	s.Required = c.Required
	if c.Properties != nil {
		s.Properties = make(map[string]spec.Schema, len(c.Properties))
		for name, p := range c.Properties {
			ps, err := p.Schema()
			if err != nil {
				return nil, err
			}
			s.Properties[name] = *ps
		}
	}
	if c.Items != nil {
		is, err := c.Items.Schema()
		if err != nil {
			return nil, err
		}
		s.Items = &spec.SchemaOrArray{Schema: is}
	}
	switch {
	case c.AdditionalProperties != nil:
		as, err := c.AdditionalProperties.Schema()
		if err != nil {
			return nil, err
		}
		s.AdditionalProperties = &spec.SchemaOrBool{Allows: true, Schema: as}
	case c.AdditionalAllowed != nil:
		s.AdditionalProperties = &spec.SchemaOrBool{Allows: *c.AdditionalAllowed}
	}
	if len(c.Extensions) > 0 {
		s.Extensions = c.Extensions
	}
	return s, nil
}
