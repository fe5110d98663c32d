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
	fs.BoolP("diff", "d", true, "print a unified diff of the changes (the default)")
	checkOnly := fs.Bool("check", false, "exit 1 when a migration is still needed (for CI)")
	force := fs.Bool("force", false, "write the move even though Git does not suspend the HelmReleases (they are suspended in the cluster), and replace read-only or hard-linked files")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	if *step != string(migrate.StepMove) && *step != string(migrate.StepSuspend) {
		fmt.Fprintf(e.stderr, "fluxlint migrate: --step must be suspend or move, not %q\n", *step)
		return ExitError
	}
	dir, code, ok := pathArg(e, "migrate", rest)
	if !ok {
		return code
	}
	opts, _, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
		return ExitError
	}
	plan, err := migrate.Run(migrate.Options{Render: opts, Step: migrate.Step(*step)})
	if err != nil {
		var ve *migrate.VerifyError
		if errors.As(err, &ve) && plan != nil {
			plan.Explain(e.stderr, commandLine(args))
		}
		fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
		return ExitError
	}
	plan.Explain(e.stderr, commandLine(args))
	switch {
	case *checkOnly:
		for _, c := range plan.Changes {
			fmt.Fprintln(e.stdout, c.Path)
		}
		if plan.Needed() {
			return ExitFindings
		}
		return ExitOK
	case *list:
		for _, c := range plan.Changes {
			fmt.Fprintln(e.stdout, c.Path)
		}
		return ExitOK
	case *write:
		if plan.Step == migrate.StepMove && len(plan.NotSuspended) > 0 && !*force {
			fmt.Fprintln(e.stderr, "fluxlint migrate: nothing written: run step 1 (--step suspend) first, or pass --force if the HelmReleases are suspended in the cluster")
			return ExitError
		}
		if err := plan.Write(*force); err != nil {
			fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
			return ExitError
		}
		fmt.Fprintf(e.stderr, "wrote %d file(s)\n", len(plan.Changes))
		return ExitOK
	}
	if err := plan.Diff(e.stdout); err != nil {
		fmt.Fprintf(e.stderr, "fluxlint migrate: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// commandLine is how the user ran the command, for the instructions.
func commandLine(args []string) string {
	var kept []string
	for _, a := range args {
		switch a {
		case "-w", "--write", "-l", "--list", "-d", "--diff", "--check", "--force":
			continue
		}
		kept = append(kept, a)
	}
	return strings.TrimSpace("fluxlint migrate " + strings.Join(kept, " "))
}
