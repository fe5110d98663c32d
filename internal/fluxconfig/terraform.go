package fluxconfig

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// Terraform resource types that hold a fluxConfiguration or the extension.
var (
	tfConfigTypes   = map[string]bool{"azurerm_kubernetes_flux_configuration": true, "azurerm_arc_kubernetes_flux_configuration": true}
	tfExtensionType = map[string]bool{"azurerm_kubernetes_cluster_extension": true, "azurerm_arc_kubernetes_cluster_extension": true}
)

// readTerraform reads the fluxConfigurations of one Terraform file. Only
// literal values are read: an expression that needs variables, locals or
// other resources is reported.
func readTerraform(name string, data []byte) ([]Configuration, []Problem) {
	f, diags := hclsyntax.ParseConfig(data, name, hcl.InitialPos)
	r := &tfReader{file: name, src: data}
	if diags.HasErrors() {
		d := diags[0]
		return nil, []Problem{{r.pos(d.Subject), "the Terraform file does not parse: " + d.Summary}}
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, nil
	}
	var configs []Configuration
	var ext *Extension
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) < 2 {
			continue
		}
		switch {
		case tfConfigTypes[b.Labels[0]]:
			if c, ok := r.configuration(b); ok {
				configs = append(configs, c)
			}
		case tfExtensionType[b.Labels[0]]:
			if t, _ := r.str(b.Body, "extension_type"); strings.EqualFold(t, "microsoft.flux") {
				ext = r.extension(b)
			}
		case b.Labels[0] == "azapi_resource":
			if c, ok := r.azapi(b); ok {
				configs = append(configs, c)
			}
		}
	}
	for i := range configs {
		configs[i].Extension = ext
	}
	return configs, r.problems
}

type tfReader struct {
	file     string
	src      []byte
	problems []Problem
}

func (r *tfReader) pos(rng *hcl.Range) load.Pos {
	if rng == nil {
		return load.Pos{File: r.file}
	}
	return load.Pos{File: r.file, Line: rng.Start.Line, Col: rng.Start.Column}
}

// value evaluates an attribute of a body without variables; ok is false
// (and the expression reported) when it needs any.
func (r *tfReader) value(body *hclsyntax.Body, attr string) (cty.Value, *hclsyntax.Attribute, bool) {
	a := body.Attributes[attr]
	if a == nil {
		return cty.NilVal, nil, true
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		rng := a.Expr.Range()
		r.problems = append(r.problems, Problem{r.pos(&rng), fmt.Sprintf("%s = %s is computed from values fluxlint cannot resolve (variables, locals or other resources): write the value, or give it with flags",
			attr, strings.TrimSpace(string(rng.SliceBytes(r.src))))})
		return cty.NilVal, a, false
	}
	return v, a, true
}

func (r *tfReader) str(body *hclsyntax.Body, attr string) (string, bool) {
	v, _, ok := r.value(body, attr)
	if !ok || v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", ok
	}
	return v.AsString(), true
}

func (r *tfReader) boolean(body *hclsyntax.Body, attr string, def bool) bool {
	v, _, ok := r.value(body, attr)
	if !ok || v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Bool) {
		return def
	}
	return v.True()
}

func (r *tfReader) number(body *hclsyntax.Body, attr string) int {
	v, _, ok := r.value(body, attr)
	if !ok || v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Number) {
		return 0
	}
	n, _ := v.AsBigFloat().Int64()
	return int(n)
}

func (r *tfReader) configuration(b *hclsyntax.Block) (Configuration, bool) {
	name, ok := r.str(b.Body, "name")
	if !ok || name == "" {
		return Configuration{}, false
	}
	ns, ok := r.str(b.Body, "namespace")
	if !ok {
		return Configuration{}, false
	}
	at := b.Body.Attributes["name"].SrcRange
	c := Configuration{Name: name, Namespace: ns, At: r.pos(&at), From: "Terraform " + b.Labels[0] + "." + b.Labels[1]}
	var ks []kustomization
	for _, kb := range b.Body.Blocks {
		if kb.Type != "kustomizations" {
			continue
		}
		kname, ok := r.str(kb.Body, "name")
		if !ok {
			continue
		}
		rng := kb.TypeRange
		k := kustomization{name: kname, at: r.pos(&rng)}
		k.path, _ = r.str(kb.Body, "path")
		k.prune = r.boolean(kb.Body, "garbage_collection_enabled", false)
		k.force = r.boolean(kb.Body, "recreating_enabled", false)
		k.wait = r.boolean(kb.Body, "wait", true)
		k.timeout = r.number(kb.Body, "timeout_in_seconds")
		k.interval = r.number(kb.Body, "sync_interval_in_seconds")
		k.retry = r.number(kb.Body, "retry_interval_in_seconds")
		if v, _, ok := r.value(kb.Body, "depends_on"); ok && v != cty.NilVal && !v.IsNull() && (v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
			for it := v.ElementIterator(); it.Next(); {
				if _, e := it.Element(); e.Type().Equals(cty.String) {
					k.dependsOn = append(k.dependsOn, e.AsString())
				}
			}
		}
		for _, pb := range kb.Body.Blocks {
			if pb.Type != "post_build" {
				continue
			}
			if v, _, ok := r.value(pb.Body, "substitute"); ok && v != cty.NilVal && !v.IsNull() && (v.Type().IsMapType() || v.Type().IsObjectType()) {
				k.substitute = map[string]string{}
				for it := v.ElementIterator(); it.Next(); {
					key, e := it.Element()
					if e.Type().Equals(cty.String) {
						k.substitute[key.AsString()] = e.AsString()
					}
				}
			}
			for _, sf := range pb.Body.Blocks {
				if sf.Type != "substitute_from" {
					continue
				}
				kind, _ := r.str(sf.Body, "kind")
				nm, _ := r.str(sf.Body, "name")
				k.substituteFrom = append(k.substituteFrom, flux.AKSSubstituteFrom{Kind: kind, Name: nm, Optional: r.boolean(sf.Body, "optional", false)})
			}
		}
		ks = append(ks, k)
	}
	c.Kustomizations = sortedEntries(ks)
	return c, true
}

func (r *tfReader) extension(b *hclsyntax.Block) *Extension {
	rng := b.TypeRange
	e := &Extension{At: r.pos(&rng)}
	if v, ok := r.str(b.Body, "version"); ok && v != "" {
		e.Version = v
		vr := b.Body.Attributes["version"].SrcRange
		e.VersionAt = r.pos(&vr)
	}
	v, a, ok := r.value(b.Body, "configuration_settings")
	if !ok || v == cty.NilVal || v.IsNull() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return e
	}
	at := a.SrcRange
	for it := v.ElementIterator(); it.Next(); {
		key, val := it.Element()
		if !val.Type().Equals(cty.String) {
			continue
		}
		bv := strings.EqualFold(val.AsString(), "true")
		switch key.AsString() {
		case "multiTenancy.enforce":
			e.Enforce, e.EnforceAt = &bv, r.pos(&at)
		case "kustomize-controller.strict-substitution-mode":
			e.Strict, e.StrictAt = &bv, r.pos(&at)
		}
	}
	return e
}

// azapi reads the azapi form: an azapi_resource whose type is
// Microsoft.KubernetesConfiguration/fluxConfigurations@<api> and whose body
// holds the ARM properties.
func (r *tfReader) azapi(b *hclsyntax.Block) (Configuration, bool) {
	typ, _ := r.str(b.Body, "type")
	if !strings.HasPrefix(strings.ToLower(typ), "microsoft.kubernetesconfiguration/fluxconfigurations") {
		return Configuration{}, false
	}
	name, ok := r.str(b.Body, "name")
	if !ok || name == "" {
		return Configuration{}, false
	}
	bodyV, a, ok := r.value(b.Body, "body")
	if !ok || bodyV == cty.NilVal {
		return Configuration{}, false
	}
	at := b.Body.Attributes["name"].SrcRange
	c := Configuration{Name: name, Namespace: "default", At: r.pos(&at), From: "Terraform azapi_resource." + b.Labels[1]}
	props := getAttr(bodyV, "properties")
	if ns := getAttr(props, "namespace"); ns != cty.NilVal && ns.Type().Equals(cty.String) {
		c.Namespace = ns.AsString()
	}
	pos := r.pos(&a.SrcRange)
	var ks []kustomization
	if m := getAttr(props, "kustomizations"); m != cty.NilVal && (m.Type().IsObjectType() || m.Type().IsMapType()) {
		for it := m.ElementIterator(); it.Next(); {
			key, def := it.Element()
			k := kustomization{name: key.AsString(), at: pos, wait: true}
			k.path = ctyString(getAttr(def, "path"))
			k.prune = ctyBool(getAttr(def, "prune"), false)
			k.force = ctyBool(getAttr(def, "force"), false)
			k.wait = ctyBool(getAttr(def, "wait"), true)
			k.timeout = ctyInt(getAttr(def, "timeoutInSeconds"))
			k.interval = ctyInt(getAttr(def, "syncIntervalInSeconds"))
			k.retry = ctyInt(getAttr(def, "retryIntervalInSeconds"))
			if d := getAttr(def, "dependsOn"); d != cty.NilVal && d.CanIterateElements() {
				for it := d.ElementIterator(); it.Next(); {
					_, e := it.Element()
					k.dependsOn = append(k.dependsOn, ctyString(e))
				}
			}
			ks = append(ks, k)
		}
	}
	c.Kustomizations = sortedEntries(ks)
	return c, true
}

func getAttr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return cty.NilVal
	}
	if v.Type().IsObjectType() {
		if !v.Type().HasAttribute(name) {
			return cty.NilVal
		}
		return v.GetAttr(name)
	}
	if k := cty.StringVal(name); v.HasIndex(k).True() {
		return v.Index(k)
	}
	return cty.NilVal
}

func ctyString(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.String) {
		return ""
	}
	return v.AsString()
}

func ctyBool(v cty.Value, def bool) bool {
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Bool) {
		return def
	}
	return v.True()
}

func ctyInt(v cty.Value) int {
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Number) {
		return 0
	}
	n, _ := new(big.Float).Set(v.AsBigFloat()).Int64()
	return int(n)
}
