package cli

import (
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
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
		if s, ok := cfg.Rules[a.Name]; ok && s != analysis.Default {
			sev = s
		}
		rules[a.Name] = sev.String()
	}
	out["rules"] = rules
	if len(cfg.Exclude) > 0 {
		out["exclude"] = cfg.Exclude
	}
	settings := cfg.RuleSettings()
	out["maxSourceInterval"] = settings.MaxSourceInterval.String()
	if len(settings.AllowedSources) > 0 {
		out["allowedSources"] = settings.AllowedSources
	}
	b, err := yaml.Marshal(out)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint config: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(e.stdout, "# effective configuration; read from %s\n%s", from, b)
	res, err := render.Render(opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint config: %v\n", err)
		return ExitError
	}
	profiles, err := profile.Derive(res, cfg.Overrides(rf.overrides()))
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint config: %v\n", err)
		return ExitError
	}
	writeInstallation(e.stdout, res, profiles)
	return ExitOK
}

// writeInstallation prints, for every entry point, the installation it is
// judged by and where each value was read.
func writeInstallation(w io.Writer, res *render.Result, profiles *profile.Set) {
	fmt.Fprintln(w, "# the installation, as the repository shows it (flags and configuration win)")
	fmt.Fprintln(w, "entryPoints:")
	if len(res.Roots) == 0 {
		fmt.Fprintln(w, "  []  # none found")
	}
	for _, root := range res.Roots {
		p := profiles.For(root)
		fmt.Fprintf(w, "  - kustomization: %s  # %s\n", root.Key(), root.Object.Pos())
		fmt.Fprintf(w, "    origin: %q\n", root.Origin)
		fmt.Fprintf(w, "    source: %s\n", root.Source)
		fmt.Fprintf(w, "    installation: %q  # %s\n", p.Installation.V, p.Installation.From)
		fmt.Fprintf(w, "    fluxVersion: %q  # %s\n", p.FluxVersion.V.String(), p.FluxVersion.From)
		if p.AKS() {
			fmt.Fprintf(w, "    aksExtensionVersion: %q  # %s\n", p.AKSExtension.V, p.AKSExtension.From)
			fmt.Fprintf(w, "    configNamespace: %s\n", p.ConfigNamespace)
		}
		fmt.Fprintf(w, "    lockdown: %t  # %s\n", p.Lockdown.V, p.Lockdown.From)
		fmt.Fprintf(w, "    defaultServiceAccount: %q  # %s\n", p.DefaultServiceAccount.V, p.DefaultServiceAccount.From)
		fmt.Fprintf(w, "    strictSubstitution: %t  # %s\n", p.StrictSubstitution.V, p.StrictSubstitution.From)
	}
}

func entryString(en flux.AKSKustomization) string {
	parts := []string{"name=" + en.Name, "path=" + en.Path, fmt.Sprintf("prune=%t", en.Prune)}
	if len(en.DependsOn) > 0 {
		parts = append(parts, "dependsOn="+strings.Join(en.DependsOn, ","))
	}
	if !en.Wait {
		parts = append(parts, "disable-health-check=true")
	}
	return strings.Join(parts, " ")
}
