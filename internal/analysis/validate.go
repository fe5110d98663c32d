package analysis

import (
	"fmt"
	"regexp"
	"strings"
)

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks that the rules are well formed: kebab-case unique ids,
// documentation with a one-line summary and a why, a severity and a run
// function each.
func Validate(list []*Analyzer) error {
	seen := map[string]bool{}
	for _, a := range list {
		switch {
		case !kebab.MatchString(a.Name):
			return fmt.Errorf("rule %q: the id must be kebab-case", a.Name)
		case seen[a.Name]:
			return fmt.Errorf("rule %q is listed twice", a.Name)
		case a.Doc.Summary == "" || strings.HasSuffix(a.Doc.Summary, ".") || strings.Contains(a.Doc.Summary, "\n"):
			return fmt.Errorf("rule %q: the summary must be one line without a final period", a.Name)
		case strings.TrimSpace(a.Doc.Why) == "":
			return fmt.Errorf("rule %q: its documentation says not why it matters", a.Name)
		case a.Severity < Info || a.Severity > Error:
			return fmt.Errorf("rule %q has no default severity", a.Name)
		case a.Run == nil && a.ReportedBy == "":
			return fmt.Errorf("rule %q has no run function", a.Name)
		case a.Run != nil && a.ReportedBy != "":
			return fmt.Errorf("rule %q is reported by %s and has a run function too", a.Name, a.ReportedBy)
		}
		seen[a.Name] = true
	}
	return nil
}
