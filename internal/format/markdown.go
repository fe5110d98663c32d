package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// Markdown writes the findings as a Markdown table, for a job summary or a
// pull request comment: severity, rule, place and message, one row each,
// under a heading that counts them.
func Markdown(w io.Writer, ds []analysis.Diagnostic) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### fluxlint: %s\n\n", Summary(ds))
	if len(ds) > 0 {
		b.WriteString("| Severity | Rule | Where | Finding |\n|---|---|---|---|\n")
		for _, d := range ds {
			where := d.Pos.String()
			msg := d.Message
			if ctx := context(d); ctx != "" {
				msg += " (" + ctx + ")"
			}
			fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", d.Severity, d.Rule, markdownCell.Replace(where), markdownCell.Replace(msg))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownCell keeps a table cell one cell: pipes are escaped, line breaks
// become <br>, and HTML is not let through.
var markdownCell = strings.NewReplacer("|", `\|`, "\r\n", "<br>", "\n", "<br>", "<", "&lt;", ">", "&gt;", "`", "'")

// WithPathPrefix puts prefix in front of the file of every position of the
// findings, for a report read from a directory above the one checked (a
// GitHub workflow checking a subfolder reports paths from the repository
// root). Positions that name no file of the tree are left alone.
func WithPathPrefix(ds []analysis.Diagnostic, prefix string) []analysis.Diagnostic {
	if prefix == "" {
		return ds
	}
	prefix = strings.TrimSuffix(prefix, "/") + "/"
	fix := func(f string) string {
		if f == "" || strings.HasPrefix(f, "/") || strings.HasPrefix(f, "-") {
			return f
		}
		return prefix + f
	}
	out := make([]analysis.Diagnostic, len(ds))
	for i, d := range ds {
		d.Pos.File = fix(d.Pos.File)
		d.End.File = fix(d.End.File)
		if len(d.Related) > 0 {
			rel := make([]analysis.Related, len(d.Related))
			for j, r := range d.Related {
				r.Pos.File = fix(r.Pos.File)
				rel[j] = r
			}
			d.Related = rel
		}
		if len(d.Fixes) > 0 {
			fixes := make([]analysis.SuggestedFix, len(d.Fixes))
			for j, f := range d.Fixes {
				reps := make([]analysis.Replacement, len(f.Replacements))
				for k, r := range f.Replacements {
					r.File = fix(r.File)
					r.Start.File = fix(r.Start.File)
					r.End.File = fix(r.End.File)
					reps[k] = r
				}
				f.Replacements = reps
				fixes[j] = f
			}
			d.Fixes = fixes
		}
		out[i] = d
	}
	return out
}
