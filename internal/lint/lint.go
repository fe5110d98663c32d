package lint

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Options say what to check.
type Options struct {
	// Render are the render options from the command line; the
	// configuration fills in what they leave empty.
	Render render.Options
	// Config is the configuration; nil to read the one at the root of
	// Render.Dir.
	Config *config.Config
	// Suite is every rule there is; Analyzers are those to run (nil for
	// all of Suite).
	Suite, Analyzers []*analysis.Analyzer
	// Filters run after the standard ones (silenced, excluded) and before
	// sorting: a change filter, a baseline.
	Filters []Filter
	// Profile are the installation settings the flags give; they win over
	// the configuration's, which win over what the repository shows.
	Profile profile.Overrides
}

// Report is the outcome of a check.
type Report struct {
	Result      *render.Result
	Config      *config.Config
	Profiles    *profile.Set
	Diagnostics []analysis.Diagnostic
	// Dropped counts the findings each filter left out, by filter name.
	Dropped map[string]int
}

// Run checks a repository. The error is for a check that could not run at
// all: an unreadable repository or a bad configuration.
func Run(opts Options) (*Report, error) {
	cfg := opts.Config
	if cfg == nil {
		var err error
		if cfg, err = config.ForRepository(opts.Render.Dir); err != nil {
			return nil, err
		}
	}
	if err := cfg.CheckRules(opts.Suite); err != nil {
		return nil, err
	}
	list := opts.Analyzers
	if list == nil {
		list = opts.Suite
	}
	verdicts := opts.Render.Cache.Bundle("verdicts", opts.Render.Dir)
	defer verdicts.Flush()
	acfg := analysis.Config{Suite: opts.Suite, Severity: cfg.Rules, Settings: cfg.RuleSettings(), Memo: verdicts.Store()}
	analysis.Warm(list, acfg)
	res, err := render.Render(config.Merge(opts.Render, cfg))
	if err != nil {
		return nil, err
	}
	if acfg.Profiles, err = profile.Derive(res, cfg.Overrides(opts.Profile)); err != nil {
		return nil, err
	}
	profiles := acfg.Profiles
	ds := analysis.Run(res, list, acfg)
	pipeline := append([]Filter{Unsilenced{}, Excluded{Config: cfg}}, opts.Filters...)
	pipeline = append(pipeline, Sorted{})
	rep := &Report{Result: res, Config: cfg, Profiles: profiles, Dropped: map[string]int{}}
	rep.Diagnostics = Apply(ds, pipeline, rep.Dropped)
	return rep, nil
}

// Failing reports whether any finding is at or above the severity; with
// Off (--fail-on=none) nothing fails.
func (r *Report) Failing(sev analysis.Severity) bool {
	if sev == analysis.Off {
		return false
	}
	for _, d := range r.Diagnostics {
		if d.Severity >= sev {
			return true
		}
	}
	return false
}
