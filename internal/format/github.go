package format

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// GitHub writes one GitHub Actions workflow command per finding, which
// GitHub shows as an annotation on the finding's line:
//
//	::error file=F,line=L,col=C,endLine=L,endColumn=C,title=fluxlint RULE::MESSAGE
//
// Warnings are ::warning and info findings ::notice. The object and the
// chain of Flux Kustomizations follow the message on a second line.
func GitHub(w io.Writer, ds []analysis.Diagnostic) error {
	for _, d := range ds {
		var props []string
		prop := func(name, value string) {
			props = append(props, name+"="+githubProperty.Replace(value))
		}
		if d.Pos.File != "" {
			prop("file", d.Pos.File)
		}
		if d.Pos.Line > 0 {
			prop("line", strconv.Itoa(d.Pos.Line))
			if d.Pos.Col > 0 {
				prop("col", strconv.Itoa(d.Pos.Col))
			}
			if d.End.Line > 0 {
				prop("endLine", strconv.Itoa(d.End.Line))
				if d.End.Col > 0 {
					prop("endColumn", strconv.Itoa(d.End.Col))
				}
			}
		}
		prop("title", "fluxlint "+d.Rule)
		msg := d.Message
		if ctx := context(d); ctx != "" {
			msg += "\n" + ctx
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", githubCommand(d.Severity), strings.Join(props, ","), githubData.Replace(msg)); err != nil {
			return err
		}
	}
	return nil
}

// githubCommand is the workflow command for a severity.
func githubCommand(s analysis.Severity) string {
	switch s {
	case analysis.Error:
		return "error"
	case analysis.Warning:
		return "warning"
	}
	return "notice"
}

// Escapes of a workflow command's message and of its property values, as
// the runner decodes them.
var (
	githubData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
