package lint

import (
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
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

// Changed keeps the findings a change can be blamed for: those on an
// object whose rendered content the change adds or alters (wherever the
// edit was: the object's file, a patch, a kustomization, a variable), and
// the findings about no object (render problems) that the base did not
// have. A finding that was there before on an object the change leaves
// alone is dropped.
type Changed struct {
	// Objects are the identities (render.Object.Identity) of the objects
	// added or changed.
	Objects map[string]bool
	// Before are the fingerprints of the base's findings.
	Before map[string]bool
}

func (Changed) Name() string { return "unchanged" }

func (f Changed) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic {
	return keep(ds, func(d analysis.Diagnostic) bool {
		if d.Object != nil {
			return f.Objects[d.Object.Identity()]
		}
		return !f.Before[d.Fingerprint()]
	})
}

// Baseline drops the findings recorded in a baseline file (by
// fingerprint); Seen collects the fingerprints it matched, so that the
// entries that match nothing can be reported.
type Baseline struct {
	Fingerprints map[string]bool
	Seen         map[string]bool
}

func (Baseline) Name() string { return "baseline" }

func (f Baseline) Filter(ds []analysis.Diagnostic) []analysis.Diagnostic {
	return keep(ds, func(d analysis.Diagnostic) bool {
		fp := d.Fingerprint()
		if f.Fingerprints[fp] {
			f.Seen[fp] = true
			return false
		}
		return true
	})
}
