package cli

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/format"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/version"
)

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	outFormat := fs.String("format", "text", "output format: text, json, sarif, github or markdown")
	output := fs.String("output", "", "write the findings to this file instead of standard output")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, info or none")
	newFrom := fs.String("new-from-rev", "", "report only the findings on objects whose rendered content changed since the merge base of HEAD and this revision, and the render problems the change brings")
	staged := fs.Bool("staged", false, "check what is staged for commit and report only the findings on objects it changes from HEAD (what the pre-commit hook runs)")
	baselineFile := fs.String("baseline", "", "report only the findings that this baseline file does not record, and the entries of it that match nothing")
	writeBaseline := fs.String("write-baseline", "", "record today's findings in this file, for --baseline")
	pathPrefix := fs.String("path-prefix", "", "put this path in front of every file name reported (when PATH is a subfolder of the repository the report is read from)")
	colorMode := fs.String("color", "auto", "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	fail, err := failLevel(*failOn)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		return ExitError
	}
	color, err := e.useColor(*colorMode)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		return ExitError
	}
	switch *outFormat {
	case "text", "json", "sarif", "github", "markdown":
	default:
		fmt.Fprintf(e.stderr, "fluxlint check: unknown --format %q (text, json, sarif, github or markdown)\n", *outFormat)
		return ExitError
	}
	dir, code, ok := pathArg(e, "check", rest)
	if !ok {
		return code
	}
	opts, cfg, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		return ExitError
	}
	copts := lint.Options{Render: opts, Config: cfg, Suite: analyzers.All, Profile: rf.overrides()}
	var rep *lint.Report
	switch {
	case *newFrom != "" && *staged:
		fmt.Fprintln(e.stderr, "fluxlint check: --new-from-rev and --staged do not go together")
		return ExitError
	case *newFrom != "" || *staged:
		rep, code, ok = changedOnly(e, &rf, opts, cfg, dir, *newFrom, *staged)
		if !ok {
			return code
		}
	default:
		var baseline *lint.Baseline
		if *baselineFile != "" {
			fps, err := readBaseline(e.abs(*baselineFile))
			if err != nil {
				fmt.Fprintf(e.stderr, "fluxlint check: --baseline: %v\n", err)
				return ExitError
			}
			baseline = &lint.Baseline{Fingerprints: fps, Seen: map[string]bool{}}
			copts.Filters = append(copts.Filters, *baseline)
		}
		if rep, err = lint.Run(copts); err != nil {
			var ce *config.Error
			if errors.As(err, &ce) {
				fmt.Fprintf(e.stderr, "%v\n", err)
			} else {
				fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
			}
			return ExitError
		}
		if baseline != nil {
			rep.Diagnostics = analysis.Sort(append(rep.Diagnostics, staleBaseline(*baselineFile, e.abs(*baselineFile), baseline)...))
		}
		if *writeBaseline != "" {
			if err := e.writeBaseline(*writeBaseline, rep.Diagnostics); err != nil {
				fmt.Fprintf(e.stderr, "fluxlint check: --write-baseline: %v\n", err)
				return ExitError
			}
		}
	}
	if rf.refuseEmpty(e, "check", rep.Result) {
		return ExitError
	}
	var buf bytes.Buffer
	ds := format.WithPathPrefix(rep.Diagnostics, *pathPrefix)
	switch *outFormat {
	case "json":
		err = format.JSON(&buf, ds, version.Short())
	case "sarif":
		err = format.SARIF(&buf, ds, analyzers.All, version.Short())
	case "github":
		err = format.GitHub(&buf, ds)
	case "markdown":
		err = format.Markdown(&buf, ds)
	default:
		err = format.Text(&buf, ds, format.TextOptions{Color: color && *output == ""})
	}
	if err == nil {
		if *output != "" {
			err = e.output(*output, buf.Bytes())
		} else {
			_, err = e.stdout.Write(buf.Bytes())
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		return ExitError
	}
	fmt.Fprintln(e.stderr, format.Summary(rep.Diagnostics))
	if rep.Failing(fail) {
		return ExitFindings
	}
	return ExitOK
}

// failLevel reads --fail-on.
func failLevel(s string) (analysis.Severity, error) {
	switch s {
	case "error":
		return analysis.Error, nil
	case "warning":
		return analysis.Warning, nil
	case "info":
		return analysis.Info, nil
	case "none":
		return analysis.Off, nil
	}
	return analysis.Off, fmt.Errorf("--fail-on must be error, warning, info or none, not %q", s)
}
