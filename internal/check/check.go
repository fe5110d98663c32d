// Package check is what "fluxlint check" does, as a library: read the
// configuration, render the repository, run the analyzers and keep the
// findings that are not suppressed or excluded.
package check

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/render"
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
}

// Report is the outcome of a check.
type Report struct {
	Result      *render.Result
	Config      *config.Config
	Diagnostics []analyzers.Diagnostic
	// Excluded counts the findings left out by the configuration's
	// exclude patterns.
	Excluded int
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
	for _, d := range analyzers.Run(res, list, acfg) {
		if cfg.Excluded(d.Pos.File) {
			rep.Excluded++
			continue
		}
		rep.Diagnostics = append(rep.Diagnostics, d)
	}
	return rep, nil
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
