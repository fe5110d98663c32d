package analysis

import (
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

// Config says which rules exist and how severe their findings are.
type Config struct {
	// Suite is every rule there is, whether it runs or not: a suppression
	// that names a rule outside it names an unknown rule.
	Suite []*Analyzer
	// Profiles are the installations the repository's parts run on; nil
	// judges everything by the default installation.
	Profiles *profile.Set
	// Severity overrides the default severity of a rule. A rule set to Off
	// reports nothing: it does not run, unless it looks at the others'
	// findings (AfterOthers), which it may still silence.
	Severity map[string]Severity
	// Settings are the rules' settings from the configuration
	// (config.Config.RuleSettings fills in their defaults).
	Settings Settings
	// Memo keeps what rules compute from an object's content alone across
	// runs (the schema rule's verdicts); nil keeps nothing.
	Memo memo.Store
	// running are the ids of the analyzers that run.
	running map[string]bool
}

// Settings are the values some rules judge by. Their defaults live in
// internal/config, the one home of defaults; a zero field turns off what
// it governs.
type Settings struct {
	// MaxSourceInterval is the longest interval a source that follows a
	// moving revision may poll at (source-interval).
	MaxSourceInterval time.Duration
	// AllowedSources are the globs a source URL must match
	// (source-not-allowed); none allows every URL.
	AllowedSources []string
}

func (c *Config) enabled(id string) bool {
	sev, set := c.Severity[id]
	return c.running[id] && (!set || sev != Off)
}

// Warm starts, beside whatever the caller does next, the Warm function of
// every analyzer of list that is not off.
func Warm(list []*Analyzer, cfg Config) {
	for _, a := range list {
		if sev, set := cfg.Severity[a.Name]; a.Warm == nil || (set && sev == Off) {
			continue
		}
		go a.Warm(cfg.Memo)
	}
}

// Run runs the analyzers of list that are not off over a rendered
// repository and returns their findings, sorted by position, without
// duplicates. Analyzers with AfterOthers run last and see the others'
// findings; the findings they silence are returned with Silenced set.
func Run(res *render.Result, list []*Analyzer, cfg Config) []Diagnostic {
	cfg.running = map[string]bool{}
	var first, last []*Analyzer
	for _, a := range list {
		if sev, set := cfg.Severity[a.Name]; set && sev == Off && !a.AfterOthers {
			continue
		}
		cfg.running[a.Name] = true
		if a.AfterOthers {
			last = append(last, a)
		} else {
			first = append(first, a)
		}
	}
	var out []Diagnostic
	run := func(a *Analyzer, seen []Diagnostic) []Diagnostic {
		var ds []Diagnostic
		pass := &Pass{Analyzer: a, Result: res, config: &cfg, findings: seen, report: func(d Diagnostic) {
			if sev, set := cfg.Severity[a.Name]; set && sev != Default {
				if sev == Off {
					return
				}
				d.Severity = sev
			}
			if !d.End.IsValid() {
				d.End = lineEnd(res.Repo, d.Pos)
			}
			ds = append(ds, d)
		}}
		if a.Run != nil {
			a.Run(pass)
		}
		return ds
	}
	// The analyzers that do not read the others' findings run side by side:
	// each reads the render, which nothing changes any more, and reports
	// into its own list.
	lists := make([][]Diagnostic, len(first))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(first)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				lists[i] = run(first[i], nil)
			}
		}()
	}
	for i := range first {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, ds := range lists {
		out = append(out, ds...)
	}
	out = Sort(out)
	for _, a := range last {
		out = append(out, run(a, out)...)
	}
	return Sort(out)
}

// Sort sorts findings by file, line, column, rule and message, and drops
// duplicates.
func Sort(ds []Diagnostic) []Diagnostic {
	sort.SliceStable(ds, func(i, j int) bool { return less(ds[i], ds[j]) })
	var uniq []Diagnostic
	for i, d := range ds {
		if i > 0 && same(ds[i-1], d) {
			if d.Silenced {
				uniq[len(uniq)-1].Silenced = true
			}
			continue
		}
		uniq = append(uniq, d)
	}
	return uniq
}

func less(a, b Diagnostic) bool {
	if a.Pos != b.Pos {
		return a.Pos.Less(b.Pos)
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Message < b.Message
}

func same(a, b Diagnostic) bool {
	return a.Pos == b.Pos && a.Rule == b.Rule && a.Message == b.Message
}

// lineEnd is where the region of a finding at pos ends: the end of the
// line's content, without a trailing comment. Columns count characters
// (Unicode code points), as the YAML parser's start columns do.
func lineEnd(repo *load.Repo, pos load.Pos) load.Pos {
	if pos.Line == 0 || repo == nil {
		return load.Pos{}
	}
	f := repo.File(pos.File)
	if f == nil {
		return load.Pos{File: pos.File, Line: pos.Line, Col: pos.Col}
	}
	text := f.Line(pos.Line)
	if i := strings.Index(text, " #"); i >= 0 {
		text = text[:i]
	}
	end := utf8.RuneCountInString(strings.TrimRight(text, " \t")) + 1
	if end < pos.Col {
		end = pos.Col
	}
	return load.Pos{File: pos.File, Line: pos.Line, Col: end}
}
