package cli

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/flux"
)

// runConfig prints the effective configuration: the configuration file
// merged with the flags, and every rule with the severity it runs at.
func runConfig(e *env, args []string) int {
	fs := newFlagSet(e, "config", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	dir, code, ok := pathArg(e, "config", rest)
	if !ok {
		return code
	}
	opts, cfg, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint config: %v\n", err)
		return ExitError
	}
	from := cfg.File
	if from == "" {
		from = "(no configuration file: defaults)"
	}
	out := map[string]any{}
	if opts.ConfigNamespace != "" {
		out["configNamespace"] = opts.ConfigNamespace
	}
	if opts.ConfigName != "" {
		out["configName"] = opts.ConfigName
	}
	if len(opts.Entries) > 0 {
		var entries []string
		for _, en := range opts.Entries {
			entries = append(entries, entryString(en))
		}
		out["kustomizations"] = entries
	}
	sources := map[string]string{}
	for k, v := range opts.ConfinedSources {
		sources[k] = v
	}
	for k, v := range opts.Sources {
		sources[k] = v
	}
	if len(sources) > 0 {
		out["sources"] = sources
	}
	rules := map[string]string{}
	for _, a := range analyzers.All {
		sev := a.Severity
		if s, ok := cfg.Rules[a.Name]; ok {
			sev = s
		}
		rules[a.Name] = sev.String()
	}
	out["rules"] = rules
	if len(cfg.Exclude) > 0 {
		out["exclude"] = cfg.Exclude
	}
	out["strictSubstitute"] = !opts.NoStrictSubstitute
	b, err := yaml.Marshal(out)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint config: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(e.stdout, "# effective configuration; read from %s\n%s", from, b)
	return ExitOK
}

func entryString(en flux.AKSKustomization) string {
	parts := []string{"name=" + en.Name, "path=" + en.Path, fmt.Sprintf("prune=%t", en.Prune)}
	if len(en.DependsOn) > 0 {
		parts = append(parts, "dependsOn="+strings.Join(en.DependsOn, ","))
	}
	if !en.Wait {
		parts = append(parts, "wait=false")
	}
	return strings.Join(parts, " ")
}
