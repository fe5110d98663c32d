package kubeschema

import (
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Strip removes the documentation fields of s and of every schema in it.
func Strip(s *spec.Schema) {
	if s == nil {
		return
	}
	s.Description, s.Title, s.Example, s.ExternalDocs = "", "", nil, nil
	for name, p := range s.Properties {
		Strip(&p)
		s.Properties[name] = p
	}
	if s.Items != nil {
		Strip(s.Items.Schema)
		for i := range s.Items.Schemas {
			Strip(&s.Items.Schemas[i])
		}
	}
	if s.AdditionalProperties != nil {
		Strip(s.AdditionalProperties.Schema)
	}
}

// ToCompact turns a stripped schema into its compact form. It fails on a
// schema that uses a field the compact form does not hold, so that the
// generator never drops one silently.
func ToCompact(s *spec.Schema) (*Compact, error) {
	c := &Compact{Ref: s.Ref.String(), Type: s.Type, Format: s.Format, Required: s.Required}
	if len(s.Extensions) > 0 {
		c.Extensions = s.Extensions
	}
	if s.Properties != nil {
		c.Properties = map[string]*Compact{}
		for name, p := range s.Properties {
			pc, err := ToCompact(&p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			c.Properties[name] = pc
		}
	}
	if s.Items != nil {
		if s.Items.Schema == nil || len(s.Items.Schemas) > 0 {
			return nil, fmt.Errorf("items that are not one schema")
		}
		ic, err := ToCompact(s.Items.Schema)
		if err != nil {
			return nil, err
		}
		c.Items = ic
	}
	if a := s.AdditionalProperties; a != nil {
		if a.Schema != nil {
			if !a.Allows {
				return nil, fmt.Errorf("additionalProperties with a schema that allows nothing")
			}
			ac, err := ToCompact(a.Schema)
			if err != nil {
				return nil, err
			}
			c.AdditionalProperties = ac
		} else {
			allows := a.Allows
			c.AdditionalAllowed = &allows
		}
	}
	back, err := c.Schema()
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(*back, *s) {
		return nil, fmt.Errorf("uses a field the compact form does not hold: %+v", *s)
	}
	return c, nil
}

// Generate writes the compact form of the definitions, stripped of their
// documentation, as kubernetes.json holds it.
func Generate(defs spec.Definitions) ([]byte, error) {
	out := make(map[string]*Compact, len(defs))
	for name, d := range defs {
		Strip(&d)
		c, err := ToCompact(&d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = c
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
