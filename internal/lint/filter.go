package lint

import (
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/load"
)

// Filter is one step of the pipeline after analysis: it takes the findings
// and returns those it keeps.
type Filter interface {
	// Name says what the filter drops, for counts ("excluded").
	Name() string
	Filter(ds []analysis.Diagnostic) []analysis.Diagnostic
}

// Apply runs the findings through the filters in order, counting in
// dropped (when not nil) how many each one left out.
func Apply(ds []analysis.Diagnostic, filters []Filter, dropped map[string]int) []analysis.Diagnostic {
	for _, f := range filters {
		n := len(ds)
		ds = f.Filter(ds)
		if dropped != nil && len(ds) < n {
			dropped[f.Name()] += n - len(ds)
		}
	}
	return ds
}

// keep returns the findings for which fn is true.
func keep(ds []analysis.Diagnostic, fn func(analysis.Diagnostic) bool) []analysis.Diagnostic {
	var out []analysis.Diagnostic
	for _, d := range ds {
		if fn(d) {
			out = append(out, d)
		}
	}
	return out
}

// Unsilenced drops the findings a suppression silenced.
type Unsilenced struct{}

func (Unsilenced) Name() string { return "suppressed" }

func (Unsilenced) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic {
	return keep(ds, func(d analysis.Diagnostic) bool { return !d.Silenced })
}

// Excluded drops the findings in files the configuration excludes.
type Excluded struct{ Config *config.Config }

func (Excluded) Name() string { return "excluded" }

func (f Excluded) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic {
	return keep(ds, func(d analysis.Diagnostic) bool { return !f.Config.Excluded(d.Pos.File) })
}

// Sorted sorts the findings by position and drops duplicates.
type Sorted struct{}

func (Sorted) Name() string { return "duplicate" }

func (Sorted) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic { return analysis.Sort(ds) }

// ChangedFiles keeps the findings about something that changed: a file of
// Paths (relative to the repository), or the file its object comes from.
// Rendering problems are kept when RenderProblemsToo is set, else only
// those of Kustomizations whose directory holds a changed path.
type ChangedFiles struct {
	Paths             map[string]bool
	RenderProblemsToo bool
}

func (ChangedFiles) Name() string { return "unchanged" }

func (f ChangedFiles) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic {
	return keep(ds, f.changed)
}

func (f ChangedFiles) changed(d analysis.Diagnostic) bool {
	if d.RenderProblem {
		if f.RenderProblemsToo {
			return true
		}
		if k := d.Kustomization; k != nil && k.Dir != "" {
			for p := range f.Paths {
				if k.Dir == "." || strings.HasPrefix(p, k.Dir+"/") {
					return true
				}
			}
		}
	}
	if f.Paths[d.Pos.File] {
		return true
	}
	if o := d.Object; o != nil {
		for _, p := range []load.Pos{o.Pos(), o.Generated, o.At} {
			if p.IsValid() && f.Paths[p.File] {
				return true
			}
		}
	}
	return false
}
