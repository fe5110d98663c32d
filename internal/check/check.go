// Package check is what "fluxlint check" does, as a library: read the
// configuration, render the repository, run the analyzers and keep the
// findings that are not suppressed or excluded.
package check

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/suppress"
)

// Options say what to check.
type Options struct {
	// Render are the render options from the command line; the
	// configuration fills in what they leave empty.
	Render render.Options
	// Config is the configuration; nil to look for one at the root of
	// Render.Dir.
	Config *config.Config
	// Analyzers to run; nil for all.
	Analyzers []*analyzers.Analyzer
	// Changed, when not nil, limits the findings to the objects and files
	// that changed (paths relative to the repository): --new-from-rev and
	// --staged. Rendering problems are kept unless RenderProblemsToo is
	// false, in which case only those of Kustomizations whose directory
	// holds a changed path are.
	Changed           map[string]bool
	RenderProblemsToo bool
}

// Report is the outcome of a check.
type Report struct {
	Result      *render.Result
	Config      *config.Config
	Diagnostics []analyzers.Diagnostic
	// Excluded counts the findings left out by the configuration's
	// exclude patterns, Suppressed those silenced by a suppression, and
	// Unchanged those left out because their object did not change.
	Excluded, Suppressed, Unchanged int
}

// Run checks a repository. The error is for a check that could not run at
// all: an unreadable repository or a bad configuration.
func Run(opts Options) (*Report, error) {
	cfg := opts.Config
	if cfg == nil {
		var err error
		if cfg, err = LoadConfig(opts.Render.Dir); err != nil {
			return nil, err
		}
	}
	ro, err := Merge(opts.Render, cfg)
	if err != nil {
		return nil, err
	}
	list := opts.Analyzers
	if list == nil {
		list = analyzers.All
	}
	acfg := analyzers.Config{Options: analyzers.Options{ConfigNamespace: configNamespace(ro)}, Severity: map[string]analyzers.Severity{}}
	for _, id := range cfg.RuleNames() {
		if analyzers.ByName(analyzers.All, id) == nil {
			pos, _ := cfg.KeyPos("rules." + id)
			return nil, &config.Error{Pos: pos, Msg: fmt.Sprintf("rules: no rule %q (fluxlint rules lists them)", id)}
		}
		sev, err := analyzers.ParseSeverity(cfg.Rules[id])
		if err != nil {
			return nil, err
		}
		acfg.Severity[id] = sev
	}
	res, err := render.Render(ro)
	if err != nil {
		return nil, err
	}
	rep := &Report{Result: res, Config: cfg}
	var ds []analyzers.Diagnostic
	for _, d := range analyzers.Run(res, list, acfg) {
		if cfg.Excluded(d.Pos.File) {
			rep.Excluded++
			continue
		}
		ds = append(ds, d)
	}
	enabled := func(id string) bool {
		sev, set := acfg.Severity[id]
		return analyzers.ByName(list, id) != nil && (!set || sev != 0)
	}
	known := func(id string) bool { return analyzers.ByName(analyzers.All, id) != nil }
	kept, meta, n := suppress.Apply(ds, suppress.Scan(res.Repo), res.Objects, known, enabled)
	rep.Suppressed = n
	if enabled(analyzers.Suppression.Name) {
		for _, m := range meta {
			if sev, set := acfg.Severity[m.Rule]; set {
				m.Severity = sev
			}
			if !cfg.Excluded(m.Pos.File) {
				kept = append(kept, m)
			}
		}
	}
	for _, d := range kept {
		if opts.Changed != nil && !changed(d, opts.Changed, opts.RenderProblemsToo) {
			rep.Unchanged++
			continue
		}
		rep.Diagnostics = append(rep.Diagnostics, d)
	}
	rep.Diagnostics = analyzers.Sort(rep.Diagnostics)
	return rep, nil
}

// changed reports whether a finding is about something that changed: its
// file, or the file its object comes from.
func changed(d analyzers.Diagnostic, paths map[string]bool, renderToo bool) bool {
	if a := analyzers.ByName(analyzers.All, d.Rule); a != nil && a.Render {
		if renderToo {
			return true
		}
		if k := d.Kustomization; k != nil && k.Dir != "" {
			for p := range paths {
				if k.Dir == "." || strings.HasPrefix(p, k.Dir+"/") {
					return true
				}
			}
		}
	}
	if paths[d.Pos.File] {
		return true
	}
	if o := d.Object; o != nil {
		for _, p := range []load.Pos{o.Pos(), o.Generated, o.At} {
			if p.IsValid() && paths[p.File] {
				return true
			}
		}
	}
	return false
}

// configNamespace is the configuration namespace the multi-tenancy rules
// check against: the one given, or the AKS entries' default.
func configNamespace(o render.Options) string {
	if o.ConfigNamespace != "" {
		return o.ConfigNamespace
	}
	if len(o.Entries) > 0 {
		return "cluster-config"
	}
	return ""
}

// LoadConfig reads the configuration at the root of dir, if any.
func LoadConfig(dir string) (*config.Config, error) {
	file := config.Find(dir)
	if file == "" {
		return &config.Config{}, nil
	}
	return config.Load(file, filepath.Base(file))
}

// Merge fills the render options the command line left empty from the
// configuration. Sources from the configuration must lie inside the
// repository, since an untrusted change can edit the file.
func Merge(o render.Options, cfg *config.Config) (render.Options, error) {
	if o.ConfigNamespace == "" {
		o.ConfigNamespace = cfg.ConfigNamespace
	}
	if o.ConfigName == "" {
		o.ConfigName = cfg.ConfigName
	}
	if len(o.Entries) == 0 {
		o.Entries = cfg.Kustomizations
	}
	if len(cfg.Sources) > 0 {
		o.ConfinedSources = map[string]string{}
		keys := make([]string, 0, len(cfg.Sources))
		for k := range cfg.Sources {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := o.Sources[k]; !ok {
				o.ConfinedSources[k] = cfg.Sources[k]
			}
		}
	}
	if cfg.StrictSubstitute != nil && !*cfg.StrictSubstitute {
		o.NoStrictSubstitute = true
	}
	return o, nil
}

// Failing reports whether any finding is at or above the severity; with
// severity 0 (--fail-on=none) nothing fails.
func (r *Report) Failing(sev analyzers.Severity) bool {
	if sev == 0 {
		return false
	}
	for _, d := range r.Diagnostics {
		if d.Severity >= sev {
			return true
		}
	}
	return false
}
