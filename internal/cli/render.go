package cli

import (
	"fmt"

	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

func runRender(e *env, args []string) int {
	fs := newFlagSet(e, "render", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	format := fs.String("format", "yaml", "output format: yaml or json")
	only := fs.String("only", "", "print only what the Flux Kustomization NAMESPACE/NAME produces, recursively")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(e.stderr, "fluxlint render: unknown --format %q (yaml or json)\n", *format)
		return ExitError
	}
	dir, code, ok := pathArg(e, "render", rest)
	if !ok {
		return code
	}
	opts, cfg, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint render: %v\n", err)
		return ExitError
	}
	res, err := render.Render(opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint render: %v\n", err)
		return ExitError
	}
	if rf.refuseEmpty(e, "render", res) {
		return ExitError
	}
	groups, found := res.Groups(*only)
	if !found {
		fmt.Fprintf(e.stderr, "fluxlint render: no Flux Kustomization %s was rendered\n", *only)
		return ExitError
	}
	profiles, err := profile.Derive(res, cfg.Overrides(rf.overrides()))
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint render: %v\n", err)
		return ExitError
	}
	var problems []render.Problem
	for _, p := range res.Problems {
		if p.InScope(*only) && profiles.Applies(p) {
			problems = append(problems, p)
		}
	}
	if *format == "json" {
		err = render.WriteJSON(e.stdout, res, groups, problems)
	} else {
		err = render.WriteYAML(e.stdout, res, groups)
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint render: %v\n", err)
		return ExitError
	}
	for _, p := range problems {
		if p.Blocking() {
			return ExitError
		}
	}
	return ExitOK
}

// pathArg returns the repository path argument (default ".").
func pathArg(e *env, cmd string, rest []string) (string, int, bool) {
	switch len(rest) {
	case 0:
		return e.abs("."), 0, true
	case 1:
		return e.abs(rest[0]), 0, true
	}
	fmt.Fprintf(e.stderr, "fluxlint %s: want at most one PATH, got %d\n", cmd, len(rest))
	return "", ExitError, false
}
