package analyzers

import (
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/schema"
)

// Schema reports fields of Flux objects that their CRD schema refuses:
// unknown fields, wrong types, missing required fields, values outside an
// enum or a pattern; and fields of core Kubernetes objects that the
// Kubernetes API does not know or types differently.
var Schema = &analysis.Analyzer{
	Name:     "schema",
	Doc:      doc("schema"),
	Severity: analysis.Error,
	Run:      runSchema,
	Warm:     warmSchema,
}

// warmSchema compiles the schemas beside the render when no memo keeps
// verdicts, so that the rule does not load them after it.
func warmSchema(m memo.Store) {
	if m == nil {
		schema.Prewarm()
	}
}

// crdRelease is the Flux release whose CRDs internal/schema carries.
var crdRelease, _ = flux.ParseVersion(schema.FluxRelease)

func runSchema(p *analysis.Pass) {
	// invalid-object already reports a Kustomization whose spec does not
	// decode into the API's Go types (a wrong type, a malformed duration);
	// this rule then leaves that object's types and patterns alone, and
	// reports only what decoding does not see.
	decodeFailed := map[*render.Object]bool{}
	for _, pr := range p.Problems() {
		if pr.Code == render.InvalidObject && pr.Object != nil {
			decodeFailed[pr.Object] = true
		}
	}
	for _, o := range p.Objects() {
		if o.Synthetic || o.Node == nil {
			continue
		}
		var (
			vs      []schema.Violation
			what    string
			younger []string
			newer   bool
		)
		switch {
		case flux.IsFlux(o.APIVersion):
			// An apiVersion the installation's Flux does not serve is
			// removed-api's or not-in-flux-version's finding.
			prof := p.Profile(o)
			v := prof.FluxVersion.V
			if st, _ := flux.APIIn(o.APIVersion, o.Kind, v); st != flux.Served && st != flux.Deprecated {
				continue
			}
			var ok bool
			var err error
			vs, ok, err = schema.ValidateFluxMemo(p.Memo(), o.APIVersion, o.Kind, o.Node.YNode(), schema.Options{Operator: byOperator(prof.Installation.V)})
			if !ok || err != nil {
				continue
			}
			what = "the " + o.Kind + " API (" + o.APIVersion + ", CRD of Flux " + schema.FluxRelease + ")"
			// A field the installation's Flux is too old for is
			// not-in-flux-version's finding, even when the CRDs fluxlint
			// carries do not know it either.
			for _, y := range flux.YoungerFields(o.Node.YNode(), v) {
				younger = append(younger, strings.Join(y.Path, "."))
			}
			// A Flux newer than the CRDs fluxlint carries may have added
			// fields and values: only what it cannot have changed is
			// judged (types, required fields, patterns).
			newer = crdRelease.Less(v)
		case schema.IsCore(o.APIVersion, o.Kind):
			vs = schema.ValidateCoreMemo(p.Memo(), o.APIVersion, o.Kind, o.Node.YNode())
			what = "the Kubernetes " + o.Kind + " API (" + o.APIVersion + ")"
		default:
			continue
		}
		for _, v := range vs {
			if decodeFailed[o] && (v.Problem == schema.Type || v.Pattern) {
				continue
			}
			if newer && (v.Problem == schema.Unknown || (v.Problem == schema.Invalid && strings.HasPrefix(v.Message, "must be one of"))) {
				continue
			}
			if v.Problem == schema.Required && flux.IsKustomization(o.APIVersion, o.Kind) && v.Field == "prune" && len(v.Path) == 1 {
				continue // the prune rule reports a Kustomization without spec.prune
			}
			if unresolved(o, v.Path) || under(v.Path, younger) {
				continue
			}
			reportViolation(p, o, v, what)
		}
	}
}

// unresolved reports whether the value at path stands for something the
// repository does not hold: a variable postBuild substitutes from an object
// that is not in the repository (fluxlint puts a placeholder there), or a
// ${VAR} a substitution left alone. What the cluster gets there is unknown.
func unresolved(o *render.Object, path []string) bool {
	n := o.Lookup(path...)
	if n == nil {
		return false
	}
	s := n.Value
	for _, p := range []string{"__UNKNOWN_", "__SECRET_", "__SOPS_"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return strings.Contains(s, "${") && o.AppliedBy != nil && o.AppliedBy.Spec.PostBuild != nil
}

func reportViolation(p *analysis.Pass, o *render.Object, v schema.Violation, what string) {
	field := strings.Join(v.Path, ".")
	switch v.Problem {
	case schema.Unknown:
		hint := ""
		if v.Suggestion != "" {
			hint = "; did you mean " + v.Suggestion + "?"
			if strings.Contains(v.Message, "required") {
				hint = "; did you mean " + v.Suggestion + ", which it requires?"
			}
		}
		p.ReportField(o, v.Path, "%s sets %s, which is not a field of %s: server-side apply refuses the object (field not declared in schema)%s",
			o.ID(), field, what, hint)
	case schema.Required:
		req := v.Field
		if field != "" {
			req = field + "." + v.Field
		}
		p.ReportField(o, v.Path, "%s has no %s, which %s requires: the API server refuses the object", o.ID(), req, what)
	case schema.Type:
		p.ReportValue(o, v.Path, "%s: %s %s in %s: the API server refuses the object", o.ID(), orRoot(field), v.Message, what)
	default:
		if field == "spec" || field == "" {
			p.ReportField(o, v.Path, "%s: %s, says %s: the API server refuses the object", o.ID(), v.Message, what)
			return
		}
		p.ReportValue(o, v.Path, "%s: %s %s in %s: the API server refuses the object", o.ID(), field, v.Message, what)
	}
}

func orRoot(f string) string {
	if f == "" {
		return "the object"
	}
	return f
}

// byOperator reports whether Flux Operator may have installed Flux: a
// FluxInstance (or the flux-instance chart) says so, and an installation
// fluxlint cannot tell might be one. flux bootstrap and the AKS extension
// install the controllers' own CRDs.
func byOperator(installation string) bool {
	return !strings.HasPrefix(installation, "flux bootstrap") && !strings.HasPrefix(installation, "AKS")
}

// under reports whether path is one of fields or inside one.
func under(path []string, fields []string) bool {
	p := strings.Join(path, ".")
	for _, f := range fields {
		if p == f || strings.HasPrefix(p, f+".") {
			return true
		}
	}
	return false
}
