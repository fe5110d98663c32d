package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fluxlint/fluxlint/analyzers"
)

// complete serves "fluxlint completion SHELL" and the shells' completion
// requests (cobra's hidden __complete command). fluxlint dispatches its
// commands itself; cobra is used for what it does well, the completion
// scripts for bash, zsh and fish and the answers to them, from a command
// tree whose flags are each command's own.
func complete(e *env, args []string) int {
	root := completionTree()
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintf(e.stderr, "fluxlint: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// flagsOf collects a command's flags without running it.
func flagsOf(c command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	c.run(&env{capture: fs}, nil)
	return fs
}

// choices are the values some flags take, for completion.
var choices = map[string][]string{
	"format":  {"text", "json", "sarif", "github", "markdown", "yaml"},
	"fail-on": {"error", "warning", "info", "none"},
	"step":    {"suspend", "move"},
	"color":   {"auto", "always", "never"},
}

func completionTree() *cobra.Command {
	root := &cobra.Command{
		Use:           "fluxlint",
		Short:         "render, check and migrate Flux GitOps repositories",
		SilenceErrors: true,
		SilenceUsage:  true,
		Run:           func(*cobra.Command, []string) {},
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		sub := &cobra.Command{Use: c.name, Short: c.summary, Run: func(*cobra.Command, []string) {}}
		fs := flagsOf(c)
		sub.Flags().AddFlagSet(fs)
		if c.name == "check" {
			root.Flags().AddFlagSet(fs)
		}
		if c.name == "rules" {
			sub.ValidArgsFunction = func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				var out []string
				for _, a := range analyzers.All {
					if strings.HasPrefix(a.Name, prefix) {
						out = append(out, a.Name+"\t"+a.Doc.Summary)
					}
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			}
		}
		for name, values := range choices {
			if fs.Lookup(name) == nil {
				continue
			}
			vals := values
			if name == "format" {
				vals = formatsOf(fs.Lookup(name).Usage)
			}
			complete := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return vals, cobra.ShellCompDirectiveNoFileComp
			}
			_ = sub.RegisterFlagCompletionFunc(name, complete)
			if c.name == "check" {
				_ = root.RegisterFlagCompletionFunc(name, complete)
			}
		}
		root.AddCommand(sub)
	}
	return root
}

// formatsOf reads the formats a --format flag lists in its usage.
func formatsOf(usage string) []string {
	var out []string
	for _, f := range choices["format"] {
		if strings.Contains(usage, f) {
			out = append(out, f)
		}
	}
	return out
}
