// Command fluxlint renders, checks and migrates Flux GitOps repositories.
package main

import (
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/fluxlint/fluxlint/internal/cli"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// A run is short and allocates a lot of short-lived YAML nodes: a
		// larger heap goal trades some memory for less time in the GC.
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// That heap goal is three times the live heap: 2.4 GB at the peak
		// for 5,000 Kustomizations, whose render keeps about 700 MB live.
		// A soft limit makes the collector work harder only near it, so a
		// large repository stays under 1 GiB (make bench) and a small one
		// never notices. GOMEMLIMIT sets another.
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run())
}

// memoryLimit is the soft limit of the Go heap unless GOMEMLIMIT is set.
const memoryLimit = 900 << 20

func run() int {
	// FLUXLINT_CPUPROFILE names a file to write a CPU profile of the whole
	// run to: what a developer profiles before optimising (see README).
	if p := os.Getenv("FLUXLINT_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	return cli.Main(os.Args[1:], os.Stdout, os.Stderr)
}
