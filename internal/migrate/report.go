package migrate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/format"
)

// Readiness writes the lockdown readiness plan: what lockdown would refuse
// today, what the two steps change, what needs a person, what to clean up
// in the cluster after step 2, and what lockdown would still refuse after
// both steps. plan must be a step 2 plan. It is a checklist a platform
// engineer follows from top to bottom.
func (p *Plan) Readiness(w io.Writer, command string) {
	ns := p.ConfigNamespace
	base := withoutStep(command)
	base = strings.Replace(base, " --plan", "", 1)
	fmt.Fprintf(w, "Lockdown readiness (configuration namespace %s)\n\n", ns)
	if len(p.Unseen) > 0 {
		fmt.Fprintf(w, "[ ] %d part(s) of the repository did not render; what they hold is not counted below. Fix them first:\n", len(p.Unseen))
		for _, pr := range p.Unseen {
			fmt.Fprintf(w, "      %s\n", pr)
		}
		fmt.Fprintln(w)
	}
	if len(p.LockdownBefore) == 0 {
		fmt.Fprintln(w, "Today: lockdown refuses nothing. The repository is lockdown-ready.")
	} else {
		fmt.Fprintf(w, "Today: lockdown would refuse %d object(s):\n", countObjects(p.LockdownBefore))
		for _, g := range groupFindings(p.LockdownBefore) {
			fmt.Fprintf(w, "  %-22s %4d  %s\n", g.kind, g.n, g.reason)
		}
	}
	fmt.Fprintln(w)
	step := 1
	if len(p.Marks) > 0 {
		fmt.Fprintf(w, "[ ] %d. Step 1: %s --step suspend -w\n", step, base)
		fmt.Fprintf(w, "       makes %s safe to delete; commit, push, and wait until Flux has applied it.\n", countMarks(p.Marks))
		step++
	}
	if len(p.Moves) > 0 {
		fmt.Fprintf(w, "[ ] %d. Step 2: %s -w\n", step, base)
		fmt.Fprintf(w, "       moves %s into %s (%d file(s)); commit and push.\n", countKinds(p.Moves), ns, len(p.Changes))
		step++
	}
	if len(p.Cleanup) > 0 {
		fmt.Fprintf(w, "[ ] %d. Once Flux has applied step 2, delete what nothing prunes (the old objects are safe to delete):\n", step)
		for _, c := range p.Cleanup {
			fmt.Fprintf(w, "       %s\n", c)
		}
		step++
	}
	if len(p.Manual) > 0 {
		fmt.Fprintf(w, "[ ] %d. By hand (%d), then run the plan again:\n", step, len(p.Manual))
		for _, n := range p.Manual {
			fmt.Fprintf(w, "       %s\n", n)
		}
		step++
	}
	fmt.Fprintln(w)
	switch {
	case len(p.LockdownBefore) == 0:
	case len(p.LockdownAfter) == 0:
		fmt.Fprintln(w, "After both steps: lockdown refuses nothing; the repository is lockdown-ready.")
	default:
		fmt.Fprintf(w, "After both steps: lockdown would still refuse %d object(s), each listed above as work by hand:\n", countObjects(p.LockdownAfter))
		for _, g := range groupFindings(p.LockdownAfter) {
			fmt.Fprintf(w, "  %-22s %4d  %s\n", g.kind, g.n, g.reason)
		}
	}
}

type findingGroup struct {
	kind, reason string
	n            int
}

// groupFindings counts findings by the kind of their object and their
// rule.
func groupFindings(ds []analysis.Diagnostic) []findingGroup {
	seen := map[string]map[string]bool{}
	var keys []string
	for _, d := range ds {
		kind := "(file)"
		obj := d.Pos.String()
		if d.Object != nil {
			kind, obj = d.Object.Kind, key(d.Object)
		}
		k := kind + "\x00" + d.Rule
		if seen[k] == nil {
			seen[k] = map[string]bool{}
			keys = append(keys, k)
		}
		seen[k][obj] = true
	}
	sort.Strings(keys)
	var out []findingGroup
	for _, k := range keys {
		kind, rule, _ := strings.Cut(k, "\x00")
		out = append(out, findingGroup{kind: kind, n: len(seen[k]), reason: ruleReason(rule)})
	}
	return out
}

func ruleReason(rule string) string {
	switch rule {
	case "config-namespace":
		return "outside the configuration namespace (config-namespace)"
	case "cross-namespace-ref":
		return "refers to another namespace (cross-namespace-ref)"
	}
	return rule
}

func countObjects(ds []analysis.Diagnostic) int {
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Object != nil {
			seen[key(d.Object)] = true
		} else {
			seen[d.Pos.String()] = true
		}
	}
	return len(seen)
}

func countMarks(marks []Mark) string {
	type mark struct{ kind, what string }
	n := map[mark]int{}
	for _, m := range marks {
		n[mark{m.Kind, m.Field + ": " + m.Value}]++
	}
	var parts []string
	for k, c := range n {
		parts = append(parts, fmt.Sprintf("%d %s (%s)", c, plural(k.kind, c), k.what))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// jsonPlan is the plan as "migrate --format json" writes it.
type jsonPlan struct {
	ConfigNamespace string               `json:"configNamespace"`
	Step            string               `json:"step"`
	LockdownReady   bool                 `json:"lockdownReady"`
	LockdownBefore  []format.JSONFinding `json:"lockdownBefore"`
	Marks           []Mark               `json:"marks"`
	Moves           []Move               `json:"moves"`
	Changes         []string             `json:"changes"`
	Manual          []jsonNote           `json:"manual"`
	Cleanup         []string             `json:"cleanup"`
	Unseen          []jsonNote           `json:"unseen"`
	LockdownAfter   []format.JSONFinding `json:"lockdownAfter"`
	Checks          []string             `json:"checks"`
}

type jsonNote struct {
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Object  string   `json:"object,omitempty"`
	Objects []string `json:"objects,omitempty"`
	Message string   `json:"message"`
}

// JSON writes the plan as JSON (docs/json-format.md).
func (p *Plan) JSON(w io.Writer) error {
	out := jsonPlan{ConfigNamespace: p.ConfigNamespace, Step: string(p.Step), LockdownReady: len(p.LockdownBefore) == 0,
		LockdownBefore: format.JSONFindings(p.LockdownBefore), Marks: p.Marks, Moves: p.Moves, Cleanup: p.Cleanup,
		LockdownAfter: format.JSONFindings(p.LockdownAfter), Checks: p.Checks,
		Changes: []string{}, Manual: []jsonNote{}, Unseen: []jsonNote{}}
	if out.Marks == nil {
		out.Marks = []Mark{}
	}
	if out.Moves == nil {
		out.Moves = []Move{}
	}
	if out.Cleanup == nil {
		out.Cleanup = []string{}
	}
	if out.Checks == nil {
		out.Checks = []string{}
	}
	for _, c := range p.Changes {
		out.Changes = append(out.Changes, c.Path)
	}
	for _, n := range p.Manual {
		out.Manual = append(out.Manual, jsonNote{File: n.Pos.File, Line: n.Pos.Line, Object: n.Object, Objects: n.Objects, Message: n.Message})
	}
	for _, pr := range p.Unseen {
		out.Unseen = append(out.Unseen, jsonNote{File: pr.Pos.File, Line: pr.Pos.Line, Message: pr.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
