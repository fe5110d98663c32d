package cli

import (
	"errors"
	"fmt"

	"github.com/fluxlint/fluxlint/analyzers"
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
	rep, err := check.Run(check.Options{Render: opts, Config: cfg})
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
