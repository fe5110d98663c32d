package render

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// Entry is one Kustomization of an AKS fluxConfiguration, as given to
// "az k8s-configuration flux create --kustomization name=apps path=./apps
// prune=true dependsOn=infra". Azure creates it as the Flux Kustomization
// "<config-name>-<name>" in the configuration namespace, syncing the
// GitRepository "<config-name>".
type Entry struct {
	Name          string
	Path          string
	Prune         bool
	Wait          bool
	Force         bool
	DependsOn     []string
	Interval      string
	Timeout       string
	RetryInterval string
	// At is where the entry was given (a configuration file line, or the
	// command line).
	At load.Pos
}

// EntryKeys are the keys ParseEntry accepts, with their aliases.
var EntryKeys = []string{"name", "path", "prune", "wait", "force", "dependsOn", "depends_on",
	"syncInterval", "sync_interval", "timeout", "retryInterval", "retry_interval", "disableHealthCheck", "disable_health_check"}

// IsEntryKey reports whether "key=..." is a key of an entry.
func IsEntryKey(key string) bool {
	for _, k := range EntryKeys {
		if k == key {
			return true
		}
	}
	return false
}

// ParseEntry parses "name=apps path=./apps prune=true dependsOn=infra".
// Defaults are Azure's: prune false, wait (health checks) true, intervals
// and timeout 10m.
func ParseEntry(s string) (Entry, error) {
	e := Entry{Path: "./", Wait: true, Interval: "10m", Timeout: "10m", RetryInterval: "10m"}
	for _, f := range strings.Fields(s) {
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return e, fmt.Errorf("kustomization %q: %q is not key=value", s, f)
		}
		var err error
		switch key {
		case "name":
			e.Name = val
		case "path":
			e.Path = val
		case "prune":
			e.Prune, err = strconv.ParseBool(val)
		case "wait":
			e.Wait, err = strconv.ParseBool(val)
		case "disableHealthCheck", "disable_health_check":
			var d bool
			d, err = strconv.ParseBool(val)
			e.Wait = !d
		case "force":
			e.Force, err = strconv.ParseBool(val)
		case "dependsOn", "depends_on":
			val = strings.Trim(val, "[]")
			for _, d := range strings.Split(val, ",") {
				if d = strings.Trim(strings.TrimSpace(d), `"'`); d != "" {
					e.DependsOn = append(e.DependsOn, d)
				}
			}
		case "syncInterval", "sync_interval":
			e.Interval = val
		case "timeout":
			e.Timeout = val
		case "retryInterval", "retry_interval":
			e.RetryInterval = val
		default:
			return e, fmt.Errorf("kustomization %q: unknown key %q (known: %s)", s, key, strings.Join(EntryKeys, ", "))
		}
		if err != nil {
			return e, fmt.Errorf("kustomization %q: %s: %v", s, key, err)
		}
	}
	if e.Name == "" {
		return e, fmt.Errorf("kustomization %q: name is required", s)
	}
	return e, nil
}

// managedSourcePatch is the patch the microsoft.flux extension puts on its
// Kustomizations so that a HelmRelease annotated
// clusterconfig.azure.com/use-managed-source uses the configuration's
// GitRepository as chart source (flux-semantics §9).
const managedSourceAnnotation = "clusterconfig.azure.com/use-managed-source"

// entryRoots synthesises what Azure creates for the entries: the
// GitRepository and one Kustomization per entry.
func (r *renderer) entryRoots() ([]*Kustomization, []*Object, error) {
	ns, cfg := r.opts.ConfigNamespace, r.opts.ConfigName
	at := r.opts.Entries[0].At
	gitRepo := fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: %s
  namespace: %s
  labels:
    clusterconfig.azure.com/is-managed: "true"
spec:
  interval: 10m
  url: file:///fluxlint/this-repository
`, cfg, ns)
	n, err := yaml.Parse(gitRepo)
	if err != nil {
		return nil, nil, err
	}
	objs := []*Object{{Node: n, APIVersion: "source.toolkit.fluxcd.io/v1", Kind: flux.KindGitRepository, Namespace: ns, Name: cfg, Synthetic: true, At: at}}
	var roots []*Kustomization
	seen := map[string]bool{}
	for _, e := range r.opts.Entries {
		if seen[e.Name] {
			return nil, nil, fmt.Errorf("kustomization %q is given twice", e.Name)
		}
		seen[e.Name] = true
		n, err := yaml.Parse(entryYAML(e, ns, cfg))
		if err != nil {
			return nil, nil, err
		}
		obj := &Object{Node: n, APIVersion: flux.KustomizeGroup + "/v1", Kind: flux.KindKustomization, Namespace: ns, Name: cfg + "-" + e.Name, Synthetic: true, At: e.At}
		k, err := r.newKustomization(obj, nil)
		if err != nil {
			return nil, nil, err
		}
		roots = append(roots, k)
	}
	return roots, objs, nil
}

func entryYAML(e Entry, ns, cfg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: %s\n  namespace: %s\n", strconv.Quote(cfg+"-"+e.Name), ns)
	b.WriteString("  labels:\n    clusterconfig.azure.com/is-managed: \"true\"\nspec:\n")
	fmt.Fprintf(&b, "  interval: %s\n  timeout: %s\n  retryInterval: %s\n", e.Interval, e.Timeout, e.RetryInterval)
	fmt.Fprintf(&b, "  path: %s\n  prune: %t\n  wait: %t\n  force: %t\n", strconv.Quote(e.Path), e.Prune, e.Wait, e.Force)
	fmt.Fprintf(&b, "  sourceRef:\n    kind: GitRepository\n    name: %s\n    namespace: %s\n", cfg, ns)
	if len(e.DependsOn) > 0 {
		b.WriteString("  dependsOn:\n")
		for _, d := range e.DependsOn {
			fmt.Fprintf(&b, "  - name: %s\n", strconv.Quote(cfg+"-"+d))
		}
	}
	fmt.Fprintf(&b, `  patches:
  - patch: |
      - op: add
        path: /spec/chart/spec/sourceRef
        value: {"kind": "GitRepository", "name": %q, "namespace": %q}
    target:
      group: helm.toolkit.fluxcd.io
      kind: HelmRelease
      annotationSelector: %s=true
`, cfg, ns, managedSourceAnnotation)
	return b.String()
}
