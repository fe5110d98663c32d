package format

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// Width is the width text output is laid out for.
const Width = 100

// TextOptions say how to lay out text output.
type TextOptions struct {
	// Color marks severities and rule ids with ANSI colours.
	Color bool
}

// Text writes each finding as a header line "file:line:col: severity
// [rule]", the message wrapped at Width columns and indented, and a line
// naming the object and the chain of Flux Kustomizations that applies it.
// A word longer than a line (a path) is not split.
func Text(w io.Writer, ds []analysis.Diagnostic, opts TextOptions) error {
	for _, d := range ds {
		sev, rule := d.Severity.String(), "["+d.Rule+"]"
		if opts.Color {
			sev = colorOf(d.Severity) + sev + reset
			rule = dim + rule + reset
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s %s\n", d.Pos, sev, rule)
		for _, l := range wrap(d.Message, Width-4) {
			b.WriteString("    " + l + "\n")
		}
		if ctx := context(d); ctx != "" {
			if d.Object != nil {
				ctx = "at " + ctx
			}
			for i, l := range wrap(ctx, Width-6) {
				if i == 0 {
					b.WriteString("    " + l + "\n")
				} else {
					b.WriteString("      " + l + "\n")
				}
			}
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

const (
	reset = "\x1b[0m"
	dim   = "\x1b[2m"
)

func colorOf(s analysis.Severity) string {
	switch s {
	case analysis.Error:
		return "\x1b[1;31m"
	case analysis.Warning:
		return "\x1b[1;33m"
	}
	return "\x1b[1;36m"
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// context names the object and its chain: "HelmRelease nginx/nginx via
// cluster-config/cluster-config-infra".
func context(d analysis.Diagnostic) string {
	var parts []string
	if d.Object != nil {
		parts = append(parts, d.Object.ID())
	}
	if d.Kustomization != nil {
		parts = append(parts, "via "+d.Kustomization.LineageString())
	}
	return strings.Join(parts, " ")
}

// Summary is one line: "3 findings (1 error, 2 warnings)".
func Summary(ds []analysis.Diagnostic) string {
	counts := map[analysis.Severity]int{}
	for _, d := range ds {
		counts[d.Severity]++
	}
	var parts []string
	for _, s := range []analysis.Severity{analysis.Error, analysis.Warning, analysis.Info} {
		if n := counts[s]; n > 0 {
			name := s.String()
			if n > 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	switch len(ds) {
	case 0:
		return "no findings"
	case 1:
		return "1 finding (" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("%d findings (%s)", len(ds), strings.Join(parts, ", "))
}
