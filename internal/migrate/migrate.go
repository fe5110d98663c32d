package migrate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Step is which of the two commits to produce.
type Step string

// The steps.
const (
	StepSuspend Step = "suspend"
	StepMove    Step = "move"
)

// Options say what to migrate.
type Options struct {
	// Render are the render options; Render.ConfigNamespace is the
	// namespace to move into and is required.
	Render render.Options
	Step   Step
	// Profile overrides what the repository shows of its installation
	// (the Flux version decides how step 1 makes a Kustomization safe).
	Profile profile.Overrides
}

// Plan is what a migration changes, and what it leaves to a person.
type Plan struct {
	Step            Step
	ConfigNamespace string
	// Changes are the files to rewrite, sorted by path.
	Changes []*Change
	// Moves are the objects that move in step 2 (in step 1, the objects
	// step 2 will move).
	Moves []Move
	// Marks are, in step 1, the fields set to make the objects step 2
	// moves safe to delete.
	Marks []Mark
	// Manual lists what could not be edited safely, with where and why.
	Manual []Note
	// Identities are the release identities of every HelmRelease, before
	// and after.
	Identities []Identity
	// NotSafe are, in step 2, the moving objects whose deletion Git does
	// not make safe (a HelmRelease that is not suspended, a Kustomization
	// that would prune what it applies): applying the move before step 1
	// was applied would uninstall releases or delete objects.
	NotSafe []string
	// Unmarked are the moved objects whose step 1 markers step 2 takes
	// away; Restored are those that do not move after all, whose markers
	// are taken away too.
	Unmarked []string
	Restored []string
	// Unseen are the problems that kept parts of the repository from
	// rendering: what is in them is neither migrated nor checked.
	Unseen []render.Problem
	// Checks are the verifications made on the migrated tree.
	Checks []string
	// Cleanup are the commands to run once step 2 is applied, for what
	// the cluster keeps that no Kustomization prunes.
	Cleanup []string
	// LockdownBefore are the lockdown findings on the repository as it is;
	// LockdownAfter those on the migrated tree.
	LockdownBefore, LockdownAfter []analysis.Diagnostic

	repo *load.Repo
}

// Change is one file to rewrite.
type Change struct {
	Path     string // relative to the repository
	Old, New []byte
}

// Move is one object that moves.
type Move struct {
	Kind string `json:"kind"`
	From string `json:"from"` // namespace/name
	To   string `json:"to"`
	Why  string `json:"why,omitempty"`
}

// Mark is a field step 1 sets.
type Mark struct {
	Kind   string `json:"kind"`
	Object string `json:"object"` // namespace/name
	Field  string `json:"field"`
	Value  string `json:"value"`
}

// Note is something left to a person.
type Note struct {
	Pos load.Pos
	// Object names what the note is about, for people; Objects lists each
	// object ("Kind namespace/name") when the note is about several.
	Object  string
	Objects []string
	Message string
}

func (n Note) String() string {
	if n.Object != "" {
		return fmt.Sprintf("%s: %s: %s", n.Pos, n.Object, n.Message)
	}
	return fmt.Sprintf("%s: %s", n.Pos, n.Message)
}

// Identity is one HelmRelease's release identity before and after.
type Identity struct {
	Before, After string // namespace/name of the HelmRelease
	Old, New      flux.ReleaseIdentity
}

// Needed reports whether the repository still needs a migration step:
// something to change, or something a person must do.
func (p *Plan) Needed() bool { return len(p.Changes) > 0 || len(p.Manual) > 0 }

// Complete reports whether the whole repository was seen.
func (p *Plan) Complete() bool { return len(p.Unseen) == 0 }

// Run plans a migration step and checks it. It writes nothing.
func Run(opts Options) (*Plan, error) {
	if opts.Render.ConfigNamespace == "" {
		return nil, fmt.Errorf("the configuration namespace is required (--config-namespace or configNamespace: in .fluxlint.yaml)")
	}
	if opts.Step == "" {
		opts.Step = StepMove
	}
	if opts.Render.Cache == nil {
		// The check of the plan renders the tree again; what it builds
		// unchanged comes from here.
		opts.Render.Cache = &render.BuildCache{}
	}
	res, err := render.Render(opts.Render)
	if err != nil {
		return nil, err
	}
	prof, err := profile.Derive(res, opts.Profile)
	if err != nil {
		return nil, err
	}
	// What lockdown refuses today is found while the plan is made: both
	// only read the render.
	before := make(chan []analysis.Diagnostic, 1)
	go func() { before <- lockdownFindings(res) }()
	p := newPlanner(opts, res, prof)
	plan, err := p.plan()
	lockdown := <-before
	if err != nil {
		return plan, err
	}
	plan.LockdownBefore = lockdown
	return plan, nil
}

// lockdownFindings are the errors of the multi-tenancy rules on a render,
// with lockdown on.
func lockdownFindings(res *render.Result) []analysis.Diagnostic {
	on := true
	lp, err := profile.Derive(res, profile.Overrides{Lockdown: &on})
	if err != nil {
		return nil
	}
	var out []analysis.Diagnostic
	for _, d := range analysis.Run(res, []*analysis.Analyzer{analyzers.CrossNamespaceRef, analyzers.ConfigNamespace},
		analysis.Config{Suite: analyzers.All, Profiles: lp}) {
		if d.Severity == analysis.Error {
			out = append(out, d)
		}
	}
	return out
}

// Write writes the changed files, all or nothing (rewrite.WriteAll): a
// file that changed since planning, a read-only file or a directory that
// cannot be written stops it before any file is touched. force replaces
// read-only and hard-linked files.
func (p *Plan) Write(force bool) error {
	changes := make([]rewrite.FileChange, len(p.Changes))
	for i, c := range p.Changes {
		changes[i] = rewrite.FileChange{Path: c.Path, Old: c.Old, New: c.New}
	}
	return rewrite.WriteAll(p.repo.Root, changes, rewrite.WriteOptions{Force: force})
}

// Diff writes a unified diff of the changes.
//
// The lines that hold a Secret's data or stringData are masked on both
// sides: a migration moves a Secret without changing its values, and a
// diff must not show them, even as context.
func (p *Plan) Diff(w io.Writer) error {
	for _, c := range p.Changes {
		if _, err := io.WriteString(w, rewrite.Diff(c.Path, maskSecretLines(c.Path, c.Old), maskSecretLines(c.Path, c.New))); err != nil {
			return err
		}
	}
	return nil
}

// maskSecretLines replaces, in a YAML file's text, every line of the data
// and stringData of its Secrets with its indentation and a mask.
func maskSecretLines(name string, data []byte) []byte {
	f := load.ParseBytes(name, data)
	mask := map[int]bool{}
	for _, d := range f.Docs() {
		if d.Node == nil || d.Kind != "Secret" {
			continue
		}
		root := d.Node.YNode()
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i].Value; k != "data" && k != "stringData" {
				continue
			}
			first := root.Content[i].Line
			last := d.EndLine
			if i+2 < len(root.Content) {
				last = root.Content[i+2].Line - 1
			}
			for l := first; l <= last; l++ {
				mask[l] = true
			}
		}
	}
	if len(mask) == 0 {
		return data
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, l := range lines {
		if mask[i+1] && strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "#") && !strings.HasPrefix(l, "---") {
			body := strings.TrimLeft(l, " ")
			eol := l[len(strings.TrimRight(l, "\r\n")):]
			key, rest, _ := strings.Cut(body, ":")
			if k := strings.TrimRight(key, " "); k == "data" || k == "stringData" {
				if r := strings.TrimSpace(rest); r == "" || strings.HasPrefix(r, "#") {
					continue // the key alone
				}
				lines[i] = l[:len(l)-len(body)] + key + ": " + render.RedactedMask + eol // a flow mapping on the key's line
				continue
			}
			lines[i] = l[:len(l)-len(body)] + render.RedactedMask + eol
		}
	}
	return []byte(strings.Join(lines, ""))
}

// Explain writes, in plain words, what the step does and what comes next.
func (p *Plan) Explain(w io.Writer, command string) {
	ns := p.ConfigNamespace
	kinds := countKinds(p.Moves)
	switch {
	case p.Step == StepSuspend && len(p.Marks) == 0 && len(p.Moves) == 0 && len(p.Manual) == 0:
		fmt.Fprintf(w, "Nothing to do in step 1: every Flux object is in %s already.\n", ns)
	case p.Step == StepSuspend && len(p.Marks) == 0:
		fmt.Fprintf(w, "Nothing to do in step 1: what step 2 moves (%s) is safe to delete already. Run\n  %s\nfor step 2.\n", kinds, withoutStep(command))
	case p.Step == StepSuspend:
		fmt.Fprintf(w, "Step 1 of 2: make the %d object(s) that step 2 moves into %s safe to delete.\n\n", len(p.Marks), ns)
		fmt.Fprintln(w, "Moving an object to another namespace deletes the old object and creates a new one.")
		fmt.Fprintln(w, "helm-controller uninstalls the release of a HelmRelease deleted while it is not suspended,")
		fmt.Fprintln(w, "and kustomize-controller deletes what a pruning Kustomization applied when it is deleted.")
		fmt.Fprintln(w, "So step 1 suspends the HelmReleases, and gives the Kustomizations deletionPolicy: Orphan")
		fmt.Fprintln(w, "(prune: false before Flux 2.5), which keeps them reconciling; a comment on each line says")
		fmt.Fprintln(w, "what it was, and step 2 puts it back. Commit this change, push it, and wait until Flux has")
		fmt.Fprintln(w, "applied it. Then run")
		fmt.Fprintf(w, "  %s\nfor step 2, which moves %s.\n", withoutStep(command), kinds)
	case len(p.Moves) == 0 && len(p.Manual) == 0 && len(p.Restored) == 0:
		fmt.Fprintf(w, "Nothing to migrate: every Flux object is in %s.\n", ns)
	case len(p.Moves) == 0:
		fmt.Fprintf(w, "Nothing can move into %s without a person: see below.\n", ns)
	default:
		fmt.Fprintf(w, "Step 2 of 2: move %s into %s.\n\n", kinds, ns)
		fmt.Fprintln(w, "Each HelmRelease keeps its release name, release namespace and storage namespace, so")
		fmt.Fprintln(w, "helm-controller adopts the existing release instead of installing a second one, and each")
		fmt.Fprintln(w, "Kustomization applies the same objects at the same namespaces. The old objects are deleted;")
		fmt.Fprintln(w, "since step 1 made them safe to delete, nothing is uninstalled or deleted with them.")
		fmt.Fprintln(w, "Commit this change after step 1 has been applied.")
		if len(p.NotSafe) > 0 {
			list := p.NotSafe
			if len(list) > 5 {
				list = append(append([]string(nil), list[:5]...), fmt.Sprintf("and %d more", len(p.NotSafe)-5))
			}
			fmt.Fprintf(w, "\nWARNING: Git does not make %d of them safe to delete: %s.\n", len(p.NotSafe), strings.Join(list, ", "))
			fmt.Fprintln(w, "Unless step 1 was applied in the cluster, applying this change uninstalls their releases")
			fmt.Fprintf(w, "or deletes what they applied. Run %s --step suspend first.\n", withoutStep(command))
		}
	}
	if len(p.Marks) > 0 && p.Step == StepSuspend {
		fmt.Fprintln(w)
		for _, m := range p.Marks {
			fmt.Fprintf(w, "  %-15s %s: %s: %s\n", m.Kind, m.Object, m.Field, m.Value)
		}
	}
	if len(p.Moves) > 0 && p.Step == StepMove {
		fmt.Fprintln(w)
		for _, m := range p.Moves {
			line := fmt.Sprintf("  %-15s %s -> %s", m.Kind, m.From, m.To)
			if m.Why != "" {
				line += "  (" + m.Why + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(p.Unmarked) > 0 {
		fmt.Fprintf(w, "\nThe step 1 markers are taken away from %s.\n", strings.Join(p.Unmarked, ", "))
	}
	if len(p.Restored) > 0 {
		fmt.Fprintf(w, "\nStep 1 marked %s, which cannot move after all (see below): what it wrote is put back.\n", strings.Join(p.Restored, ", "))
	}
	if len(p.Manual) > 0 {
		fmt.Fprintf(w, "\nTo do by hand (%d):\n", len(p.Manual))
		for _, n := range p.Manual {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	if len(p.Cleanup) > 0 && p.Step == StepMove {
		fmt.Fprintf(w, "\nOnce Flux has applied step 2, delete what the cluster keeps that nothing prunes (%d):\n", len(p.Cleanup))
		for _, c := range p.Cleanup {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
	if len(p.Unseen) > 0 {
		fmt.Fprintf(w, "\nNOT SEEN: %d part(s) of the repository did not render, so what they hold is neither migrated nor checked:\n", len(p.Unseen))
		for _, pr := range p.Unseen {
			fmt.Fprintf(w, "  %s\n", pr)
		}
	}
	if len(p.Checks) > 0 {
		fmt.Fprintln(w, "\nChecked on the migrated tree, rendered again:")
		for _, c := range p.Checks {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
}

// countKinds says how many objects of each kind a list of moves holds.
func countKinds(moves []Move) string {
	n := map[string]int{}
	var kinds []string
	for _, m := range moves {
		if n[m.Kind] == 0 {
			kinds = append(kinds, m.Kind)
		}
		n[m.Kind]++
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", n[k], plural(k, n[k])))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// withoutStep drops "--step X" from a command line.
func withoutStep(command string) string {
	var out []string
	words := strings.Fields(command)
	for i := 0; i < len(words); i++ {
		switch {
		case words[i] == "--step":
			i++
		case strings.HasPrefix(words[i], "--step="):
		default:
			out = append(out, words[i])
		}
	}
	return strings.Join(out, " ")
}

func sortedChanges(m map[string]*Change) []*Change {
	var out []*Change
	for _, c := range m {
		if string(c.Old) != string(c.New) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// plural is a kind's name for n objects: HelmReleases, ImagePolicies.
func plural(kind string, n int) string {
	switch {
	case n == 1:
		return kind
	case strings.HasSuffix(kind, "y"):
		return strings.TrimSuffix(kind, "y") + "ies"
	}
	return kind + "s"
}
