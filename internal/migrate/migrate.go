package migrate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
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
}

// Plan is what a migration changes, and what it leaves to a person.
type Plan struct {
	Step            Step
	ConfigNamespace string
	// Changes are the files to rewrite, sorted by path.
	Changes []*Change
	// Moves are the objects that move (or, in the suspend step, the
	// HelmReleases that get suspended).
	Moves []Move
	// Manual lists what could not be edited safely, with where and why.
	Manual []Note
	// Identities are the release identities of every HelmRelease, before
	// and after.
	Identities []Identity
	// NotSuspended are the HelmReleases that move although Git does not
	// suspend them: applying the move before they were suspended in the
	// cluster would uninstall their releases.
	NotSuspended []string
	// Unsuspended are the moved HelmReleases whose suspend: true the move
	// takes away.
	Unsuspended []string
	// RenderErrors counts the problems that kept parts of the repository
	// from rendering: what is in them is not migrated.
	RenderErrors []render.Problem
	// Checks are the verifications made on the migrated tree.
	Checks []string

	repo *load.Repo
}

// Change is one file to rewrite.
type Change struct {
	Path     string // relative to the repository
	Old, New []byte
}

// Move is one object that moves.
type Move struct {
	Kind     string
	From, To string // namespace/name
	Why      string
}

// Note is something left to a person.
type Note struct {
	Pos     load.Pos
	Object  string
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

// Run plans a migration step and checks it. It writes nothing.
func Run(opts Options) (*Plan, error) {
	if opts.Render.ConfigNamespace == "" {
		return nil, fmt.Errorf("the configuration namespace is required (--config-namespace or configNamespace: in .fluxlint.yaml)")
	}
	if opts.Step == "" {
		opts.Step = StepMove
	}
	res, err := render.Render(opts.Render)
	if err != nil {
		return nil, err
	}
	p := newPlanner(opts, res)
	plan, err := p.plan()
	if err != nil {
		return nil, err
	}
	if err := verify(opts, res, plan, p); err != nil {
		return plan, err
	}
	return plan, nil
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
	hrs := 0
	for _, m := range p.Moves {
		if m.Kind == flux.KindHelmRelease {
			hrs++
		}
	}
	switch {
	case p.Step == StepSuspend && len(p.Moves) == 0 && len(p.Manual) == 0:
		fmt.Fprintf(w, "Nothing to suspend: every HelmRelease is in %s already, or already suspended.\n", ns)
	case p.Step == StepSuspend:
		fmt.Fprintf(w, "Step 1 of 2: suspend the %d HelmRelease(s) that will move into %s.\n\n", len(p.Moves), ns)
		fmt.Fprintln(w, "Moving a HelmRelease to another namespace deletes the old object and creates a new one.")
		fmt.Fprintln(w, "helm-controller uninstalls the release of a HelmRelease that is deleted while it is not")
		fmt.Fprintln(w, "suspended, so the old objects must be suspended in the cluster before they are deleted.")
		fmt.Fprintln(w, "Commit this change, push it, and wait until Flux has applied it (flux get helmreleases -A")
		fmt.Fprintln(w, "shows them suspended). Nothing is upgraded or uninstalled meanwhile. Then run")
		fmt.Fprintf(w, "  %s\nfor step 2, which moves them.\n", withoutStep(command))
	case len(p.Moves) == 0 && len(p.Manual) == 0:
		fmt.Fprintf(w, "Nothing to migrate: the HelmReleases and their sources are in %s.\n", ns)
	case len(p.Moves) == 0:
		fmt.Fprintf(w, "Nothing can move into %s without a person: see below.\n", ns)
	default:
		fmt.Fprintf(w, "Step 2 of 2: move %d HelmRelease(s) and %d source(s) into %s.\n\n", hrs, len(p.Moves)-hrs, ns)
		fmt.Fprintln(w, "Each HelmRelease keeps its release name, release namespace (targetNamespace) and storage")
		fmt.Fprintln(w, "namespace, so helm-controller adopts the existing release with an upgrade instead of")
		fmt.Fprintln(w, "installing a second one. The old objects are pruned; since they were suspended, that does")
		fmt.Fprintln(w, "not uninstall anything. Commit this change after step 1 has been applied.")
		if len(p.NotSuspended) > 0 {
			fmt.Fprintf(w, "\nWARNING: Git does not suspend %s.\n", strings.Join(p.NotSuspended, ", "))
			fmt.Fprintln(w, "Unless they are suspended in the cluster, applying this change uninstalls their releases.")
			fmt.Fprintf(w, "Run %s --step suspend first.\n", withoutStep(command))
		}
	}
	if len(p.Moves) > 0 {
		fmt.Fprintln(w)
		for _, m := range p.Moves {
			line := fmt.Sprintf("  %-15s %s -> %s", m.Kind, m.From, m.To)
			if m.Why != "" {
				line += "  (" + m.Why + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(p.Unsuspended) > 0 {
		fmt.Fprintf(w, "\nspec.suspend: true is taken away from %s, which step 1 suspended.\n", strings.Join(p.Unsuspended, ", "))
	}
	if len(p.Manual) > 0 {
		fmt.Fprintf(w, "\nTo do by hand (%d):\n", len(p.Manual))
		for _, n := range p.Manual {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	if len(p.RenderErrors) > 0 {
		fmt.Fprintf(w, "\n%d part(s) of the repository did not render (run fluxlint render); what they hold is not migrated.\n", len(p.RenderErrors))
	}
	if len(p.Checks) > 0 {
		fmt.Fprintln(w, "\nChecked on the migrated tree, rendered again:")
		for _, c := range p.Checks {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
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
