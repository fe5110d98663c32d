package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

// renderFlags are the flags every command that renders takes.
type renderFlags struct {
	fs                  *pflag.FlagSet
	config              string
	entries             []string
	configNamespace     string
	configName          string
	fluxConfiguration   string
	sources             []string
	strictSubstitute    bool
	lockdown            bool
	fluxVersion         string
	aksExtensionVersion string
	allowEmpty          bool
	cacheDir            string
	noCache             bool
	chartCache          string
	kubeVersion         string
	noCharts            bool
}

func (f *renderFlags) add(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.config, "config", "", "configuration file (default: .fluxlint.yaml, looked for from PATH up to the git root)")
	fs.StringArrayVar(&f.entries, "kustomization", nil,
		"an AKS fluxConfiguration kustomization, as az takes it: name=apps path=./apps prune=true dependsOn=infra (repeatable)")
	fs.StringVar(&f.configNamespace, "config-namespace", "", "the AKS fluxConfiguration's namespace; turns the AKS multi-tenancy rules on (cluster-config when --kustomization is given)")
	fs.StringVar(&f.configName, "config-name", "", "the AKS fluxConfiguration's name (cluster-config when --kustomization is given)")
	fs.StringVar(&f.fluxConfiguration, "flux-configuration", "", "the AKS fluxConfiguration, among those the repository writes as Terraform or ARM, to render")
	fs.StringArrayVar(&f.sources, "source", nil, "map a source to a local directory: Kind/namespace/name=DIR (repeatable)")
	fs.StringVar(&f.fluxVersion, "flux-version", "", "judge the repository by this Flux release (2.7) instead of the one it shows")
	fs.BoolVar(&f.lockdown, "lockdown", false, "judge the repository with multi-tenancy lockdown (--no-cross-namespace-refs) on or off, whatever it shows")
	fs.StringVar(&f.aksExtensionVersion, "aks-extension-version", "", "the microsoft.flux extension version an AKS cluster runs (its Flux version follows)")
	fs.BoolVar(&f.strictSubstitute, "strict-substitute", true, "treat postBuild variables without a value as errors (default: as the installation's Flux does)")
	fs.BoolVar(&f.allowEmpty, "allow-empty", false, "accept a directory with no Flux Kustomization (otherwise exit 2: nothing was checked)")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "keep kustomize builds, by the content they read, in this directory (default: the user cache directory, "+render.CacheDir()+")")
	fs.BoolVar(&f.noCache, "no-cache", false, "build every Kustomization, reading and writing no cache")
	fs.StringVar(&f.chartCache, "chart-cache", "", "read HelmRepository and OCI charts from this directory, which fluxlint charts pull fills (default: "+helm.CacheDir()+")")
	fs.StringVar(&f.kubeVersion, "kube-version", "", "the Kubernetes version charts are rendered for (default "+helm.DefaultKubeVersion+")")
	fs.BoolVar(&f.noCharts, "no-charts", false, "leave HelmReleases as custom resources: render no chart")
}

// cache is the build cache the flags ask for, for a check of the tree at
// dir.
func (f *renderFlags) cache(dir string) *render.BuildCache {
	if f.noCache {
		return nil
	}
	cacheDir := f.cacheDir
	if cacheDir == "" {
		cacheDir = render.CacheDir()
	}
	return &render.BuildCache{Dir: cacheDir, Tree: dir}
}

// refuseEmpty says, for a render that found no Flux Kustomization at all,
// that nothing was checked, unless --allow-empty accepts it.
func (f *renderFlags) refuseEmpty(e *env, cmd string, res *render.Result) bool {
	if res == nil || len(res.Roots) > 0 || f.allowEmpty {
		return false
	}
	fmt.Fprintf(e.stderr, "fluxlint %s: no Flux Kustomization found in %s, so nothing was checked: point it at a Flux repository, give the entry points (--kustomization, .fluxlint.yaml), or pass --allow-empty\n", cmd, res.Repo.Root)
	return true
}

// overrides are the installation settings the flags give.
func (f *renderFlags) overrides() profile.Overrides {
	ov := profile.Overrides{From: map[string]string{}}
	if f.fluxVersion != "" {
		ov.FluxVersion, ov.From["fluxVersion"] = f.fluxVersion, "--flux-version"
	}
	if f.aksExtensionVersion != "" {
		ov.AKSExtensionVersion, ov.From["aksExtensionVersion"] = f.aksExtensionVersion, "--aks-extension-version"
	}
	if f.fs != nil && f.fs.Changed("lockdown") {
		ov.Lockdown, ov.From["lockdown"] = &f.lockdown, "--lockdown"
	}
	if f.fs != nil && f.fs.Changed("strict-substitute") {
		ov.StrictSubstitute, ov.From["strictSubstitute"] = &f.strictSubstitute, "--strict-substitute"
	}
	return ov
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
	o = config.Merge(o, cfg)
	if o.Charts.Cache == "" {
		o.Charts.Cache = helm.CacheDir()
	}
	return o, cfg, nil
}

// options turns the flags into render options for the repository at dir.
func (f *renderFlags) options(e *env, dir string) (render.Options, error) {
	o := render.Options{
		Dir:             dir,
		ConfigNamespace: f.configNamespace,
		ConfigName:      f.configName,
		Secrets:         e.secrets,
		Cache:           f.cache(dir),
		Charts:          render.ChartOptions{Off: f.noCharts, KubeVersion: f.kubeVersion},
	}
	if f.kubeVersion != "" {
		if _, err := chartutil.ParseKubeVersion(f.kubeVersion); err != nil {
			return o, fmt.Errorf("--kube-version %q: %w", f.kubeVersion, err)
		}
	}
	if f.chartCache != "" {
		o.Charts.Cache = e.abs(f.chartCache)
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
