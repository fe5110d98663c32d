package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
)

func runRules(e *env, args []string) int {
	fs := newFlagSet(e, "rules", "[RULE]")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	switch len(rest) {
	case 0:
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RULE\tSEVERITY\tWHAT IT FINDS")
		for _, a := range analyzers.All {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, a.Severity, a.Doc.Summary)
		}
		tw.Flush()
		return ExitOK
	case 1:
		a := analysis.ByName(analyzers.All, rest[0])
		if a == nil {
			fmt.Fprintf(e.stderr, "fluxlint rules: no rule %q; 'fluxlint rules' lists them\n", rest[0])
			return ExitError
		}
		analysis.WriteDoc(e.stdout, a)
		return ExitOK
	}
	fmt.Fprintln(e.stderr, "fluxlint rules: want at most one RULE")
	return ExitError
}
