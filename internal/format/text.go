package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// Text writes one finding per line as "file:line:col: severity: message
// [rule]", followed by an indented line naming the object and the chain of
// Flux Kustomizations that applies it.
func Text(w io.Writer, ds []analysis.Diagnostic) error {
	for _, d := range ds {
		if _, err := fmt.Fprintf(w, "%s: %s: %s [%s]\n", d.Pos, d.Severity, d.Message, d.Rule); err != nil {
			return err
		}
		if ctx := context(d); ctx != "" {
			fmt.Fprintf(w, "    %s\n", ctx)
		}
	}
	return nil
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
