// Command bench times fluxlint against real and synthetic repositories, and
// the flux CLI on the same repository when a flux binary is on PATH. Run it
// with "make bench". It prints the median wall time of several runs and the
// peak resident memory of the slowest one.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"github.com/fluxlint/fluxlint/internal/tools/synth"
)

type result struct {
	median time.Duration
	maxRSS int64 // KiB
	runs   int
}

func main() {
	runs := flag.Int("runs", 7, "runs per measurement")
	size := flag.Int("synthetic", 1000, "Kustomizations in the synthetic repository")
	flag.Parse()
	corpus := os.Getenv("FLUXLINT_CORPUS")
	if corpus == "" {
		corpus = filepath.Join("..", "shared", "corpus")
	}
	tmp, err := os.MkdirTemp("", "fluxlint-bench-")
	check(err)
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "fluxlint")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/fluxlint")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())

	fmt.Printf("%-44s %10s %10s %5s\n", "what", "median", "peak RSS", "runs")
	onedr0p := filepath.Join(corpus, "onedr0p__home-ops")
	var ours result
	if _, err := os.Stat(onedr0p); err == nil {
		ours = measure(*runs, onedr0p, bin, "render", "--no-cache", ".")
		report("fluxlint render onedr0p__home-ops (no cache)", ours)
		report("fluxlint check onedr0p__home-ops (no cache)", measure(*runs, onedr0p, bin, "check", "--no-cache", "--fail-on=none", "."))
		cache := filepath.Join(tmp, "cache")
		measure(1, onedr0p, bin, "check", "--cache-dir", cache, "--fail-on=none", ".")
		report("fluxlint check onedr0p__home-ops (warm cache)", measure(*runs, onedr0p, bin, "check", "--cache-dir", cache, "--fail-on=none", "."))
		if flux, err := exec.LookPath("flux"); err == nil {
			work := filepath.Join(tmp, "onedr0p")
			check(fixture.Copy(onedr0p, work))
			theirs := measure(3, work, flux, "build", "ks", "cluster-apps", "--path", "kubernetes/apps",
				"--kustomization-file", "kubernetes/flux/cluster/ks.yaml", "--dry-run", "--recursive",
				"--local-sources", "GitRepository/flux-system/flux-system=.")
			report("flux build ks cluster-apps --recursive", theirs)
			fmt.Printf("fluxlint takes %.3f of flux's time (target: at most 0.1)\n", float64(ours.median)/float64(theirs.median))
		} else {
			fmt.Println("flux build ks cluster-apps --recursive      (no flux binary on PATH: not measured)")
		}
	} else {
		fmt.Printf("corpus not found at %s: onedr0p__home-ops not measured\n", corpus)
	}

	synthDir := filepath.Join(tmp, "synthetic")
	check(synth.Generate(synthDir, *size))
	report(fmt.Sprintf("fluxlint render synthetic (%d Kustomizations)", *size), measure(3, synthDir, bin, "render", "--no-cache", "."))
}

// measure runs the command in dir n times and returns the median wall
// time and the peak resident memory.
func measure(n int, dir, bin string, args ...string) result {
	var times []time.Duration
	var peak int64
	for i := 0; i < n; i++ {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Stdout = io.Discard
		cmd.Stderr = io.Discard
		start := time.Now()
		err := cmd.Run()
		times = append(times, time.Since(start))
		if err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				check(err)
			}
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return result{median: times[len(times)/2], maxRSS: peak, runs: n}
}

func report(what string, r result) {
	fmt.Printf("%-44s %10s %8.1fMB %5d\n", what, r.median.Round(time.Millisecond), float64(r.maxRSS)/1024, r.runs)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}
