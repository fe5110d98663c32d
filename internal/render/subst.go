package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// substituter runs Flux's postBuild substitution for one Kustomization,
// reading substituteFrom from the objects rendered so far instead of a
// cluster. Values that come from Secrets are never substituted: a
// placeholder naming the variable stands in for them (SecretPlaceholder),
// so that no secret value can reach any output.
type substituter struct {
	r        *renderer
	k        *Kustomization
	ks       unstructured.Unstructured
	client   client.Client
	vars     map[string]string
	opts     []fluxkustomize.SubstituteOption
	reported map[string]bool
	// produced is how many bytes substitution has produced for the build so
	// far, against Limits.SubstitutionBytes.
	produced int
}

// SecretPlaceholder is what a variable read from a Secret is replaced with.
func SecretPlaceholder(name string, sops bool) string {
	if sops {
		return "__SOPS_" + name + "__"
	}
	return "__SECRET_" + name + "__"
}

func (r *renderer) newSubstituter(t *tree, k *Kustomization, m resmap.ResMap) *substituter {
	if k.Spec.PostBuild == nil {
		return nil
	}
	client := offlineClient{tree: t, absent: map[string]map[string]string{}, own: map[string]*Object{}}
	s := &substituter{r: r, k: k, ks: unstructured.Unstructured{Object: k.unstructured}, client: client, reported: map[string]bool{}}
	var absent []string
	if !r.opts.DryRunSubstitution {
		for i, ref := range k.Spec.PostBuild.SubstituteFrom {
			if ref.Optional || t.find(ref.Kind, k.Namespace, ref.Name) != nil {
				continue
			}
			key := ref.Kind + "/" + k.Namespace + "/" + ref.Name
			if own := findInBuild(m, ref.Kind, k.Namespace, ref.Name); own != nil {
				// Flux substitutes before it applies, so the first apply
				// fails until the object exists; the repository holds its
				// value, which fluxlint uses.
				client.own[key] = own
				r.report(Problem{Code: SubstituteFromMissing, Pos: k.Object.FieldPos("spec", "postBuild", "substituteFrom", strconv.Itoa(i), "name"), Kustomization: k, Object: k.Object,
					Message: fmt.Sprintf("substituteFrom %s %s/%s is applied by %s itself: Flux substitutes before it applies, so the first apply fails until the object exists in the cluster (unless the reference is optional: true); fluxlint uses the value the repository holds", ref.Kind, k.Namespace, ref.Name, k.Key())})
				continue
			}
			client.absent[key] = nil
			absent = append(absent, key)
			r.report(Problem{Code: SubstituteFromMissing, Pos: k.Object.FieldPos("spec", "postBuild", "substituteFrom", strconv.Itoa(i), "name"), Kustomization: k, Object: k.Object,
				Message: fmt.Sprintf("substituteFrom %s %s/%s is not in the repository; Flux fails %s until it exists in the cluster, and its variables are rendered as placeholders", ref.Kind, k.Namespace, ref.Name, k.Key())})
		}
	}
	s.opts = []fluxkustomize.SubstituteOption{
		fluxkustomize.SubstituteWithDryRun(r.opts.DryRunSubstitution),
		// Substitution is always tried strictly, so that a variable without
		// a value is found; whether that fails the Kustomization depends on
		// the installation (profile), so the problem says it holds only
		// under strict substitution.
		fluxkustomize.SubstituteWithStrict(true),
		fluxkustomize.SubstituteWithAlways(k.Spec.PostBuild.SubstituteStrategy == "Always"),
	}
	s.vars = map[string]string{}
	if !r.opts.DryRunSubstitution {
		if v, err := fluxkustomize.LoadVariables(context.Background(), client, s.ks); err == nil {
			s.vars = v
		}
	}
	for key, v := range k.Spec.PostBuild.Substitute {
		s.vars[key] = strings.ReplaceAll(v, "\n", "")
	}
	if len(absent) > 0 {
		// The variables the resources use that nothing defines may come
		// from the absent objects: they get placeholders from the first.
		placeholders := map[string]string{}
		for _, name := range referencedVars(m) {
			if _, ok := s.vars[name]; !ok {
				placeholders[name] = absentPlaceholder(absent[0], name)
				s.vars[name] = placeholders[name]
			}
		}
		client.absent[absent[0]] = placeholders
	}
	return s
}

// findInBuild finds a ConfigMap or Secret among the resources of a build.
func findInBuild(m resmap.ResMap, kind, namespace, name string) *Object {
	for _, res := range m.Resources() {
		if res.GetKind() == kind && res.GetApiVersion() == "v1" && res.GetNamespace() == namespace && res.GetName() == name {
			return &Object{Node: res.RNode.Copy(), APIVersion: "v1", Kind: kind, Namespace: namespace, Name: name}
		}
	}
	return nil
}

// HasPlaceholder reports whether a rendered value holds a variable fluxlint
// could not give its value: a placeholder for a Secret's or an absent
// object's variable, or a ${VAR} left unsubstituted. Rules that compare
// names or URLs skip such values rather than judge a stand-in.
func HasPlaceholder(v string) bool {
	return strings.Contains(v, "${") || strings.Contains(v, "__SECRET_") || strings.Contains(v, "__SOPS_") || strings.Contains(v, "__UNKNOWN_")
}

// absentPlaceholder stands for a variable of an object that is not in the
// repository.
func absentPlaceholder(key, name string) string {
	if strings.HasPrefix(key, "Secret/") {
		return SecretPlaceholder(name, false)
	}
	return "__UNKNOWN_" + name + "__"
}

var varRef = regexp.MustCompile(`\$\{([_[:alpha:]][_[:alpha:][:digit:]]*)(:?[-=])?`)

// referencedVars lists the variable names the resources refer to without
// a default. A variable with a default everywhere it is used keeps its
// default when its object is absent: a placeholder would turn
// ${PUID:=1000} into a string where the cluster gets a number.
func referencedVars(m resmap.ResMap) []string {
	seen := map[string]bool{}
	var out []string
	for _, res := range m.Resources() {
		b, err := res.AsYAML()
		if err != nil {
			continue
		}
		for _, sm := range varRef.FindAllSubmatch(b, -1) {
			if n := string(sm[1]); len(sm[2]) == 0 && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

var strictVar = regexp.MustCompile(`variable not set \(strict mode\): "([^"]*)"`)

// apply substitutes one resource and returns its node. A variable left
// unset in strict mode is reported where the source writes it, and the
// resource is then substituted as Flux does without strict mode, so the rest
// of the output stays useful.
// cacheKey is the key of the substituted output of the build kept under
// key: the build, the Kustomization's postBuild, the values of its
// variables and how substitution runs. It is "" without a build key.
func (s *substituter) cacheKey(key string) string {
	if key == "" {
		return ""
	}
	postBuild, _ := json.Marshal(s.k.Spec.PostBuild)
	names := make([]string, 0, len(s.vars))
	for name := range s.vars {
		names = append(names, name)
	}
	sort.Strings(names)
	var vars bytes.Buffer
	for _, name := range names {
		fmt.Fprintf(&vars, "%d:%s=%d:%s\n", len(name), name, len(s.vars[name]), s.vars[name])
	}
	flags := fmt.Sprintf("dry-run=%t limit=%d", s.r.opts.DryRunSubstitution, s.r.opts.Limits.SubstitutionBytes)
	return s.r.opts.Cache.keyOf("substitution", []byte(key), postBuild, vars.Bytes(), []byte(flags))
}

func (s *substituter) apply(res *resource.Resource, obj *Object) *yaml.RNode {
	if !substitutable(res.RNode.YNode()) {
		// No "${" to substitute and no "$$" to collapse: Flux's round trip
		// through JSON would only reorder the keys. What reaches the cluster
		// is the same either way, since applying goes through JSON too.
		return &res.RNode
	}
	size, limit := s.outputSize(res), s.r.opts.Limits.SubstitutionBytes
	if s.produced+size > limit {
		s.r.report(Problem{Code: LimitExceeded, Pos: obj.Pos(), Kustomization: s.k, Object: obj,
			Message: fmt.Sprintf("postBuild substitution would make %s %d bytes long, and %s's substituted objects %d bytes in all (the limit is %d, limits.substitutionBytes): it is left unsubstituted",
				obj.ID(), size, s.k.Key(), s.produced+size, limit)})
		return &res.RNode
	}
	s.produced += size
	ctx := context.Background()
	out, err := fluxkustomize.SubstituteVariables(ctx, s.client, s.ks, res, s.opts...)
	if err == nil {
		if out == nil {
			return &res.RNode // substitution disabled on this object
		}
		normalizeNumbers(out.RNode.YNode())
		return &out.RNode
	}
	if strictVar.MatchString(err.Error()) {
		for _, name := range s.missing(res) {
			pos := obj.Pos()
			if obj.Doc != nil {
				if p, ok := obj.Doc.FindText("${" + name); ok {
					pos = p
				}
			}
			s.r.report(Problem{Code: Substitution, Pos: pos, Kustomization: s.k, Object: obj, StrictOnly: true,
				Message: fmt.Sprintf("variable ${%s} is not set for %s (strict substitution): Flux would fail the Kustomization", name, s.k.Key())})
		}
		lenient := append(append([]fluxkustomize.SubstituteOption(nil), s.opts...), fluxkustomize.SubstituteWithStrict(false))
		if out, err = fluxkustomize.SubstituteVariables(ctx, s.client, s.ks, res, lenient...); err == nil && out != nil {
			normalizeNumbers(out.RNode.YNode())
			return &out.RNode
		}
		if err == nil {
			return &res.RNode
		}
	}
	msg := describe(strings.TrimPrefix(err.Error(), "envsubst error: "))
	if !s.reported[msg] {
		s.reported[msg] = true
		s.r.report(Problem{Code: Substitution, Pos: obj.Pos(), Kustomization: s.k, Object: obj,
			Message: fmt.Sprintf("postBuild substitution of %s fails: %s", obj.ID(), msg)})
	}
	return &res.RNode
}

// outputSize is about the size of a resource once substituted: its
// scalars, plus the value of every variable reference in them (without
// the YAML around them, which does not grow with substitution). It is
// counted on the nodes, not on the resource's text, which would cost a
// serialisation of every object.
func (s *substituter) outputSize(res *resource.Resource) int {
	size := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode {
			size += len(n.Value) + 1
			if strings.Contains(n.Value, "${") {
				for _, m := range varRef.FindAllStringSubmatchIndex(n.Value, -1) {
					size += len(s.vars[n.Value[m[2]:m[3]]])
				}
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(res.RNode.YNode())
	return size
}

// missing lists the variables a resource uses without a default that have
// no value, by evaluating it strictly until no variable is missing.
func (s *substituter) missing(res *resource.Resource) []string {
	text, err := res.AsYAML()
	if err != nil {
		return nil
	}
	vars := maps.Clone(s.vars)
	var names []string
	for range 1000 {
		_, err := envsubst.Eval(string(text), func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		})
		m := strictVar.FindStringSubmatch(fmt.Sprint(err))
		if m == nil {
			break
		}
		names = append(names, m[1])
		vars[m[1]] = ""
	}
	return names
}

// offlineClient answers kustomize's substituteFrom reads from the rendered
// objects of the tree. Only Get is implemented; the embedded interface is
// never called.
type offlineClient struct {
	client.Client
	tree *tree
	// absent holds placeholder data for the substituteFrom objects that are
	// not in the repository ("Kind/namespace/name").
	absent map[string]map[string]string
	// own holds the substituteFrom objects the Kustomization's own build
	// applies.
	own map[string]*Object
}

func (c offlineClient) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		if data, ok := c.absent["ConfigMap/"+key.Namespace+"/"+key.Name]; ok {
			o.Data = data
			return nil
		}
	case *corev1.Secret:
		if data, ok := c.absent["Secret/"+key.Namespace+"/"+key.Name]; ok {
			o.Data = map[string][]byte{}
			for k, v := range data {
				o.Data[k] = []byte(v)
			}
			return nil
		}
	}
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		src := c.tree.find("ConfigMap", key.Namespace, key.Name)
		if src == nil {
			src = c.own["ConfigMap/"+key.Namespace+"/"+key.Name]
		}
		if src == nil {
			return apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, key.Name)
		}
		o.Data = src.Node.GetDataMap()
		return nil
	case *corev1.Secret:
		src := c.tree.find("Secret", key.Namespace, key.Name)
		if src == nil {
			src = c.own["Secret/"+key.Namespace+"/"+key.Name]
		}
		if src == nil {
			return apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, key.Name)
		}
		o.Data = secretPlaceholders(src)
		return nil
	}
	return apierrors.NewNotFound(schema.GroupResource{Resource: fmt.Sprintf("%T", obj)}, key.Name)
}

// secretPlaceholders gives every key of a Secret's data and stringData a
// placeholder value in place of the secret.
func secretPlaceholders(o *Object) map[string][]byte {
	sops := flux.IsSOPSEncrypted(o.Node.YNode())
	out := map[string][]byte{}
	for _, field := range []string{"data", "stringData"} {
		n := o.Lookup(field)
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, v := n.Content[i].Value, n.Content[i+1].Value
			enc := sops || flux.IsEncryptedValue(v)
			if field == "data" && !enc {
				enc = flux.DataValueIsSOPS(v)
			}
			out[key] = []byte(SecretPlaceholder(key, enc))
		}
	}
	return out
}

// normalizeNumbers writes the numbers of a substituted resource the way
// they reach the cluster. Substitution goes through JSON, so kyaml holds
// every number as a float and prints 1000000 as 1e+06; kustomize-controller
// then reads the YAML into unstructured objects, where a whole number is an
// int64 again.
func normalizeNumbers(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!float" {
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
				n.Value = strconv.FormatFloat(f, 'f', -1, 64)
				if f == math.Trunc(f) {
					n.Tag = "!!int"
				}
			}
		}
	}
	for _, c := range n.Content {
		normalizeNumbers(c)
	}
}

// substitutable reports whether envsubst could change a node's text,
// comments included (substitution runs on the YAML text, comments and
// all): only "${" starts an expression and only "$$" is an escape, and
// neither can span two scalars of the serialised text.
func substitutable(n *yaml.Node) bool {
	for _, s := range []string{n.Value, n.HeadComment, n.LineComment, n.FootComment} {
		if i := strings.IndexByte(s, '$'); i >= 0 && (strings.Contains(s[i:], "${") || strings.Contains(s[i:], "$$")) {
			return true
		}
	}
	for _, c := range n.Content {
		if substitutable(c) {
			return true
		}
	}
	return false
}
