// Command fluxlint renders, checks and migrates Flux GitOps repositories.
package main

import (
	"os"
	"runtime/debug"

	"github.com/fluxlint/fluxlint/internal/cli"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// A run is short and allocates a lot of short-lived YAML nodes: a
		// larger heap goal trades some memory for less time in the GC.
		debug.SetGCPercent(200)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
