package schema

import (
	"reflect"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
)

// coreGroups are the API groups of Kubernetes itself whose kinds this
// package checks ("" is the core group).
var coreGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true,
	"networking.k8s.io": true, "rbac.authorization.k8s.io": true, "storage.k8s.io": true,
	"scheduling.k8s.io": true, "coordination.k8s.io": true, "discovery.k8s.io": true,
	"node.k8s.io": true, "admissionregistration.k8s.io": true, "certificates.k8s.io": true,
}

// IsCore reports whether an apiVersion belongs to Kubernetes itself. It
// loads nothing.
func IsCore(apiVersion, kind string) bool {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group = ""
	}
	return kind != "" && coreGroups[group]
}

// coreSchema returns the schema of a kind's apiVersion and the document to
// resolve its references in; nil when the schema does not know the kind.
// The schema is kubeschema's compact copy of kyaml's built-in document,
// indexed by kind as kyaml indexes it (TestCoreIndexAsKyaml), loaded the
// first time a core object is checked. It is this package's own copy:
// kyaml's global schema is kustomize's, which builds may be reading or
// replacing meanwhile.
func coreSchema(apiVersion, kind string) (s, root *spec.Schema) {
	idx, err := core()
	if err != nil {
		return nil, nil
	}
	return idx.byType[yaml.TypeMeta{APIVersion: apiVersion, Kind: kind}], idx.root
}

type coreIndex struct {
	root   *spec.Schema
	byType map[yaml.TypeMeta]*spec.Schema
}

var core = sync.OnceValues(func() (*coreIndex, error) {
	defs, err := kubeschema.Definitions()
	if err != nil {
		return nil, err
	}
	idx := &coreIndex{root: &spec.Schema{SchemaProps: spec.SchemaProps{Definitions: defs}}, byType: map[yaml.TypeMeta]*spec.Schema{}}
	for name := range defs {
		d := defs[name]
		gvks, _ := d.Extensions["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			m, ok := g.(map[string]any)
			if !ok {
				continue
			}
			version, _ := m["version"].(string)
			kind, _ := m["kind"].(string)
			if group, _ := m["group"].(string); group != "" {
				version = group + "/" + version
			}
			idx.byType[yaml.TypeMeta{APIVersion: version, Kind: kind}] = &d
		}
	}
	return idx, nil
})

// Prewarm loads the schemas validation judges by, for a caller that will
// validate without a memo and has a processor to spare meanwhile: the
// Kubernetes document and every Flux CRD, as Flux and as Flux Operator
// install them.
func Prewarm() {
	_, _ = core()
	files, _ := crds.ReadDir("crds")
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(f.Name(), ".json"), "_")
		if len(parts) != 3 {
			continue
		}
		for _, operator := range []bool{false, true} {
			_, _ = fluxSchema(parts[0]+"/"+parts[2], parts[1], Options{Operator: operator})
		}
	}
}

// ValidateCore checks a core Kubernetes object against the OpenAPI schema
// kyaml carries: the types of its fields, the fields a schema requires, and
// fields the Kubernetes API does not have.
//
// kyaml's document is Kubernetes 1.21's. Types and required fields do not
// change in later releases (the API is compatible), but fields are added:
// a field 1.21 does not know is judged by the Go types of the Kubernetes
// release fluxlint is built with (k8s.io/api), and is unknown only if they
// do not know it either.
func ValidateCore(apiVersion, kind string, obj *yaml.Node) []Violation {
	s, root := coreSchema(apiVersion, kind)
	if s == nil {
		return nil
	}
	if obj.Kind == yaml.DocumentNode && len(obj.Content) > 0 {
		obj = obj.Content[0]
	}
	w := &coreWalk{root: root, goType: goTypeOf(apiVersion, kind), props: map[string][]string{}}
	w.walk(obj, s, nil, true)
	w.out = explainTypos(w.out, func(path []string) []string { return w.props[strings.Join(path, ".")] })
	if v, err := Value(obj); err == nil {
		for _, m := range metadata(apiVersion, kind, v) {
			if m.Problem != Type { // the walk has judged the types
				w.out = append(w.out, m)
			}
		}
	}
	sortViolations(w.out)
	return w.out
}

type coreWalk struct {
	root   *spec.Schema
	goType reflect.Type
	out    []Violation
	// props are the fields of the objects that have unknown ones, by path.
	props map[string][]string
}

const (
	refQuantity    = "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"
	refIntOrString = "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"
)

// resolved memoizes references: resolving one walks kyaml's document.
// It is keyed by the document too, which kyaml lets a kustomization swap.
var resolved sync.Map // refKey -> *spec.Schema

type refKey struct {
	root *spec.Schema
	ref  string
}

func (w *coreWalk) resolve(s *spec.Schema) (*spec.Schema, string) {
	ref := ""
	for i := 0; s != nil && s.Ref.String() != "" && i < 10; i++ {
		ref = s.Ref.String()
		key := refKey{w.root, ref}
		if r, ok := resolved.Load(key); ok {
			s = r.(*spec.Schema)
			continue
		}
		r, err := openapi.Resolve(&s.Ref, w.root)
		if err != nil {
			return nil, ref
		}
		resolved.Store(key, r)
		s = r
	}
	return s, ref
}

func (w *coreWalk) walk(n *yaml.Node, s *spec.Schema, path []string, top bool) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	s, ref := w.resolve(s)
	if s == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // null is the field's absence to the API server
	}
	want := ""
	if len(s.Type) == 1 {
		want = s.Type[0]
	}
	switch {
	case ref == refQuantity:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!str" && n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
			w.typeError(n, path, "a quantity (a string or a number)")
		}
		return
	case ref == refIntOrString || s.Format == "int-or-string":
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!str" && n.ShortTag() != "!!int") {
			w.typeError(n, path, "an integer or a string")
		}
		return
	}
	switch want {
	case "object":
		if n.Kind != yaml.MappingNode {
			w.typeError(n, path, "an object")
			return
		}
		keys := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			keys[k.Value] = true
			p := append(path[:len(path):len(path)], k.Value)
			if top && (k.Value == "apiVersion" || k.Value == "kind" || (k.Value == "sops" && v.Kind == yaml.MappingNode)) {
				// sops is the SOPS envelope kustomize-controller removes
				// when it decrypts.
				continue
			}
			if ps, ok := s.Properties[k.Value]; ok {
				w.walk(v, &ps, p, false)
				continue
			}
			if s.AdditionalProperties != nil {
				if s.AdditionalProperties.Schema != nil {
					w.walk(v, s.AdditionalProperties.Schema, p, false)
				}
				continue
			}
			if len(s.Properties) == 0 || goKnows(w.goType, p) {
				continue // an open object, or a field added after 1.21
			}
			w.out = append(w.out, Violation{Path: p, Problem: Unknown, Message: "not a field of the API"})
			if _, ok := w.props[strings.Join(path, ".")]; !ok {
				var names []string
				for name := range s.Properties {
					names = append(names, name)
				}
				w.props[strings.Join(path, ".")] = names
			}
		}
		for _, r := range s.Required {
			if !keys[r] {
				w.out = append(w.out, Violation{Path: path, Field: r, Problem: Required, Message: "required, and missing"})
			}
		}
	case "array":
		if n.Kind != yaml.SequenceNode {
			w.typeError(n, path, "an array")
			return
		}
		if s.Items == nil || s.Items.Schema == nil {
			return
		}
		for i, c := range n.Content {
			w.walk(c, s.Items.Schema, append(path[:len(path):len(path)], strconv.Itoa(i)), false)
		}
	case "string":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			if s.Format == "byte" && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!binary" {
				return
			}
			w.typeError(n, path, "a string")
		}
	case "integer":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			w.typeError(n, path, "an integer")
		}
	case "number":
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
			w.typeError(n, path, "a number")
		}
	case "boolean":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			w.typeError(n, path, "a boolean")
		}
	}
}

func (w *coreWalk) typeError(n *yaml.Node, path []string, want string) {
	w.out = append(w.out, Violation{Path: path, Problem: Type, Message: "is " + yamlType(n) + ", must be " + want})
}

func yamlType(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	}
	switch n.ShortTag() {
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!str":
		return "a string"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

var goTypes sync.Map // apiVersion/kind -> reflect.Type (nil if unknown)

// goTypeOf is the Go type of a Kubernetes kind in k8s.io/api.
func goTypeOf(apiVersion, kind string) reflect.Type {
	key := apiVersion + "/" + kind
	if t, ok := goTypes.Load(key); ok {
		rt, _ := t.(reflect.Type)
		return rt
	}
	var rt reflect.Type
	if gv, err := schema.ParseGroupVersion(apiVersion); err == nil {
		if o, err := scheme.Scheme.New(gv.WithKind(kind)); err == nil {
			rt = reflect.TypeOf(o)
		}
	}
	goTypes.Store(key, rt)
	return rt
}

// goKnows reports whether a Go API type has a field at path (list items
// are indexes), following JSON names and inlined structs. A type that
// decodes itself, or no type at all, knows everything.
func goKnows(t reflect.Type, path []string) bool {
	if t == nil {
		return true
	}
	unmarshaler := reflect.TypeFor[interface{ UnmarshalJSON([]byte) error }]()
	for _, p := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(unmarshaler) {
			return true
		}
		switch t.Kind() {
		case reflect.Struct:
			f, ok := jsonField(t, p)
			if !ok {
				return false
			}
			t = f
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 {
				return true
			}
			t = t.Elem()
		case reflect.Map:
			t = t.Elem()
		default:
			return true
		}
	}
	return true
}

func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		tagName, opts, _ := strings.Cut(tag, ",")
		if tagName == "-" {
			continue
		}
		if f.Anonymous && (tagName == "" || strings.Contains(opts, "inline")) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if r, ok := jsonField(ft, name); ok {
					return r, true
				}
			}
			continue
		}
		if tagName == "" {
			tagName = f.Name
		}
		if tagName == name {
			return f.Type, true
		}
	}
	return nil, false
}
