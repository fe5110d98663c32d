package flux

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fluxlint/fluxlint/internal/load"
)

// Facts about the microsoft.flux extension of AKS and Azure Arc
// (flux-semantics §4 and §9).
const (
	// AKSApplier is the service account the extension creates in the
	// configuration namespace and impersonates; it is not in Git.
	AKSApplier = "flux-applier"
	// DefaultConfigNamespace and DefaultConfigName name the
	// fluxConfiguration when only its kustomizations are given.
	DefaultConfigNamespace = "cluster-config"
	DefaultConfigName      = "cluster-config"
	// ManagedSourceAnnotation on a HelmRelease makes the extension patch
	// its chart sourceRef to the configuration's GitRepository.
	ManagedSourceAnnotation = "clusterconfig.azure.com/use-managed-source"
)

// AKSKustomization is one kustomization of an AKS fluxConfiguration, as
// given to "az k8s-configuration flux create --kustomization name=apps
// path=./apps prune=true dependsOn=infra". Azure creates it as the Flux
// Kustomization "<config-name>-<name>" in the configuration namespace,
// syncing the GitRepository "<config-name>".
type AKSKustomization struct {
	Name          string
	Path          string
	Prune         bool
	Wait          bool
	Force         bool
	DependsOn     []string
	Interval      string
	Timeout       string
	RetryInterval string
	// At is where it was given: a configuration file line, or the
	// command line.
	At load.Pos
}

// AKSKustomizationKeys are the keys ParseAKSKustomization accepts, with
// their aliases.
var AKSKustomizationKeys = []string{"name", "path", "prune", "wait", "force", "dependsOn", "depends_on",
	"syncInterval", "sync_interval", "timeout", "retryInterval", "retry_interval", "disableHealthCheck", "disable_health_check"}

// IsAKSKustomizationKey reports whether "key=..." is a key of a
// kustomization.
func IsAKSKustomizationKey(key string) bool {
	for _, k := range AKSKustomizationKeys {
		if k == key {
			return true
		}
	}
	return false
}

// ParseAKSKustomization parses "name=apps path=./apps prune=true
// dependsOn=infra". Defaults are Azure's: prune false, wait (health checks)
// true, intervals and timeout 10m.
func ParseAKSKustomization(s string) (AKSKustomization, error) {
	e := AKSKustomization{Path: "./", Wait: true, Interval: "10m", Timeout: "10m", RetryInterval: "10m"}
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
			return e, fmt.Errorf("kustomization %q: unknown key %q (known: %s)", s, key, strings.Join(AKSKustomizationKeys, ", "))
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
