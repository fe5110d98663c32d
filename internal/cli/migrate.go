package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fluxlint/fluxlint/internal/migrate"
)

func runMigrate(e *env, args []string) int {
	fs := newFlagSet(e, "migrate", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	step := fs.String("step", "move", "which commit to produce: suspend (step 1) or move (step 2)")
	write := fs.BoolP("write", "w", false, "write the changes to the files")
	list := fs.BoolP("list", "l", false, "list the files that would change")
	diff := fs.BoolP("diff", "d", false, "print a unified diff of the changes (what it does without -w, -l, --check or --plan)")
	checkOnly := fs.Bool("check", false, "exit 1 when a migration is still needed (for CI)")
	planOnly := fs.Bool("plan", false, "print the lockdown readiness plan: what lockdown refuses today, what the two steps change, what needs a person, and the cleanup after step 2")
	format := fs.String("format", "text", "output format of the plan: text or json")
	force := fs.Bool("force", false, "write the move even though Git does not make the old objects safe to delete (step 1 was applied in the cluster by hand), and replace read-only or hard-linked files")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	if *step != string(migrate.StepMove) && *step != string(migrate.StepSuspend) {
		fmt.Fprintf(e.stderr, "fluxlint migrate: --step must be suspend or move, not %q\n", *step)
		return ExitError
	}
	modes := 0
	for _, on := range []bool{*write, *list, *diff, *checkOnly, *planOnly} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		fmt.Fprintln(e.stderr, "fluxlint migrate: -w, -l, -d, --check and --plan go one at a time")
		return ExitError
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "fluxlint migrate: --format must be text or json, not %q\n", *format)
		return ExitError
	}
	dir, code, ok := pathArg(e, "migrate", rest)
	if !ok {
		return code
	}
	opts, cfg, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
		return ExitError
	}
	s := migrate.Step(*step)
	if *planOnly {
		s = migrate.StepMove
	}
	plan, err := migrate.Run(migrate.Options{Render: opts, Step: s, Profile: cfg.Overrides(rf.overrides())})
	if err != nil {
		var ve *migrate.VerifyError
		if errors.As(err, &ve) && plan != nil {
			plan.Explain(e.stderr, commandLine(args))
		}
		fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
		return ExitError
	}
	incomplete := func() int {
		fmt.Fprintf(e.stderr, "fluxlint migrate: %d part(s) of the repository did not render (listed above); fix them and run again\n", len(plan.Unseen))
		return ExitError
	}
	if *planOnly || *format == "json" {
		if *format == "json" {
			if err := plan.JSON(e.stdout); err != nil {
				fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
				return ExitError
			}
		} else {
			plan.Readiness(e.stdout, commandLine(args))
		}
		switch {
		case !plan.Complete():
			return ExitError
		case len(plan.LockdownBefore) > 0 || plan.Needed():
			return ExitFindings
		}
		return ExitOK
	}
	plan.Explain(e.stderr, commandLine(args))
	switch {
	case *checkOnly:
		for _, c := range plan.Changes {
			fmt.Fprintln(e.stdout, c.Path)
		}
		if !plan.Complete() {
			return incomplete()
		}
		if plan.Needed() {
			return ExitFindings
		}
		return ExitOK
	case *list:
		for _, c := range plan.Changes {
			fmt.Fprintln(e.stdout, c.Path)
		}
	case *write:
		if !plan.Complete() {
			fmt.Fprintln(e.stderr, "fluxlint migrate: nothing written")
			return incomplete()
		}
		if plan.Step == migrate.StepMove && len(plan.NotSafe) > 0 && !*force {
			fmt.Fprintln(e.stderr, "fluxlint migrate: nothing written: run step 1 (--step suspend) first, or pass --force if the objects are safe to delete in the cluster")
			return ExitError
		}
		if err := plan.Write(*force); err != nil {
			fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
			return ExitError
		}
		fmt.Fprintf(e.stderr, "wrote %d file(s)\n", len(plan.Changes))
	default:
		if err := plan.Diff(e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
			return ExitError
		}
	}
	if !plan.Complete() {
		return incomplete()
	}
	return ExitOK
}

// commandLine is how the user ran the command, for the instructions.
func commandLine(args []string) string {
	var kept []string
	for _, a := range args {
		switch a {
		case "-w", "--write", "-l", "--list", "-d", "--diff", "--check", "--force", "--plan":
			continue
		}
		kept = append(kept, a)
	}
	return strings.TrimSpace("fluxlint migrate " + strings.Join(kept, " "))
}
