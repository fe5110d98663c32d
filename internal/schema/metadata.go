package schema

import (
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/util/validation"
)

// metadata checks what the API server checks of every object's metadata
// in code rather than in a schema: the name (a DNS-1123 subdomain; RBAC
// kinds take any path segment), the namespace (a DNS-1123 label), label
// keys and values, annotation keys, and that labels and annotations are
// strings. Kinds with tighter name rules (a Service's DNS-1035 label) are
// judged by the subdomain rule only, which never refuses a good name.
func metadata(apiVersion, kind string, obj any) []Violation {
	md, ok := field(obj, "metadata").(map[string]any)
	if !ok {
		return nil
	}
	var out []Violation
	bad := func(p []string, msgs []string) {
		for _, m := range msgs {
			out = append(out, Violation{Path: p, Problem: Invalid, Message: "is invalid: " + m})
		}
	}
	nameFn := apivalidation.NameIsDNSSubdomain
	if group, _, _ := strings.Cut(apiVersion, "/"); group == "rbac.authorization.k8s.io" {
		nameFn = path.ValidatePathSegmentName
	}
	if name, ok := md["name"].(string); ok && name != "" {
		bad([]string{"metadata", "name"}, nameFn(name, false))
	}
	if ns, ok := md["namespace"].(string); ok && ns != "" {
		bad([]string{"metadata", "namespace"}, apivalidation.ValidateNamespaceName(ns, false))
	}
	for _, f := range []string{"labels", "annotations"} {
		m, ok := md[f].(map[string]any)
		if !ok {
			continue
		}
		for k, v := range m {
			p := []string{"metadata", f, k}
			s, ok := v.(string)
			if !ok {
				if v != nil {
					out = append(out, Violation{Path: p, Problem: Type, Message: "is " + article(jsonType(v, typeName(v))) + ", must be a string"})
				}
				continue
			}
			if f == "labels" {
				bad(p, prefixed("key ", validation.IsQualifiedName(k)))
				bad(p, validation.IsValidLabelValue(s))
			} else {
				bad(p, prefixed("key ", validation.IsQualifiedName(strings.ToLower(k))))
			}
		}
	}
	return out
}

func prefixed(p string, msgs []string) []string {
	for i := range msgs {
		msgs[i] = p + msgs[i]
	}
	return msgs
}

func typeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	}
	return "number"
}
