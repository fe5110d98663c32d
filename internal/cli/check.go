package cli

import (
	"errors"
	"fmt"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/changes"
	"github.com/fluxlint/fluxlint/internal/check"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/format"
)

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	outFormat := fs.String("format", "text", "output format: text")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, info or none")
	newFrom := fs.String("new-from-rev", "", "report only findings on objects whose source changed since this git revision")
	staged := fs.Bool("staged", false, "report only findings in the files staged for commit (what the pre-commit hook runs)")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	fail, err := analyzers.ParseSeverity(*failOn)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: --fail-on: %v\n", err)
		return ExitError
	}
	if *outFormat != "text" {
		fmt.Fprintf(e.stderr, "fluxlint check: unknown --format %q\n", *outFormat)
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
	copts := check.Options{Render: opts, Config: cfg}
	switch {
	case *newFrom != "" && *staged:
		fmt.Fprintln(e.stderr, "fluxlint check: --new-from-rev and --staged do not go together")
		return ExitError
	case *newFrom != "":
		if copts.Changed, err = changes.Since(dir, *newFrom); err != nil {
			fmt.Fprintf(e.stderr, "fluxlint check: --new-from-rev: %v\n", err)
			return ExitError
		}
		copts.RenderProblemsToo = true
	case *staged:
		if copts.Changed, err = changes.Staged(dir); err != nil {
			fmt.Fprintf(e.stderr, "fluxlint check: --staged: %v\n", err)
			return ExitError
		}
	}
	rep, err := check.Run(copts)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(e.stderr, "%v\n", err)
		} else {
			fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		}
		return ExitError
	}
	if err := format.Text(e.stdout, rep.Diagnostics); err != nil {
		fmt.Fprintf(e.stderr, "fluxlint check: %v\n", err)
		return ExitError
	}
	fmt.Fprintln(e.stderr, format.Summary(rep.Diagnostics))
	if rep.Failing(fail) {
		return ExitFindings
	}
	return ExitOK
}
