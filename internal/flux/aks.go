package flux

import (
	"fmt"
	"maps"
	"slices"
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
	// Substitute and SubstituteFrom are postBuild's, which the ARM model
	// and Terraform have and the az CLI does not.
	Substitute     map[string]string
	SubstituteFrom []AKSSubstituteFrom
	// Warnings are about keys that were accepted but do nothing.
	Warnings []string
	// At is where it was given: a configuration file line, or the
	// command line.
	At load.Pos
}

// aksKeys are the keys "az k8s-configuration flux create --kustomization"
// accepts, each with the field it sets (azure-cli-extensions
// k8s-configuration, flux-semantics §11).
var aksKeys = map[string]string{
	"name": "name", "path": "path", "prune": "prune", "force": "force", "timeout": "timeout",
	"dependencies": "dependsOn", "depends_on": "dependsOn", "dependsOn": "dependsOn", "depends": "dependsOn",
	"interval": "interval", "sync_interval": "interval", "syncInterval": "interval",
	"retryInterval": "retryInterval", "retry_interval": "retryInterval",
	"disable-health-check": "disable-health-check",
	"validation":           "validation",
}

// AKSKustomizationKeys lists the keys ParseAKSKustomization accepts,
// sorted.
func AKSKustomizationKeys() []string { return slices.Sorted(maps.Keys(aksKeys)) }

// IsAKSKustomizationKey reports whether "key=..." is a key of a
// kustomization.
func IsAKSKustomizationKey(key string) bool { _, ok := aksKeys[key]; return ok }

// ParseAKSKustomization parses "name=apps path=./apps prune=true
// dependsOn=infra", with every key spelling az accepts. Defaults are
// Azure's: prune false, wait (health checks) true, intervals and timeout
// 10m. "validation" is accepted, as az accepts it, but has no effect: the
// fluxConfiguration model has no such field; Warnings says so.
func ParseAKSKustomization(s string) (AKSKustomization, error) {
	e := AKSKustomization{Path: "./", Wait: true, Interval: "10m", Timeout: "10m", RetryInterval: "10m"}
	for _, f := range strings.Fields(s) {
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return e, fmt.Errorf("kustomization %q: %q is not key=value", s, f)
		}
		field, known := aksKeys[key]
		if !known {
			return e, fmt.Errorf("kustomization %q: unknown key %q (the keys az accepts: %s)", s, key, strings.Join(AKSKustomizationKeys(), ", "))
		}
		var err error
		switch field {
		case "name":
			e.Name = val
		case "path":
			e.Path = val
		case "prune":
			e.Prune, err = strconv.ParseBool(val)
		case "disable-health-check":
			// az sets wait: false only for the exact value "true".
			e.Wait = val != "true"
		case "force":
			e.Force, err = strconv.ParseBool(val)
		case "dependsOn":
			val = strings.Trim(val, "[]")
			for _, d := range strings.Split(val, ",") {
				if d = strings.Trim(strings.TrimSpace(d), `"'`); d != "" {
					e.DependsOn = append(e.DependsOn, d)
				}
			}
		case "interval":
			e.Interval = val
		case "timeout":
			e.Timeout = val
		case "retryInterval":
			e.RetryInterval = val
		case "validation":
			e.Warnings = append(e.Warnings, fmt.Sprintf("%s=%s has no effect: the fluxConfiguration model has no validation field, and Flux's v1 Kustomization none either", key, val))
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

// AKSSubstituteFrom is a postBuild.substituteFrom entry of a
// fluxConfiguration kustomization.
type AKSSubstituteFrom struct {
	Kind, Name string
	Optional   bool
}
