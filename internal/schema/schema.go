// Package schema checks objects against their API schemas: Flux objects
// against the CRD schemas of the Flux controllers (generated at build time
// from their API modules, see generate.go), core Kubernetes objects against
// the OpenAPI schema kyaml carries (core.go).
//
// Validation is a pure function of the object: the same object always gives
// the same violations, so a caller may cache them by the object's bytes.
// Nothing is loaded until an object of a kind needs its schema.
package schema

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed crds/*.json
var crds embed.FS

// FluxRelease is the Flux release line whose CRDs crds/ holds.
const FluxRelease = "2.9"

// CoreRelease is the Kubernetes release of kyaml's built-in OpenAPI
// document (kyaml v0.21's kubernetesapi DefaultOpenAPI); a test holds it
// to what kyaml says.
const CoreRelease = "v1.21.2"

// Problem is what is wrong with a field.
type Problem int

// The problems.
const (
	Unknown  Problem = iota // the field is not in the schema
	Required                // a required field is missing
	Type                    // the value has the wrong type
	Invalid                 // the value breaks a constraint: enum, pattern, length, range, rule
)

// Violation is one way an object breaks its schema.
type Violation struct {
	// Path is the field: for Unknown the unknown field itself, for Required
	// the object that lacks it (Field names it), else the value. List items
	// are their index.
	Path    []string
	Field   string // Required: the missing field
	Problem Problem
	// Pattern is set for an Invalid value that breaks a pattern.
	Pattern bool
	// Suggestion is, for an Unknown field, the field it likely meant.
	Suggestion string
	// Message says what is wrong, without the field's path; it never
	// quotes the value.
	Message string
}

// String is "path: message".
func (v Violation) String() string {
	p := strings.Join(v.Path, ".")
	if v.Problem == Required {
		if p != "" {
			p += "."
		}
		p += v.Field
	}
	if p == "" {
		p = "(root)"
	}
	return p + ": " + v.Message
}

type compiled struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

var (
	mu       sync.Mutex
	compiles = map[string]*compiled{}
)

// fileName is the crds/ file of a group, kind and version.
func fileName(group, kind, version string) string {
	return "crds/" + group + "_" + strings.ToLower(kind) + "_" + version + ".json"
}

// HasFlux reports whether a Flux kind's version has a schema.
func HasFlux(apiVersion, kind string) bool {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return false
	}
	_, err := crds.Open(fileName(group, kind, version))
	return err == nil
}

// Options are what the installation changes in the CRDs.
type Options struct {
	// Operator is set when Flux Operator installs Flux (or the
	// installation is unknown): its CRDs let an Alert's event sources and
	// a Receiver's resources name the Operator's kinds (FluxInstance,
	// ResourceSet, ResourceSetInputProvider), which the controllers' own
	// CRDs refuse.
	Operator bool
}

// operatorKinds are the kinds Flux Operator adds to the notification
// CRDs' kind enums (flux-operator build instance, as flux-schema's
// scripts/gen-flux-schemas.sh uses it to build its catalog).
var operatorKinds = []any{"FluxInstance", "ResourceSet", "ResourceSetInputProvider"}

// fluxSchema compiles the schema of a Flux kind's version once, on first
// use; nil when there is none.
func fluxSchema(apiVersion, kind string, opts Options) (*jsonschema.Schema, error) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return nil, nil
	}
	name := fileName(group, kind, version)
	key := name
	operator := opts.Operator && group == "notification.toolkit.fluxcd.io"
	if operator {
		key += "|operator" // only the notification CRDs differ
	}
	mu.Lock()
	c := compiles[key]
	if c == nil {
		c = &compiled{}
		compiles[key] = c
	}
	mu.Unlock()
	c.once.Do(func() {
		b, err := crds.ReadFile(name)
		if err != nil {
			return // no schema
		}
		var doc map[string]any
		if c.err = json.Unmarshal(b, &doc); c.err != nil {
			return
		}
		closeSchema(doc, true)
		if operator {
			addOperatorKinds(doc)
		}
		comp := jsonschema.NewCompiler()
		comp.DefaultDraft(jsonschema.Draft2020)
		url := "file:///" + name
		if c.err = comp.AddResource(url, doc); c.err != nil {
			return
		}
		c.sch, c.err = comp.Compile(url)
	})
	return c.sch, c.err
}

// closeSchema turns a CRD's structural schema into the JSON Schema the API
// server in effect applies: an object with properties takes no other field
// (the API server prunes it, or refuses it under strict field validation,
// which server-side apply uses), unless it preserves unknown fields;
// x-kubernetes-int-or-string takes an integer or a string; nullable takes
// null.
func closeSchema(s map[string]any, root bool) {
	if s["x-kubernetes-int-or-string"] == true {
		s["type"] = []any{"integer", "string"}
	}
	if s["nullable"] == true {
		if t, ok := s["type"].(string); ok {
			s["type"] = []any{t, "null"}
		}
	}
	props, hasProps := s["properties"].(map[string]any)
	if hasProps && s["x-kubernetes-preserve-unknown-fields"] != true {
		if _, set := s["additionalProperties"]; !set {
			s["additionalProperties"] = false
		}
	}
	if root && hasProps {
		// metadata is the API server's ObjectMeta: the CRD leaves it
		// open, and so does this (invalid-object and the renderer judge
		// names and namespaces).
		if m, ok := props["metadata"].(map[string]any); ok {
			delete(m, "properties")
		}
	}
	for k, v := range s {
		switch k {
		case "properties", "patternProperties":
			if m, ok := v.(map[string]any); ok {
				for _, sub := range m {
					if sm, ok := sub.(map[string]any); ok {
						closeSchema(sm, false)
					}
				}
			}
		case "items", "additionalProperties", "not":
			if sm, ok := v.(map[string]any); ok {
				closeSchema(sm, false)
			}
		case "allOf", "anyOf", "oneOf":
			// A branch only adds constraints: closing it would refuse the
			// fields its siblings declare.
		}
	}
}

// addOperatorKinds adds Flux Operator's kinds to every enum of Flux kinds.
func addOperatorKinds(s map[string]any) {
	if e, ok := s["enum"].([]any); ok {
		has := map[any]bool{}
		for _, v := range e {
			has[v] = true
		}
		if has["GitRepository"] && has["Kustomization"] && !has["FluxInstance"] {
			s["enum"] = append(e, operatorKinds...)
		}
	}
	for _, v := range s {
		switch x := v.(type) {
		case map[string]any:
			addOperatorKinds(x)
		case []any:
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					addOperatorKinds(m)
				}
			}
		}
	}
}

// ValidateFlux checks a Flux object against the CRD schema of its kind and
// apiVersion. ok is false when fluxlint has no schema for them.
func ValidateFlux(apiVersion, kind string, obj *yaml.Node, opts Options) (vs []Violation, ok bool, err error) {
	sch, err := fluxSchema(apiVersion, kind, opts)
	if sch == nil || err != nil {
		return nil, false, err
	}
	v, err := Value(obj)
	if err != nil {
		return nil, true, err
	}
	vs = violations(sch.Validate(v), v)
	vs = explainTypos(vs, func(path []string) []string { return propsAt(sch, path) })
	vs = append(vs, rules(apiVersion, kind, v)...)
	vs = append(vs, metadata(apiVersion, kind, v)...)
	sortViolations(vs)
	return vs, true, nil
}

var printer = message.NewPrinter(language.English)

// violations flattens a validation error into its leaves.
func violations(err error, inst any) []Violation {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil
	}
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		path := append([]string(nil), e.InstanceLocation...)
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, Violation{Path: append(path[:len(path):len(path)], p), Problem: Unknown,
					Message: "not a field of the API"})
			}
			return
		case *kind.Required:
			for _, f := range k.Missing {
				out = append(out, Violation{Path: path, Field: f, Problem: Required, Message: "required, and missing"})
			}
			return
		case *kind.Type:
			out = append(out, Violation{Path: path, Problem: Type,
				Message: fmt.Sprintf("is %s, must be %s", article(jsonType(at(inst, path), k.Got)), strings.Join(articles(k.Want), " or "))})
			return
		case *kind.Enum:
			var want []string
			for _, w := range k.Want {
				want = append(want, fmt.Sprint(w))
			}
			out = append(out, Violation{Path: path, Problem: Invalid,
				Message: "must be one of " + strings.Join(want, ", ")})
			return
		case *kind.Pattern:
			out = append(out, Violation{Path: path, Problem: Invalid, Pattern: true,
				Message: "does not match the pattern " + k.Want + describePattern(k.Want)})
			return
		case *kind.AnyOf, *kind.OneOf:
			out = append(out, Violation{Path: path, Problem: Invalid, Message: e.ErrorKind.LocalizedString(printer)})
			return
		case *kind.Group, *kind.Schema, *kind.Reference, *kind.AllOf:
		default:
			if len(e.Causes) == 0 {
				out = append(out, Violation{Path: path, Problem: Invalid, Message: e.ErrorKind.LocalizedString(printer)})
				return
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// describePattern explains the duration patterns of the Flux CRDs, which
// are most of their patterns.
func describePattern(p string) string {
	switch p {
	case `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`:
		return " (a Go duration in ms, s, m or h, such as 10m or 1h30m; no days, and a unit is required)"
	case `^([0-9]+(\.[0-9]+)?(ms|s|m))+$`:
		return " (a Go duration in ms, s or m, such as 60s or 5m; no hours)"
	}
	return ""
}

// at is the value at path in a JSON value.
func at(v any, path []string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// jsonType tells an integer from other numbers, which the validator
// calls numbers alike.
func jsonType(v any, got string) string {
	if n, ok := v.(json.Number); ok && got == "number" {
		if _, err := n.Int64(); err == nil {
			return "integer"
		}
	}
	return got
}

func article(t string) string {
	switch t {
	case "integer", "object", "array":
		if t == "integer" {
			return "an integer"
		}
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func articles(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = article(t)
	}
	return out
}

func sortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i].String(), vs[j].String()
		return a < b
	})
}

// Value turns a YAML node into the JSON value the API server decodes:
// maps, slices, strings, json.Number, bools and nil.
func Value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return Value(n.Content[0])
	case yaml.AliasNode:
		return Value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" && k.ShortTag() == "!!merge" {
				merged, err := Value(v)
				if err != nil {
					return nil, err
				}
				mergeInto(m, merged)
				continue
			}
			val, err := Value(v)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := Value(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			b, err := strconv.ParseBool(strings.ToLower(n.Value))
			if err != nil {
				return n.Value, nil
			}
			return b, nil
		case "!!int":
			var i any
			if err := n.Decode(&i); err == nil {
				return json.Number(fmt.Sprint(i)), nil
			}
			return n.Value, nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err == nil {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
			}
			return n.Value, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

func mergeInto(m map[string]any, merged any) {
	switch x := merged.(type) {
	case map[string]any:
		for k, v := range x {
			if _, set := m[k]; !set {
				m[k] = v
			}
		}
	case []any:
		for _, e := range x {
			mergeInto(m, e)
		}
	}
}

var fingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	files, _ := crds.ReadDir("crds")
	for _, f := range files {
		b, _ := crds.ReadFile("crds/" + f.Name())
		fmt.Fprintf(h, "%s %d\n", f.Name(), len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "kyaml openapi %s\n", CoreRelease)
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// Fingerprint identifies the schemas this package judges by, without
// loading any: with an object's bytes and its Options it keys a cache of
// its violations, since validation is a pure function of them.
func Fingerprint() string { return fingerprint() }
