package helm

import (
	"fmt"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/strvals"
)

// ValuesRef is one entry of a HelmRelease's spec.valuesFrom.
type ValuesRef struct {
	Kind, Name, ValuesKey, TargetPath string
	Optional, Literal                 bool
}

// Key is valuesKey or its default, values.yaml.
func (r ValuesRef) Key() string {
	if r.ValuesKey == "" {
		return "values.yaml"
	}
	return r.ValuesKey
}

// Lookup finds a ConfigMap or Secret of the HelmRelease's namespace among
// the objects the repository renders: the value of key, whether the key is
// there, and whether the object is.
type Lookup func(kind, name, key string) (value string, hasKey, found bool)

// SecretPlaceholder stands for a value read from a Secret: fluxlint never
// renders a chart with a real secret value.
func SecretPlaceholder(name, key string) string {
	return "fluxlint-secret-" + name + "-" + strings.NewReplacer(".", "-", "/", "-").Replace(key)
}

// Composed are a release's values and what could not be read offline.
type Composed struct {
	Values map[string]any
	// Missing lists the valuesFrom entries whose object is not in the
	// repository (it may be created in the cluster): a targetPath entry is
	// rendered with a placeholder, a whole document is left out.
	Missing []string
}

// Compose merges a HelmRelease's values as helm-controller does
// (fluxcd/pkg chartutil.ChartValuesFromReferences): valuesFrom in order,
// a whole document merged into the result and a targetPath entry set in
// --set syntax after the inline values are merged in; then spec.values.
// The chart's defaults are not part of it: Helm coalesces them under these.
// Values from Secrets become placeholders (SecretPlaceholder).
func Compose(values map[string]any, refs []ValuesRef, lookup Lookup) (Composed, error) {
	var out Composed
	if values == nil {
		values = map[string]any{}
	}
	result := map[string]any{}
	for _, ref := range refs {
		if ref.Kind != "ConfigMap" && ref.Kind != "Secret" {
			return out, fmt.Errorf("valuesFrom: unsupported kind %q (want ConfigMap or Secret)", ref.Kind)
		}
		data, hasKey, found := lookup(ref.Kind, ref.Name, ref.Key())
		switch {
		case !found && ref.Optional, found && !hasKey && ref.Optional:
			continue
		case found && !hasKey:
			return out, fmt.Errorf("valuesFrom: %s %s has no key %q", ref.Kind, ref.Name, ref.Key())
		case !found:
			out.Missing = append(out.Missing, ref.Kind+"/"+ref.Name)
			if ref.TargetPath == "" {
				continue
			}
			data = SecretPlaceholder(ref.Name, ref.Key())
		case ref.Kind == "Secret" && ref.TargetPath != "":
			data = SecretPlaceholder(ref.Name, ref.Key())
		}
		if ref.TargetPath != "" {
			result = MergeMaps(result, values)
			if err := setPath(result, ref, data); err != nil {
				return out, fmt.Errorf("valuesFrom %s %s: targetPath %q: %w", ref.Kind, ref.Name, ref.TargetPath, err)
			}
			continue
		}
		parsed, err := chartutil.ReadValues([]byte(data))
		if err != nil {
			if ref.Kind == "Secret" {
				// The parser's message may quote the Secret's content.
				return out, fmt.Errorf("valuesFrom Secret %s key %q is not a YAML mapping", ref.Name, ref.Key())
			}
			return out, fmt.Errorf("valuesFrom %s %s key %q: %w", ref.Kind, ref.Name, ref.Key(), err)
		}
		m := map[string]any(parsed)
		if ref.Kind == "Secret" {
			m = placeholders(m, ref.Name, ref.Key())
		}
		result = MergeMaps(result, m)
	}
	out.Values = MergeMaps(result, values)
	return out, nil
}

// setPath sets a targetPath as helm-controller does: --set syntax, a
// quoted value kept as a string, literal values kept verbatim.
func setPath(dst map[string]any, ref ValuesRef, v string) error {
	if ref.Literal {
		esc := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `[`, `\[`, `]`, `\]`, `{`, `\{`, `}`, `\}`).Replace(v)
		return strvals.ParseIntoString(ref.TargetPath+"="+esc, dst)
	}
	single := strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'")
	double := strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`)
	if single || double {
		return strvals.ParseIntoString(ref.TargetPath+"="+strings.Trim(v, `'"`), dst)
	}
	return strvals.ParseInto(ref.TargetPath+"="+v, dst)
}

// placeholders replaces every scalar of a Secret's values document by a
// placeholder, keeping its shape.
func placeholders(m map[string]any, name, key string) map[string]any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]any, len(m))
	for _, k := range keys {
		out[k] = placeholderValue(m[k], name, key)
	}
	return out
}

func placeholderValue(v any, name, key string) any {
	switch t := v.(type) {
	case map[string]any:
		return placeholders(t, name, key)
	case []any:
		l := make([]any, len(t))
		for i := range t {
			l[i] = placeholderValue(t[i], name, key)
		}
		return l
	case nil:
		return nil
	}
	return SecretPlaceholder(name, key)
}

// MergeMaps merges b into a copy of a: nested maps are merged, anything
// else in b replaces what a has. Only the top level is copied, as in
// helm-controller, whose targetPath precedence depends on it.
func MergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if cur, ok := out[k].(map[string]any); ok {
				out[k] = MergeMaps(cur, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// ChartValues merges a chart's values files in order, from an empty map,
// as source-controller does with spec.chart.spec.valuesFiles; the result
// replaces the chart's values.yaml.
func ChartValues(files [][]byte) (map[string]any, error) {
	out := map[string]any{}
	for _, b := range files {
		v, err := chartutil.ReadValues(b)
		if err != nil {
			return nil, err
		}
		out = MergeMaps(out, v)
	}
	return out, nil
}
