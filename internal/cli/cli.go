package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/fluxlint/fluxlint/internal/redact"
)

// Exit codes.
const (
	ExitOK       = 0 // nothing to report (at or above --fail-on)
	ExitFindings = 1 // findings, or a migration is needed (--check)
	ExitError    = 2 // fluxlint could not do its job
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// env is what a command runs with.
type env struct {
	// stdout and stderr mask every secret value in secrets: everything
	// fluxlint prints goes through them, or through output, which does too.
	stdout, stderr io.Writer
	secrets        *redact.Set
	// workDir is the directory relative paths are taken from ("" = the
	// process's working directory).
	workDir string
}

// newEnv makes the environment of a command that writes to stdout and
// stderr through the redaction layer.
func newEnv(stdout, stderr io.Writer) *env {
	set := redact.NewSet()
	return &env{stdout: redact.NewWriter(stdout, set), stderr: redact.NewWriter(stderr, set), secrets: set}
}

// output writes data to the file at path (relative to the working
// directory), through the redaction layer.
func (e *env) output(path string, data []byte) error {
	f, err := os.Create(e.abs(path))
	if err != nil {
		return err
	}
	_, err = redact.NewWriter(f, e.secrets).Write(data)
	return errors.Join(err, f.Close())
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		{"check", "render the repository and report findings (the default)", runCheck},
		{"render", "print every object Flux would apply, grouped by Kustomization", runRender},
		{"migrate", "move HelmReleases and their sources into the configuration namespace", runMigrate},
		{"rules", "list the rules, or print one rule's documentation", runRules},
		{"config", "print the effective configuration", runConfig},
		{"version", "print the version", runVersion},
		{"help", "print this help", nil},
	}
}

// Main runs fluxlint with args (without the program name) and returns the
// exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return mainIn(newEnv(stdout, stderr), args)
}

func mainIn(e *env, args []string) int {
	name := "check"
	switch {
	case len(args) > 0 && isCommand(args[0]):
		name, args = args[0], args[1:]
	case len(args) > 0 && (args[0] == "-h" || args[0] == "--help"):
		name = "help"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if c.run == nil {
			usage(e.stdout)
			return ExitOK
		}
		return c.run(e, args)
	}
	fmt.Fprintf(e.stderr, "fluxlint: unknown command %q\n", name)
	usage(e.stderr)
	return ExitError
}

func isCommand(s string) bool {
	for _, c := range commands() {
		if c.name == s {
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "fluxlint renders a Flux GitOps repository as Flux would, checks it, and migrates it to multi-tenancy.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: fluxlint [command] [flags] [PATH]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'fluxlint COMMAND --help' for the flags of a command.")
	fmt.Fprintln(w, "Exit codes: 0 nothing to report, 1 findings, 2 fluxlint could not do its job.")
}

// newFlagSet makes a flag set that reports its own errors to stderr.
func newFlagSet(e *env, name, args string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: fluxlint %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; ok is false when the command must stop, with code.
func parse(e *env, fs *pflag.FlagSet, args []string) (rest []string, code int, ok bool) {
	if err := fs.Parse(groupEntryArgs(args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, ExitOK, false
		}
		fmt.Fprintf(e.stderr, "fluxlint %s: %v\n", fs.Name(), err)
		return nil, ExitError, false
	}
	return fs.Args(), 0, true
}

func runVersion(e *env, args []string) int {
	fmt.Fprintf(e.stdout, "fluxlint %s\n", Version)
	return ExitOK
}
