// Package profile works out the Flux installation a repository runs on:
// which Flux release line, whether multi-tenancy lockdown is on, which
// service account the controllers impersonate by default, and whether
// postBuild substitution is strict. It reads them from the repository
// itself (a FluxInstance, a flux bootstrap gotk-components.yaml, an AKS
// fluxConfiguration), lets flags and .fluxlint.yaml override them, and
// keeps for every value where it was read, so that "fluxlint config" can
// show the evidence and the rules can judge each object by the Flux that
// applies it.
package profile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Source says where a value was read.
type Source struct {
	// Pos is the file and line, for a value read from the repository.
	Pos load.Pos
	// Setting names the flag or configuration key, for a value given.
	Setting string
	// Default explains a value nobody gave.
	Default string
}

func (s Source) String() string {
	switch {
	case s.Setting != "":
		return s.Setting
	case s.Pos.IsValid():
		return s.Pos.String()
	}
	return "default: " + s.Default
}

// Value is one setting of the installation and where it was read.
type Value[T any] struct {
	V    T
	From Source
}

// Profile is the installation a part of the repository runs on.
type Profile struct {
	// Installation says how Flux is installed: "FluxInstance ...", "flux
	// bootstrap", "AKS microsoft.flux extension", or "unknown".
	Installation Value[string]
	FluxVersion  Value[flux.Version]
	// Lockdown is --no-cross-namespace-refs: references to other
	// namespaces are refused.
	Lockdown Value[bool]
	// DefaultServiceAccount is --default-service-account: the account a
	// Kustomization or HelmRelease without serviceAccountName impersonates,
	// in its own namespace; "" for the controller's own.
	DefaultServiceAccount Value[string]
	// StrictSubstitution is whether a postBuild variable without a value
	// fails the Kustomization.
	StrictSubstitution Value[bool]
	// AKSExtension is the microsoft.flux extension version, on AKS.
	AKSExtension Value[string]
	// ConfigNamespace is the AKS configuration namespace, on AKS.
	ConfigNamespace string
}

// AKS reports whether the profile is the microsoft.flux extension's.
func (p *Profile) AKS() bool { return p.ConfigNamespace != "" }

// Overrides are the values flags and the configuration give; they win
// over what the repository shows. From names where each was given.
type Overrides struct {
	FluxVersion         string
	AKSExtensionVersion string
	Lockdown            *bool
	StrictSubstitute    *bool
	// From maps "fluxVersion", "aksExtensionVersion", "lockdown" and
	// "strictSubstitute" to the flag or configuration line that set them.
	From map[string]string
}

// Set is the profile of every entry point of a render.
type Set struct {
	// Repository is the profile of the repository as a whole: what
	// evidence anywhere in it shows.
	Repository *Profile
	byRoot     map[*render.Kustomization]*Profile
}

// For is the profile of the objects a Kustomization applies: its entry
// point's, or the repository's.
func (s *Set) For(k *render.Kustomization) *Profile {
	if s == nil {
		return Default()
	}
	if k != nil {
		if p := s.byRoot[k.Root()]; p != nil {
			return p
		}
	}
	return s.Repository
}

// Of is the profile of an object.
func (s *Set) Of(o *render.Object) *Profile {
	if o == nil {
		return s.For(nil)
	}
	k := o.AppliedBy
	if k == nil {
		return s.forEntry(o)
	}
	return s.For(k)
}

// forEntry is the profile of an entry point's own object.
func (s *Set) forEntry(o *render.Object) *Profile {
	if s == nil {
		return Default()
	}
	for root, p := range s.byRoot {
		if root.Object == o {
			return p
		}
	}
	return s.Repository
}

// Roots lists the entry points and their profiles, in the render's order.
func (s *Set) Roots(res *render.Result) []*Profile {
	var out []*Profile
	for _, r := range res.Roots {
		out = append(out, s.For(r))
	}
	return out
}

// Applies reports whether a render problem holds under the profile of its
// Kustomization: a variable without a value fails only under strict
// substitution.
func (s *Set) Applies(p render.Problem) bool {
	return !p.StrictOnly || s.For(p.Kustomization).StrictSubstitution.V
}

// Default is the profile of a repository that shows nothing of its
// installation: the newest Flux fluxlint knows, without lockdown.
func Default() *Profile {
	return &Profile{
		Installation:          Value[string]{"unknown", Source{Default: "nothing in the repository shows how Flux is installed"}},
		FluxVersion:           Value[flux.Version]{flux.Latest, Source{Default: "the newest Flux release line fluxlint knows"}},
		Lockdown:              Value[bool]{false, Source{Default: "no --no-cross-namespace-refs seen"}},
		DefaultServiceAccount: Value[string]{"", Source{Default: "no --default-service-account seen"}},
		StrictSubstitution:    Value[bool]{true, Source{Default: "strict since kustomize-controller 1.9 (Flux 2.9)"}},
	}
}

// Derive works out the profile of every entry point of a render, and of
// the repository, from what it holds and the overrides.
func Derive(res *render.Result, ov Overrides) (*Set, error) {
	if err := ov.check(); err != nil {
		return nil, err
	}
	s := &Set{byRoot: map[*render.Kustomization]*Profile{}}
	var all []*render.Object
	all = append(all, res.Objects...)
	s.Repository = derive(res, nil, all, documents(res), ov)
	for _, root := range res.Roots {
		var objs []*render.Object
		objs = append(objs, root.Companions...)
		objs = append(objs, root.Object)
		root.Walk(func(k *render.Kustomization) { objs = append(objs, k.Objects...) })
		s.byRoot[root] = derive(res, root, objs, nil, ov)
		if s.byRoot[root].Installation.V == "unknown" {
			s.byRoot[root] = s.Repository
		}
	}
	return s, nil
}

func (ov Overrides) check() error {
	if ov.FluxVersion != "" {
		if _, ok := flux.ParseVersion(ov.FluxVersion); !ok {
			return fmt.Errorf("%s: %q is not a Flux version such as 2.7", ov.from("fluxVersion"), ov.FluxVersion)
		}
	}
	if ov.AKSExtensionVersion != "" {
		if _, ok := flux.AKSFluxVersion(ov.AKSExtensionVersion); !ok {
			return fmt.Errorf("%s: %q is not a microsoft.flux extension version fluxlint knows (1.7.5 to %s)", ov.from("aksExtensionVersion"), ov.AKSExtensionVersion, flux.LatestAKSExtension)
		}
	}
	return nil
}

func (ov Overrides) from(key string) string {
	if f := ov.From[key]; f != "" {
		return f
	}
	return key
}

// documents are the FluxInstance documents of the repository, rendered or
// not, for the repository's own profile.
func documents(res *render.Result) []*load.Doc {
	var out []*load.Doc
	for _, f := range res.Repo.ScanFiles() {
		for _, d := range f.Docs() {
			if _, ok := flux.InstanceFromDoc(d); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

// derive reads one profile from objects (and documents), the entry
// point's FluxInstance first, then the overrides.
func derive(res *render.Result, root *render.Kustomization, objs []*render.Object, docs []*load.Doc, ov Overrides) *Profile {
	p := Default()
	strictSet := false
	if res.ConfigNamespace != "" && (root == nil || root.Origin == render.OriginGiven) {
		at := Source{Setting: "the AKS configuration (--config-namespace, --kustomization or .fluxlint.yaml)"}
		p.ConfigNamespace = res.ConfigNamespace
		p.Installation = Value[string]{"AKS microsoft.flux extension", at}
		p.Lockdown = Value[bool]{true, Source{Default: "the microsoft.flux extension enforces multi-tenancy unless multiTenancy.enforce=false"}}
		p.DefaultServiceAccount = Value[string]{flux.AKSApplier, Source{Default: "the microsoft.flux extension impersonates flux-applier"}}
		p.AKSExtension = Value[string]{flux.LatestAKSExtension, Source{Default: "the newest microsoft.flux release fluxlint knows"}}
		p.StrictSubstitution = Value[bool]{false, Source{Default: "the microsoft.flux extension substitutes strictly only with kustomize-controller.strict-substitution-mode=true"}}
		strictSet = true
		if fc := res.FluxConfiguration; fc != nil {
			p.Installation = Value[string]{"AKS microsoft.flux extension (" + fc.From + ")", Source{Pos: fc.At}}
			if e := fc.Extension; e != nil {
				if e.Version != "" {
					if _, ok := flux.AKSFluxVersion(e.Version); ok {
						p.AKSExtension = Value[string]{e.Version, Source{Pos: e.VersionAt}}
					}
				}
				if e.Enforce != nil {
					p.Lockdown = Value[bool]{*e.Enforce, Source{Pos: e.EnforceAt}}
				}
				if e.Strict != nil {
					p.StrictSubstitution = Value[bool]{*e.Strict, Source{Pos: e.StrictAt}}
				}
			}
		}
		v, _ := flux.AKSFluxVersion(p.AKSExtension.V)
		p.FluxVersion = Value[flux.Version]{v, Source{Default: "the Flux of microsoft.flux " + p.AKSExtension.V}}
		if p.AKSExtension.From.Pos.IsValid() {
			p.FluxVersion.From = p.AKSExtension.From
		}
	} else {
		var instances []flux.Instance
		if root != nil && root.Instance != nil {
			instances = append(instances, *root.Instance)
		}
		for _, o := range objs {
			if o.Doc != nil {
				if in, ok := flux.InstanceFromDoc(o.Doc); ok {
					instances = append(instances, in)
				}
			}
		}
		for _, d := range docs {
			if in, ok := flux.InstanceFromDoc(d); ok {
				instances = append(instances, in)
			}
		}
		if len(instances) > 0 {
			strictSet = fromInstance(p, instances[0])
		} else {
			strictSet = fromControllers(p, objs)
		}
	}
	// Overrides win.
	if ov.AKSExtensionVersion != "" && p.AKS() {
		p.AKSExtension = Value[string]{ov.AKSExtensionVersion, Source{Setting: ov.from("aksExtensionVersion")}}
		v, _ := flux.AKSFluxVersion(ov.AKSExtensionVersion)
		p.FluxVersion = Value[flux.Version]{v, Source{Setting: ov.from("aksExtensionVersion")}}
	}
	if ov.FluxVersion != "" {
		v, _ := flux.ParseVersion(ov.FluxVersion)
		p.FluxVersion = Value[flux.Version]{v, Source{Setting: ov.from("fluxVersion")}}
	}
	if ov.Lockdown != nil {
		p.Lockdown = Value[bool]{*ov.Lockdown, Source{Setting: ov.from("lockdown")}}
	}
	if !strictSet {
		// Strict substitution became the default in kustomize-controller
		// 1.9.0 (Flux 2.9); before, only the feature gate turns it on.
		p.StrictSubstitution = Value[bool]{!p.FluxVersion.V.Less(flux.Version{Major: 2, Minor: 9}),
			Source{Default: fmt.Sprintf("the default of Flux %s (strict from 2.9)", p.FluxVersion.V)}}
	}
	if ov.StrictSubstitute != nil {
		p.StrictSubstitution = Value[bool]{*ov.StrictSubstitute, Source{Setting: ov.from("strictSubstitute")}}
	}
	return p
}

// fromInstance reads a FluxInstance: its distribution.version, its
// cluster.multitenant (which adds --no-cross-namespace-refs and
// --default-service-account) and the controller arguments its
// kustomize.patches add. It reports whether strict substitution was set.
func fromInstance(p *Profile, in flux.Instance) (strictSet bool) {
	p.Installation = Value[string]{in.From, Source{Pos: in.At}}
	if s := in.Get("distribution", "version"); s != "" {
		if v, ok := flux.ParseConstraint(s); ok {
			p.FluxVersion = Value[flux.Version]{v, Source{Pos: in.Pos("distribution", "version")}}
		}
	} else if in.Chart {
		p.FluxVersion = Value[flux.Version]{flux.Latest, Source{Default: "the flux-instance chart's distribution.version, 2.x"}}
	}
	if mt := in.Get("cluster", "multitenant"); mt == "" {
		p.Lockdown = Value[bool]{false, Source{Default: "a FluxInstance is multi-tenant only with cluster.multitenant: true"}}
	} else {
		on := mt == "true"
		p.Lockdown = Value[bool]{on, Source{Pos: in.Pos("cluster", "multitenant")}}
		if on {
			sa := in.Get("cluster", "tenantDefaultServiceAccount")
			pos := in.Pos("cluster", "tenantDefaultServiceAccount")
			if sa == "" {
				sa, pos = "default", in.Pos("cluster", "multitenant")
			}
			p.DefaultServiceAccount = Value[string]{sa, Source{Pos: pos}}
		}
	}
	patches := load.LookupNode(in.Spec, "kustomize", "patches")
	if patches == nil {
		return false
	}
	for i, item := range patches.Content {
		text := load.Scalar(load.LookupNode(item, "patch"))
		target := load.Scalar(load.LookupNode(item, "target", "name"))
		pos := in.Pos("kustomize", "patches", strconv.Itoa(i), "patch")
		if applyArgs(p, argsIn(text), target, pos) {
			strictSet = true
		}
	}
	return strictSet
}

var argRe = regexp.MustCompile(`--[a-z][a-z0-9-]*(?:=[^\s"',\]]+)?`)

// argsIn finds controller arguments in a patch's text.
func argsIn(text string) []string { return argRe.FindAllString(text, -1) }

// applyArgs applies controller arguments to the profile: those of
// kustomize-controller (or a target that matches it) decide
// substitution; lockdown and the default account come from any of the
// controllers that check them. It reports whether strictness was set.
func applyArgs(p *Profile, args []string, target string, pos load.Pos) (strictSet bool) {
	kustomize := target == "" || matchesController(target, "kustomize-controller")
	for _, a := range args {
		name, val, _ := strings.Cut(a, "=")
		switch name {
		case "--no-cross-namespace-refs":
			p.Lockdown = Value[bool]{val == "" || val == "true", Source{Pos: pos}}
		case "--default-service-account":
			p.DefaultServiceAccount = Value[string]{val, Source{Pos: pos}}
		case "--feature-gates":
			if !kustomize {
				continue
			}
			for _, g := range strings.Split(val, ",") {
				if k, v, _ := strings.Cut(g, "="); k == "StrictPostBuildSubstitutions" {
					p.StrictSubstitution = Value[bool]{v == "true", Source{Pos: pos}}
					strictSet = true
				}
			}
		}
	}
	return strictSet
}

// matchesController reports whether a kustomize patch target name (a
// regular expression) selects the controller.
func matchesController(target, controller string) bool {
	re, err := regexp.Compile("^(?:" + target + ")$")
	return err == nil && re.MatchString(controller)
}

// fromControllers reads the controllers' Deployments the repository
// applies (a flux bootstrap gotk-components.yaml, patched by its
// kustomization): their images give the Flux version, their arguments
// lockdown, the default account and the feature gates.
func fromControllers(p *Profile, objs []*render.Object) (strictSet bool) {
	for _, o := range objs {
		if o.Kind != "Deployment" || !strings.HasSuffix(o.Name, "-controller") {
			continue
		}
		containers := o.Lookup("spec", "template", "spec", "containers")
		if containers == nil || len(containers.Content) == 0 {
			continue
		}
		c := containers.Content[0]
		image := load.Scalar(load.LookupNode(c, "image"))
		v, ok := flux.ControllerVersion(image)
		if !ok {
			continue
		}
		at := o.ValuePos("spec", "template", "spec", "containers", "0", "image")
		if p.Installation.V == "unknown" {
			p.Installation = Value[string]{"flux bootstrap (controllers in Git)", Source{Pos: o.Pos()}}
		}
		if o.Name == "kustomize-controller" || p.FluxVersion.From.Default != "" {
			p.FluxVersion = Value[flux.Version]{v, Source{Pos: at}}
		}
		var args []string
		if a := load.LookupNode(c, "args"); a != nil {
			for _, x := range a.Content {
				args = append(args, x.Value)
			}
		}
		if o.Name == "source-controller" {
			continue // it checks no cross-namespace reference
		}
		if applyArgs(p, args, o.Name, o.ValuePos("spec", "template", "spec", "containers", "0", "args")) {
			strictSet = true
		}
	}
	return strictSet
}
