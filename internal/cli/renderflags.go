package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
)

// renderFlags are the flags every command that renders takes.
type renderFlags struct {
	config           string
	entries          []string
	configNamespace  string
	configName       string
	sources          []string
	strictSubstitute bool
}

func (f *renderFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "configuration file (default: .fluxlint.yaml at the repository root)")
	fs.StringArrayVar(&f.entries, "kustomization", nil,
		"an AKS fluxConfiguration kustomization, as az takes it: name=apps path=./apps prune=true dependsOn=infra (repeatable)")
	fs.StringVar(&f.configNamespace, "config-namespace", "", "the fluxConfiguration's namespace (default cluster-config)")
	fs.StringVar(&f.configName, "config-name", "", "the fluxConfiguration's name (default cluster-config)")
	fs.StringArrayVar(&f.sources, "source", nil, "map a source to a local directory: Kind/namespace/name=DIR (repeatable)")
	fs.BoolVar(&f.strictSubstitute, "strict-substitute", true, "report postBuild variables that have no value, as Flux 2.9 does")
}

// resolve reads the configuration and turns it and the flags into render
// options for the repository at dir; flags win over the configuration.
func (f *renderFlags) resolve(e *env, dir string) (render.Options, *config.Config, error) {
	o, err := f.options(e, dir)
	if err != nil {
		return o, nil, err
	}
	var cfg *config.Config
	if f.config == "" {
		cfg, err = config.ForRepository(dir)
	} else {
		cfg, err = config.Load(e.abs(f.config), f.config)
	}
	if err != nil {
		return o, nil, err
	}
	return config.Merge(o, cfg), cfg, nil
}

// options turns the flags into render options for the repository at dir.
func (f *renderFlags) options(e *env, dir string) (render.Options, error) {
	o := render.Options{
		Dir:                dir,
		ConfigNamespace:    f.configNamespace,
		ConfigName:         f.configName,
		NoStrictSubstitute: !f.strictSubstitute,
		Secrets:            e.secrets,
	}
	for _, s := range f.entries {
		en, err := flux.ParseAKSKustomization(s)
		if err != nil {
			return o, err
		}
		en.At = load.Pos{File: "--kustomization " + en.Name}
		o.Entries = append(o.Entries, en)
	}
	for _, s := range f.sources {
		key, dir, ok := strings.Cut(s, "=")
		if !ok {
			return o, fmt.Errorf("--source %q: want Kind/namespace/name=DIR", s)
		}
		if o.Sources == nil {
			o.Sources = map[string]string{}
		}
		if !filepath.IsAbs(dir) {
			dir = e.abs(dir)
		}
		o.Sources[key] = dir
	}
	return o, nil
}

func (e *env) abs(p string) string {
	if filepath.IsAbs(p) || e.workDir == "" {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	return filepath.Join(e.workDir, p)
}

// groupEntryArgs lets --kustomization take its key=value words as separate
// arguments, the way az does ("--kustomization name=a path=./a prune=true"):
// the words that follow it and look like entry keys are joined into its
// value before pflag sees them.
func groupEntryArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		var words []string
		switch {
		case a == "--kustomization":
			// The next argument is the value, whatever it looks like, so
			// that a malformed entry is reported as one; more words
			// follow while they look like entry keys.
			if i+1 < len(args) {
				i++
				words = append(words, args[i])
			}
		case strings.HasPrefix(a, "--kustomization="):
			words = append(words, strings.TrimPrefix(a, "--kustomization="))
		default:
			out = append(out, a)
			continue
		}
		for i+1 < len(args) && isEntryWord(args[i+1]) {
			i++
			words = append(words, args[i])
		}
		out = append(out, "--kustomization="+strings.Join(words, " "))
	}
	return out
}

func isEntryWord(s string) bool {
	key, _, ok := strings.Cut(s, "=")
	return ok && !strings.HasPrefix(s, "-") && flux.IsAKSKustomizationKey(key)
}
