package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fluxlint/fluxlint/internal/redact"
	"github.com/fluxlint/fluxlint/internal/version"
)

// Exit codes.
const (
	ExitOK       = 0 // nothing to report (at or above --fail-on)
	ExitFindings = 1 // findings, or a migration is needed (--check)
	ExitError    = 2 // fluxlint could not do its job
)

// env is what a command runs with.
type env struct {
	// stdout and stderr mask every secret value in secrets: everything
	// fluxlint prints goes through them, or through output, which does too.
	stdout, stderr io.Writer
	secrets        *redact.Set
	// workDir is the directory relative paths are taken from ("" = the
	// process's working directory).
	workDir string
	// capture, when set, collects a command's flags instead of running it
	// (for shell completion).
	capture *pflag.FlagSet
	// terminal is set when standard output is a terminal.
	terminal bool
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
		{"diff", "what a change does in the cluster, and the findings it brings and fixes", runDiff},
		{"migrate", "move every Flux object into the configuration namespace, in two steps", runMigrate},
		{"charts", "charts pull [PATH]: fetch the charts the HelmReleases use into the chart cache (the one command that uses the network)", runCharts},
		{"rules", "list the rules, or print one rule's documentation", runRules},
		{"config", "print the effective configuration and the installation it shows", runConfig},
		{"version", "print the version", runVersion},
		{"completion", "print a shell completion script: bash, zsh or fish", nil},
		{"help", "print this help", nil},
	}
}

// Main runs fluxlint with args (without the program name) and returns the
// exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	terminal := false
	if f, ok := stdout.(*os.File); ok {
		fi, err := f.Stat()
		terminal = err == nil && fi.Mode()&os.ModeCharDevice != 0
		if !terminal {
			// A pipe or a file takes the output in large writes: a render
			// of thousands of objects otherwise makes a system call each.
			b := bufio.NewWriterSize(f, 64<<10)
			defer b.Flush()
			stdout = b
		}
	}
	e := newEnv(stdout, stderr)
	e.terminal = terminal
	return mainIn(e, args)
}

// useColor decides --color: always, never, or auto, which colours a
// terminal unless NO_COLOR is set (https://no-color.org) or TERM is dumb.
func (e *env) useColor(mode string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return e.terminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb", nil
	}
	return false, fmt.Errorf("--color must be auto, always or never, not %q", mode)
}

func mainIn(e *env, args []string) int {
	name := "check"
	switch {
	case len(args) > 0 && (args[0] == "completion" || strings.HasPrefix(args[0], "__complete")):
		return complete(e, args)
	case len(args) > 0 && isCommand(args[0]):
		name, args = args[0], args[1:]
	case len(args) > 0 && (args[0] == "-h" || args[0] == "--help"):
		name = "help"
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-v"):
		name, args = "version", args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		// A word that is neither a command nor a path is a mistyped command.
		if _, err := os.Stat(e.abs(args[0])); err != nil {
			if s := suggest(args[0]); s != "" {
				fmt.Fprintf(e.stderr, "fluxlint: unknown command %q (did you mean %s?)\n", args[0], s)
				return ExitError
			}
		}
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if c.run == nil {
			if len(args) > 0 && isCommand(args[0]) && args[0] != "help" && args[0] != "completion" {
				for _, sub := range commands() {
					if sub.name == args[0] && sub.run != nil {
						return sub.run(e, []string{"--help"})
					}
				}
			}
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

// suggest is the command a mistyped word most likely meant, or "".
func suggest(word string) string {
	best, bestD := "", 3
	for _, c := range commands() {
		d := distance(strings.ToLower(word), c.name)
		if d < bestD || (strings.HasPrefix(c.name, strings.ToLower(word)) && len(word) >= 2 && bestD > 0) {
			best, bestD = c.name, d
			if strings.HasPrefix(c.name, strings.ToLower(word)) {
				bestD = 0
			}
		}
	}
	return best
}

// distance is the Levenshtein distance between two words.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "fluxlint renders a Flux GitOps repository as Flux would, checks it, and migrates it to multi-tenancy.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: fluxlint [command] [flags] [PATH]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'fluxlint COMMAND --help' for the flags of a command.")
	fmt.Fprintln(w, "Exit codes: 0 nothing to report, 1 findings, 2 fluxlint could not do its job.")
}

// newFlagSet makes a command's flag set. Its usage goes to stdout when
// asked for with --help, and errors to stderr.
func newFlagSet(e *env, name, args string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.Usage = func() {}
	usageLine[fs] = fmt.Sprintf("Usage: fluxlint %s [flags] %s", name, args)
	return fs
}

// usageLine is each flag set's usage line.
var usageLine = map[*pflag.FlagSet]string{}

// parse parses args; ok is false when the command must stop, with code.
func parse(e *env, fs *pflag.FlagSet, args []string) (rest []string, code int, ok bool) {
	if e.capture != nil {
		e.capture.AddFlagSet(fs)
		return nil, ExitOK, false
	}
	if err := fs.Parse(groupEntryArgs(args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(e.stdout, "%s\n\nFlags:\n%s", usageLine[fs], fs.FlagUsagesWrapped(100))
			return nil, ExitOK, false
		}
		fmt.Fprintf(e.stderr, "fluxlint %s: %v\nRun 'fluxlint %s --help' for its flags.\n", fs.Name(), err, fs.Name())
		return nil, ExitError, false
	}
	return fs.Args(), 0, true
}

func runVersion(e *env, args []string) int {
	fs := newFlagSet(e, "version", "")
	asJSON := fs.Bool("json", false, "print the version as JSON")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintln(e.stderr, "fluxlint version: takes no arguments")
		return ExitError
	}
	info := version.Get()
	if *asJSON {
		b, _ := json.MarshalIndent(info, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
		return ExitOK
	}
	fmt.Fprintln(e.stdout, info)
	return ExitOK
}
