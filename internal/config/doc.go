// Package config reads .fluxlint.yaml, the project's policy for fluxlint:
// the AKS configuration it is deployed with, how sources map to
// directories, which rules run at which severity, and which paths are left
// out. Settings that belong to one run (output format, --fail-on,
// --new-from-rev) are flags, not configuration.
package config
