package config

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/profile"
	"github.com/fluxlint/fluxlint/internal/render"
)

// FileNames are the names fluxlint looks for at the repository root.
var FileNames = []string{".fluxlint.yaml", ".fluxlint.yml"}

// Config is the effective configuration.
type Config struct {
	// File is where it was read from; empty for the defaults.
	File string `json:"file,omitempty"`

	ConfigNamespace string                  `json:"configNamespace,omitempty"`
	ConfigName      string                  `json:"configName,omitempty"`
	Kustomizations  []flux.AKSKustomization `json:"-"`
	// Sources maps "Kind/namespace/name" to a directory inside the
	// repository.
	Sources map[string]string `json:"sources,omitempty"`
	// Rules maps a rule id to the severity it runs at (Off turns it off).
	Rules map[string]analysis.Severity `json:"rules,omitempty"`
	// Exclude lists path patterns (doublestar syntax: ** for any depth,
	// {a,b} for either) whose findings are not reported.
	Exclude []string `json:"exclude,omitempty"`
	// StrictSubstitute is false to turn strict postBuild substitution off.
	StrictSubstitute *bool `json:"strictSubstitute,omitempty"`
	// Limits raise (or lower) the limits a render runs with; zero fields
	// keep their defaults.
	Limits load.Limits `json:"limits,omitempty"`
	// FluxVersion, Lockdown and AKSExtensionVersion set the installation
	// the repository is judged by, over what the repository shows.
	FluxVersion         string `json:"fluxVersion,omitempty"`
	Lockdown            *bool  `json:"lockdown,omitempty"`
	AKSExtensionVersion string `json:"aksExtensionVersion,omitempty"`
	// FluxConfiguration picks one of several AKS fluxConfigurations written
	// as code (Terraform, ARM) in the repository.
	FluxConfiguration string `json:"fluxConfiguration,omitempty"`
	// MaxSourceInterval is the longest polling interval of a source that
	// follows a moving revision (rule source-interval); zero for the
	// default, DefaultMaxSourceInterval.
	MaxSourceInterval time.Duration `json:"maxSourceInterval,omitempty"`
	// AllowedSources are globs (doublestar syntax) that every source URL
	// must match (rule source-not-allowed); none allows every URL.
	AllowedSources []string `json:"allowedSources,omitempty"`
	// ChartCache is a chart cache inside the repository (for charts
	// vendored with it); KubeVersion the Kubernetes version charts are
	// rendered for.
	ChartCache  string `json:"chartCache,omitempty"`
	KubeVersion string `json:"kubeVersion,omitempty"`

	// Positions of the keys, for messages about their values.
	pos map[string]load.Pos
}

// Error is a problem in the configuration file, with its position.
type Error struct {
	Pos load.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Find returns the configuration file that applies to dir, or "": the
// one in dir, else in the nearest directory above it up to the root of
// the Git repository dir is in (the directory holding .git). Outside a
// Git repository only dir itself is looked at.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	top := gitRoot(dir)
	for d := dir; ; d = filepath.Dir(d) {
		for _, n := range FileNames {
			p := filepath.Join(d, n)
			if info, err := os.Lstat(p); err == nil && info.Mode().IsRegular() {
				return p
			}
		}
		if top == "" || d == top || filepath.Dir(d) == d {
			return ""
		}
	}
}

// gitRoot is the nearest directory at or above dir that holds .git, or "".
func gitRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

var knownKeys = []string{"configNamespace", "configName", "kustomizations", "sources", "rules", "exclude", "strictSubstitute", "limits",
	"fluxVersion", "lockdown", "aksExtensionVersion", "fluxConfiguration", "maxSourceInterval", "allowedSources", "chartCache", "kubeVersion"}

// DefaultMaxSourceInterval is the longest polling interval of a source
// that follows a branch, a mutable tag or a range before source-interval
// reports it: the seed guide's "Polling interval too long" (a source
// should notice a push within minutes, not hours).
const DefaultMaxSourceInterval = 10 * time.Minute

// RuleSettings are the settings the rules judge by, defaults filled in.
func (c *Config) RuleSettings() analysis.Settings {
	s := analysis.Settings{MaxSourceInterval: c.MaxSourceInterval, AllowedSources: c.AllowedSources}
	if s.MaxSourceInterval == 0 {
		s.MaxSourceInterval = DefaultMaxSourceInterval
	}
	return s
}

// Load reads the configuration file at file; display is the name used in
// messages. Unknown keys, wrong types and bad values are errors that name
// their line.
func Load(file, display string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(data, display)
}

// Parse parses configuration text.
func Parse(data []byte, display string) (*Config, error) {
	c := &Config{File: display, pos: map[string]load.Pos{}}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return c, nil
		}
		return nil, fmt.Errorf("%s: %v", display, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil
	}
	at := func(n *yaml.Node) load.Pos { return load.Pos{File: display, Line: n.Line, Col: n.Column} }
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &Error{Pos: at(n), Msg: fmt.Sprintf(format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return nil, fail(root, "the configuration must be a mapping")
	}
	str := func(n *yaml.Node, key string) (string, error) {
		if n.Kind != yaml.ScalarNode {
			return "", fail(n, "%s: want a string", key)
		}
		return n.Value, nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		c.pos[k.Value] = at(k)
		var err error
		switch k.Value {
		case "configNamespace":
			c.ConfigNamespace, err = str(v, k.Value)
		case "configName":
			c.ConfigName, err = str(v, k.Value)
		case "strictSubstitute", "lockdown":
			var b bool
			if b, err = strconv.ParseBool(v.Value); err != nil || v.Kind != yaml.ScalarNode {
				return nil, fail(v, "%s: want true or false", k.Value)
			}
			if k.Value == "lockdown" {
				c.Lockdown = &b
			} else {
				c.StrictSubstitute = &b
			}
		case "fluxVersion":
			c.FluxVersion, err = str(v, k.Value)
		case "aksExtensionVersion":
			c.AKSExtensionVersion, err = str(v, k.Value)
		case "fluxConfiguration":
			c.FluxConfiguration, err = str(v, k.Value)
		case "maxSourceInterval":
			d, perr := time.ParseDuration(v.Value)
			if perr != nil || v.Kind != yaml.ScalarNode || d <= 0 {
				return nil, fail(v, "maxSourceInterval: want a positive duration such as 10m or 1h, not %q", v.Value)
			}
			c.MaxSourceInterval = d
		case "allowedSources":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, "allowedSources: want a list of URL globs such as https://github.com/my-org/**")
			}
			for _, item := range v.Content {
				s, err := str(item, "allowedSources")
				if err != nil {
					return nil, err
				}
				if !doublestar.ValidatePattern(s) {
					return nil, fail(item, "allowedSources: bad pattern %q", s)
				}
				c.AllowedSources = append(c.AllowedSources, s)
			}
		case "chartCache":
			c.ChartCache, err = str(v, k.Value)
		case "kubeVersion":
			c.KubeVersion, err = str(v, k.Value)
		case "kustomizations":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, "kustomizations: want a list")
			}
			for _, item := range v.Content {
				e, err := parseEntry(item, display)
				if err != nil {
					return nil, err
				}
				c.Kustomizations = append(c.Kustomizations, e)
			}
		case "sources":
			if v.Kind != yaml.MappingNode {
				return nil, fail(v, "sources: want a mapping of Kind/namespace/name to a directory")
			}
			c.Sources = map[string]string{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				if strings.Count(v.Content[j].Value, "/") != 2 {
					return nil, fail(v.Content[j], "sources: %q is not Kind/namespace/name", v.Content[j].Value)
				}
				dir, err := str(v.Content[j+1], "sources")
				if err != nil {
					return nil, err
				}
				c.Sources[v.Content[j].Value] = dir
			}
		case "rules":
			if v.Kind != yaml.MappingNode {
				return nil, fail(v, "rules: want a mapping of rule id to error, warning, info or off")
			}
			c.Rules = map[string]analysis.Severity{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				rk, rv := v.Content[j], v.Content[j+1]
				sev, err := analysis.ParseSeverity(rv.Value)
				if err != nil || rv.Kind != yaml.ScalarNode {
					return nil, fail(rv, "rules: %s: want error, warning, info, off or default, not %q", rk.Value, rv.Value)
				}
				c.Rules[rk.Value] = sev
				c.pos["rules."+rk.Value] = at(rk)
			}
		case "exclude":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, "exclude: want a list of path patterns")
			}
			for _, item := range v.Content {
				s, err := str(item, "exclude")
				if err != nil {
					return nil, err
				}
				if !doublestar.ValidatePattern(s) {
					return nil, fail(item, "exclude: bad pattern %q", s)
				}
				c.Exclude = append(c.Exclude, s)
			}
		case "limits":
			if v.Kind != yaml.MappingNode {
				return nil, fail(v, "limits: want a mapping of limit names to numbers")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				lk, lv := v.Content[j], v.Content[j+1]
				n, err := strconv.ParseInt(lv.Value, 10, 64)
				if err != nil || n <= 0 || lv.Kind != yaml.ScalarNode {
					return nil, fail(lv, "limits: %s: want a positive whole number, not %q", lk.Value, lv.Value)
				}
				switch lk.Value {
				case "aliasNodes":
					c.Limits.AliasNodes = int(n)
				case "eagerParseBytes":
					c.Limits.EagerParseBytes = n
				case "objectsPerBuild":
					c.Limits.ObjectsPerBuild = int(n)
				case "kustomizationsPerBuild":
					c.Limits.KustomizationsPerBuild = int(n)
				case "substitutionBytes":
					c.Limits.SubstitutionBytes = int(n)
				case "objectsTotal":
					c.Limits.ObjectsTotal = int(n)
				case "chartRenderSeconds":
					c.Limits.ChartRenderSeconds = int(n)
				default:
					return nil, fail(lk, "limits: unknown limit %q (aliasNodes, eagerParseBytes, objectsPerBuild, kustomizationsPerBuild, substitutionBytes, objectsTotal, chartRenderSeconds)", lk.Value)
				}
			}
		default:
			return nil, fail(k, "unknown key %q (known: %s)", k.Value, strings.Join(knownKeys, ", "))
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parseEntry reads an AKS kustomization either as az writes it
// ("name=apps path=./apps prune=true") or as a mapping.
func parseEntry(n *yaml.Node, display string) (flux.AKSKustomization, error) {
	pos := load.Pos{File: display, Line: n.Line, Col: n.Column}
	var text string
	switch n.Kind {
	case yaml.ScalarNode:
		text = n.Value
	case yaml.MappingNode:
		var parts []string
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], n.Content[j+1]
			val := v.Value
			if v.Kind == yaml.SequenceNode {
				var items []string
				for _, it := range v.Content {
					items = append(items, it.Value)
				}
				val = strings.Join(items, ",")
			}
			parts = append(parts, k.Value+"="+val)
		}
		text = strings.Join(parts, " ")
	default:
		return flux.AKSKustomization{}, &Error{Pos: pos, Msg: "kustomizations: want \"name=... path=...\" or a mapping"}
	}
	e, err := flux.ParseAKSKustomization(text)
	if err != nil {
		return e, &Error{Pos: pos, Msg: err.Error()}
	}
	e.At = pos
	return e, nil
}

// KeyPos is where a top-level key (or "rules.<id>") is written.
func (c *Config) KeyPos(key string) (load.Pos, bool) {
	p, ok := c.pos[key]
	return p, ok
}

// Excluded reports whether findings in the file at rel are left out.
func (c *Config) Excluded(rel string) bool {
	for _, pat := range c.Exclude {
		if matchPath(pat, rel) {
			return true
		}
	}
	return false
}

// matchPath matches a slash path against a pattern in which "**" stands for
// any number of directories, "{a,b}" for either, and a trailing "/" for
// everything below. doublestar matches in time linear in the pattern and
// path, so a pattern with many "**" (which the repository, and so a pull
// request, controls) cannot make fluxlint backtrack exponentially.
func matchPath(pat, p string) bool {
	pat = strings.TrimPrefix(pat, "./")
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	ok, _ := doublestar.Match(pat, p)
	return ok
}

// RuleNames lists the rule ids the configuration mentions, sorted.
func (c *Config) RuleNames() []string {
	var out []string
	for k := range c.Rules {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ForRepository reads the configuration at the root of dir, if any; with
// none, the defaults.
func ForRepository(dir string) (*Config, error) {
	file := Find(dir)
	if file == "" {
		return &Config{}, nil
	}
	display := filepath.Base(file)
	if abs, err := filepath.Abs(dir); err == nil {
		if rel, err := filepath.Rel(abs, file); err == nil {
			display = filepath.ToSlash(rel)
		}
	}
	return Load(file, display)
}

// Merge fills the render options the command line left empty from the
// configuration: flags win. Sources from the configuration must lie inside
// the repository, since an untrusted change can edit the file.
func Merge(o render.Options, c *Config) render.Options {
	if o.ConfigNamespace == "" {
		o.ConfigNamespace = c.ConfigNamespace
	}
	if o.ConfigName == "" {
		o.ConfigName = c.ConfigName
	}
	if o.FluxConfiguration == "" {
		o.FluxConfiguration = c.FluxConfiguration
	}
	if len(o.Entries) == 0 {
		o.Entries = c.Kustomizations
	}
	if len(c.Sources) > 0 {
		o.ConfinedSources = map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(c.Sources)) {
			if _, ok := o.Sources[k]; !ok {
				o.ConfinedSources[k] = c.Sources[k]
			}
		}
	}
	if o.Limits == (load.Limits{}) {
		o.Limits = c.Limits
	}
	if o.Charts.Cache == "" && c.ChartCache != "" {
		o.Charts.Cache, o.Charts.CacheConfined = c.ChartCache, true
	}
	if o.Charts.KubeVersion == "" {
		o.Charts.KubeVersion = c.KubeVersion
	}
	return o
}

// CheckRules reports a rule the configuration names that is not in suite.
func (c *Config) CheckRules(suite []*analysis.Analyzer) error {
	for _, id := range c.RuleNames() {
		if analysis.ByName(suite, id) == nil {
			pos, _ := c.KeyPos("rules." + id)
			return &Error{Pos: pos, Msg: fmt.Sprintf("rules: no rule %q (fluxlint rules lists them)", id)}
		}
	}
	return nil
}

// Overrides are the installation settings the configuration gives, each
// named by its line, for the profile; flag values (non-empty, non-nil)
// win over them, named by flag.
func (c *Config) Overrides(flags profile.Overrides) profile.Overrides {
	ov := profile.Overrides{From: map[string]string{}}
	at := func(key string) string {
		if p, ok := c.KeyPos(key); ok {
			return p.String()
		}
		return key
	}
	if c.FluxVersion != "" {
		ov.FluxVersion, ov.From["fluxVersion"] = c.FluxVersion, at("fluxVersion")
	}
	if c.AKSExtensionVersion != "" {
		ov.AKSExtensionVersion, ov.From["aksExtensionVersion"] = c.AKSExtensionVersion, at("aksExtensionVersion")
	}
	if c.Lockdown != nil {
		ov.Lockdown, ov.From["lockdown"] = c.Lockdown, at("lockdown")
	}
	if c.StrictSubstitute != nil {
		ov.StrictSubstitute, ov.From["strictSubstitute"] = c.StrictSubstitute, at("strictSubstitute")
	}
	if flags.FluxVersion != "" {
		ov.FluxVersion, ov.From["fluxVersion"] = flags.FluxVersion, flags.From["fluxVersion"]
	}
	if flags.AKSExtensionVersion != "" {
		ov.AKSExtensionVersion, ov.From["aksExtensionVersion"] = flags.AKSExtensionVersion, flags.From["aksExtensionVersion"]
	}
	if flags.Lockdown != nil {
		ov.Lockdown, ov.From["lockdown"] = flags.Lockdown, flags.From["lockdown"]
	}
	if flags.StrictSubstitute != nil {
		ov.StrictSubstitute, ov.From["strictSubstitute"] = flags.StrictSubstitute, flags.From["strictSubstitute"]
	}
	return ov
}
