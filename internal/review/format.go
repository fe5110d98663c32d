package review

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/format"
)

// Counts says how many objects are added, removed and changed.
func (r *Result) Counts() (added, removed, changed int) {
	for _, g := range r.Groups {
		added += len(g.Added)
		removed += len(g.Removed)
		changed += len(g.Changed)
	}
	return
}

func (r *Result) summary() string {
	a, rm, c := r.Counts()
	return fmt.Sprintf("%d added, %d changed, %d removed; %d finding(s) introduced, %d fixed", a, c, rm, len(r.Introduced), len(r.Fixed))
}

func groupName(g Group) string {
	if g.Kustomization == "" {
		return "entry points"
	}
	return "Kustomization " + g.Kustomization
}

func removedFate(c Change) string {
	if c.Pruned {
		return "deleted from the cluster (its Kustomization prunes)"
	}
	return "left in the cluster (its Kustomization does not prune)"
}

// Text writes the review for a terminal.
func (r *Result) Text(w io.Writer, color bool) error {
	var b strings.Builder
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + "\x1b[0m"
	}
	fmt.Fprintf(&b, "fluxlint diff: %s -> %s\n%s\n", r.Base.Rev, r.Head.Rev, r.summary())
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n%s\n", paint("\x1b[1m", groupName(g)))
		for _, c := range g.Added {
			fmt.Fprintf(&b, "  %s %s\n", paint("\x1b[32m", "added  "), c.ID())
		}
		for _, c := range g.Removed {
			fmt.Fprintf(&b, "  %s %s: %s\n", paint("\x1b[31m", "removed"), c.ID(), removedFate(c))
		}
		for _, c := range g.Changed {
			if c.SecretOnly {
				fmt.Fprintf(&b, "  %s %s: a Secret value changed (values are never shown)\n", paint("\x1b[33m", "changed"), c.ID())
				continue
			}
			fmt.Fprintf(&b, "  %s %s\n", paint("\x1b[33m", "changed"), c.ID())
			for _, l := range strings.Split(c.Diff, "\n") {
				switch {
				case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
					l = paint("\x1b[32m", l)
				case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
					l = paint("\x1b[31m", l)
				}
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	if len(r.Introduced) > 0 {
		fmt.Fprintf(&b, "\nFindings this change introduces (%d):\n", len(r.Introduced))
		if err := format.Text(&b, r.Introduced, format.TextOptions{Color: color}); err != nil {
			return err
		}
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(&b, "\nFindings this change fixes (%d):\n", len(r.Fixed))
		if err := format.Text(&b, r.Fixed, format.TextOptions{Color: color}); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JSONVersion is the version of the JSON document Diff writes.
const JSONVersion = 1

type jsonReview struct {
	Version    int                  `json:"version"`
	Base       string               `json:"base"`
	Head       string               `json:"head"`
	Groups     []jsonGroup          `json:"kustomizations"`
	Introduced []format.JSONFinding `json:"introduced"`
	Fixed      []format.JSONFinding `json:"fixed"`
}

type jsonGroup struct {
	Kustomization string       `json:"kustomization"`
	Added         []jsonChange `json:"added"`
	Removed       []jsonChange `json:"removed"`
	Changed       []jsonChange `json:"changed"`
}

type jsonChange struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	Diff       string `json:"diff,omitempty"`
	SecretOnly bool   `json:"secretValuesOnly,omitempty"`
	Pruned     *bool  `json:"deletedFromCluster,omitempty"`
}

// JSON writes the review as JSON (docs/json-format.md).
func (r *Result) JSON(w io.Writer) error {
	out := jsonReview{Version: JSONVersion, Base: r.Base.Rev, Head: r.Head.Rev, Groups: []jsonGroup{},
		Introduced: format.JSONFindings(r.Introduced), Fixed: format.JSONFindings(r.Fixed)}
	conv := func(l []Change, removed bool) []jsonChange {
		res := []jsonChange{}
		for _, c := range l {
			jc := jsonChange{APIVersion: c.APIVersion, Kind: c.Kind, Namespace: c.Namespace, Name: c.Name, Diff: c.Diff, SecretOnly: c.SecretOnly}
			if removed {
				p := c.Pruned
				jc.Pruned = &p
			}
			res = append(res, jc)
		}
		return res
	}
	for _, g := range r.Groups {
		out.Groups = append(out.Groups, jsonGroup{Kustomization: g.Kustomization, Added: conv(g.Added, false), Removed: conv(g.Removed, true), Changed: conv(g.Changed, false)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// Marker starts every comment Markdown writes, so that a workflow finds
// and updates its own comment instead of adding one per push.
const Marker = "<!-- fluxlint -->"

// CommentLimit is the most characters GitHub takes in a comment.
const CommentLimit = 65536

// Markdown writes the review as a pull request comment of at most limit
// characters: a summary, the findings delta, and a collapsed section per
// Kustomization. What does not fit is left out and named, with the
// command that shows it.
func (r *Result) Markdown(w io.Writer, limit int, command string) error {
	if limit <= 0 {
		limit = CommentLimit
	}
	var head strings.Builder
	fmt.Fprintf(&head, "%s\n### fluxlint diff\n\n`%s` → `%s`: %s\n", Marker, r.Base.Rev, r.Head.Rev, r.summary())
	if len(r.Introduced) > 0 {
		fmt.Fprintf(&head, "\n**Findings this change introduces (%d)**\n\n", len(r.Introduced))
		writeFindings(&head, r.Introduced)
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(&head, "\n**Findings this change fixes (%d)**\n\n", len(r.Fixed))
		writeFindings(&head, r.Fixed)
	}
	sections := make([]string, 0, len(r.Groups))
	for _, g := range r.Groups {
		var s strings.Builder
		fmt.Fprintf(&s, "\n<details><summary>%s: %d added, %d changed, %d removed</summary>\n\n", escape(groupName(g)), len(g.Added), len(g.Changed), len(g.Removed))
		for _, c := range g.Added {
			fmt.Fprintf(&s, "- added `%s`\n", c.ID())
		}
		for _, c := range g.Removed {
			fmt.Fprintf(&s, "- removed `%s`: %s\n", c.ID(), removedFate(c))
		}
		for _, c := range g.Changed {
			if c.SecretOnly {
				fmt.Fprintf(&s, "- changed `%s`: a Secret value changed (values are never shown)\n", c.ID())
				continue
			}
			fmt.Fprintf(&s, "- changed `%s`\n\n```diff\n%s\n```\n", c.ID(), strings.ReplaceAll(c.Diff, "```", "`\u200b``"))
		}
		s.WriteString("\n</details>\n")
		sections = append(sections, s.String())
	}
	out := head.String()
	left := 0
	for i, sec := range sections {
		// Leave room for the note on what was left out.
		if len(out)+len(sec) > limit-600 {
			left = len(sections) - i
			break
		}
		out += sec
	}
	if left > 0 {
		var names []string
		for _, g := range r.Groups[len(r.Groups)-left:] {
			names = append(names, g.Kustomization)
			if len(strings.Join(names, ", ")) > 300 {
				names = append(names, "...")
				break
			}
		}
		out += fmt.Sprintf("\n**%d Kustomization(s) left out** to keep this comment under %d characters (%s). Run `%s` to see everything.\n",
			left, limit, escape(strings.Join(names, ", ")), command)
	}
	for len(out) > limit {
		// Only when the findings alone exceed the limit; cut at a
		// character boundary.
		out = strings.ToValidUTF8(out[:limit], "")
	}
	_, err := io.WriteString(w, out)
	return err
}

// maxRows is the most findings a comment lists in one table.
const maxRows = 50

func writeFindings(b *strings.Builder, ds []analysis.Diagnostic) {
	b.WriteString("| Severity | Rule | Where | Finding |\n|---|---|---|---|\n")
	for i, d := range ds {
		if i == maxRows {
			fmt.Fprintf(b, "\n%d more not listed here.\n", len(ds)-maxRows)
			break
		}
		fmt.Fprintf(b, "| %s | `%s` | `%s` | %s |\n", d.Severity, d.Rule, escape(d.Pos.String()), escape(d.Message))
	}
}

var escaper = strings.NewReplacer("|", `\|`, "\n", "<br>", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }
