// Command bench times fluxlint as its users run it, with "make bench":
//
//   - a cold check of onedr0p/home-ops (no cache) side by side with
//     "flux build ks cluster-apps --recursive --dry-run" on the same copy,
//     interleaved run by run, and their ratio (the goal: at most 0.05);
//   - a pre-commit re-run after a one-line change, with the build cache
//     (the goal: at most 130 ms), a re-run where nothing changed, and the
//     hook itself (check --staged with a staged one-line change);
//   - migrate planning of toboshii/home-ops (the goal: under 1 s);
//   - synthetic repositories of 100, 1,000 and 5,000 Kustomizations: time,
//     peak memory (the goal: under 1 GiB) and the cost per Kustomization
//     relative to 100 (the goal: within 1.3).
//
// Each figure is the median of -runs runs (at least 5), and the peak
// resident memory of the largest run. The flux CLI is the one on PATH, or
// else one built from the module proxy at the Flux version fluxlint's
// modules follow (kept in the user cache; -flux=off skips it).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/fluxlint/fluxlint/internal/tools/fixture"
	"github.com/fluxlint/fluxlint/internal/tools/synth"
)

// fluxModule is the flux CLI built when none is on PATH: Flux 2.9, the
// module line fluxlint's Flux modules follow.
const fluxModule = "github.com/fluxcd/flux2/v2@v2.9.4"

type result struct {
	times  []time.Duration
	maxRSS int64 // KiB
}

func (r result) median() time.Duration {
	t := append([]time.Duration(nil), r.times...)
	sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	return t[len(t)/2]
}

func main() {
	runs := flag.Int("runs", 7, "runs per measurement (at least 5)")
	sizes := flag.String("synthetic", "100,1000,5000", "sizes of the synthetic repositories")
	fluxFlag := flag.String("flux", "auto", "the flux CLI to compare with: auto (PATH, else built from the module proxy), off, or a path")
	flag.Parse()
	if *runs < 5 {
		*runs = 5
	}
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

	fmt.Printf("%-52s %10s %10s %5s\n", "what", "median", "peak RSS", "runs")
	onedr0p := filepath.Join(corpus, "onedr0p__home-ops")
	if _, err := os.Stat(onedr0p); err == nil {
		work := filepath.Join(tmp, "onedr0p")
		check(fixture.Copy(onedr0p, work))
		cold := []string{"check", "--no-cache", "--fail-on=none", "."}
		flux := findFlux(*fluxFlag, tmp)
		if flux != "" {
			fluxArgs := []string{"build", "ks", "cluster-apps", "--path", "kubernetes/apps",
				"--kustomization-file", "kubernetes/flux/cluster/ks.yaml", "--dry-run", "--recursive",
				"--local-sources", "GitRepository/flux-system/flux-system=."}
			ours, theirs := interleave(*runs, work, bin, cold, flux, fluxArgs)
			report("fluxlint check onedr0p (no cache)", ours)
			report("flux build ks cluster-apps --recursive --dry-run", theirs)
			fmt.Printf("  ratio of medians: %.3f (goal: at most 0.05)\n", float64(ours.median())/float64(theirs.median()))
		} else {
			report("fluxlint check onedr0p (no cache)", measure(*runs, work, nil, bin, cold...))
			fmt.Println("  flux build: not measured (-flux=off, or it could not be built)")
		}
		cache := filepath.Join(tmp, "cache")
		warm := []string{"check", "--cache-dir", cache, "--fail-on=none", "."}
		measure(1, work, nil, bin, warm...)
		report("fluxlint check onedr0p, nothing changed (cache)", measure(*runs, work, nil, bin, warm...))
		// A one-line change before every run, as a commit that edits one
		// HelmRelease's values would: a value no run has seen before, so
		// that the application's build, the file's parse and the
		// HelmRelease's schema verdict all miss the cache.
		file := filepath.Join(work, "kubernetes", "apps", "default", "atuin", "app", "helmrelease.yaml")
		orig, err := os.ReadFile(file)
		check(err)
		i := 0
		edit := func() {
			i++
			line := fmt.Sprintf("TZ: Etc/Bench-%d", i)
			changed := strings.Replace(string(orig), "TZ: America/New_York", line, 1)
			if changed == string(orig) {
				changed += "# " + line + "\n"
			}
			check(os.WriteFile(file, []byte(changed), 0o644))
		}
		report("fluxlint check onedr0p, one file changed (cache)", measure(*runs, work, edit, bin, warm...))
		check(os.WriteFile(file, orig, 0o644))
		// The pre-commit hook itself: check --staged, a one-line change
		// staged before every run, in a Git copy.
		if gitInit(work) == nil {
			stage := func() {
				edit()
				_ = gitRun(work, "add", "-A")
			}
			staged := []string{"check", "--staged", "--cache-dir", cache, "--fail-on=none", "."}
			measure(1, work, stage, bin, staged...)
			report("fluxlint check --staged onedr0p (the hook, cache)", measure(*runs, work, stage, bin, staged...))
		}
	} else {
		fmt.Printf("corpus not found at %s: onedr0p__home-ops not measured\n", corpus)
	}

	toboshii := filepath.Join(corpus, "toboshii__home-ops")
	if _, err := os.Stat(toboshii); err == nil {
		work := filepath.Join(tmp, "toboshii")
		check(fixture.Copy(toboshii, work))
		report("fluxlint migrate -l toboshii (planning, no -w)", measure(*runs, work, nil, bin, "migrate", "-l", "--no-cache", "--config-namespace", "flux-system", "."))
	}

	// The synthetic sizes are measured round by round, each size once
	// per round, so that the machine's drift over the minutes this takes
	// falls on every size alike and the cost per Kustomization compares.
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		var n int
		if _, err := fmt.Sscan(s, &n); err == nil && n > 0 {
			ns = append(ns, n)
			check(synth.Generate(synthDir(tmp, n), n))
		}
	}
	results := make([]result, len(ns))
	for round := 0; round < min(*runs, 5); round++ {
		for i, n := range ns {
			results[i].add(measure(1, synthDir(tmp, n), nil, bin, "render", "--no-cache", "."))
		}
	}
	var perK float64
	for i, n := range ns {
		r := results[i]
		report(fmt.Sprintf("fluxlint render synthetic, %d Kustomizations", n), r)
		each := float64(r.median()) / float64(n)
		if perK == 0 {
			perK = each
		}
		fmt.Printf("  %.2f ms per Kustomization, %.2f of the first size's (goal: within 1.3); peak %s (goal: under 1 GiB)\n",
			each/1e6, each/perK, mb(r.maxRSS))
	}
}

func synthDir(tmp string, n int) string { return filepath.Join(tmp, fmt.Sprintf("synthetic-%d", n)) }

// gitInit makes dir a Git repository with one commit of everything in it.
func gitInit(dir string) error {
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "base"}} {
		if err := gitRun(dir, args...); err != nil {
			fmt.Fprintf(os.Stderr, "bench: git %s: %v (check --staged not measured)\n", args[0], err)
			return err
		}
	}
	return nil
}

func gitRun(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	return cmd.Run()
}

// interleave runs two commands in turn, n times each, so that both see
// the same machine.
func interleave(n int, dir, a string, aArgs []string, b string, bArgs []string) (result, result) {
	var ra, rb result
	for i := 0; i < n; i++ {
		ra.add(measure(1, dir, nil, a, aArgs...))
		rb.add(measure(1, dir, nil, b, bArgs...))
	}
	return ra, rb
}

func (r *result) add(o result) {
	r.times = append(r.times, o.times...)
	r.maxRSS = max(r.maxRSS, o.maxRSS)
}

// measure runs the command in dir n times, calling before (when set)
// before each run, and returns the times and the peak resident memory.
func measure(n int, dir string, before func(), bin string, args ...string) result {
	var r result
	for i := 0; i < n; i++ {
		if before != nil {
			before()
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Stdout = io.Discard
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		r.times = append(r.times, time.Since(start))
		if err != nil {
			if x, ok := err.(*exec.ExitError); !ok || x.ExitCode() > 1 {
				fmt.Fprintf(os.Stderr, "bench: %s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, tail(stderr.String()))
				os.Exit(2)
			}
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > r.maxRSS {
			r.maxRSS = ru.Maxrss
		}
	}
	return r
}

// findFlux returns the flux CLI to compare with, or "".
func findFlux(flag, tmp string) string {
	switch flag {
	case "off":
		return ""
	case "auto":
	default:
		return flag
	}
	if p, err := exec.LookPath("flux"); err == nil {
		return p
	}
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	version := fluxModule[strings.LastIndex(fluxModule, "@")+1:]
	bin := filepath.Join(cacheDir, "fluxlint-bench", "flux-"+version)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	fmt.Fprintf(os.Stderr, "bench: building the flux CLI %s from the module proxy (once; a few minutes)\n", version)
	if err := buildFlux(bin, tmp); err != nil {
		fmt.Fprintf(os.Stderr, "bench: could not build flux: %v\n", err)
		return ""
	}
	return bin
}

// buildFlux builds flux's command from its module. "go install" refuses
// the module (its go.mod has replace directives), so it is built in a copy
// of the module, with the replace directives in force. Its embedded
// install manifests are generated by flux's Makefile; "flux build" does
// not use them, so a placeholder stands in.
func buildFlux(bin, tmp string) error {
	out, err := exec.Command("go", "mod", "download", "-json", fluxModule).Output()
	if err != nil {
		return fmt.Errorf("go mod download %s: %w", fluxModule, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return fmt.Errorf("go mod download %s: no directory", fluxModule)
	}
	src := filepath.Join(tmp, "flux2")
	if err := fixture.Copy(mod.Dir, src); err != nil {
		return err
	}
	if err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			err = os.Chmod(p, info.Mode()|0o200)
		}
		return err
	}); err != nil {
		return err
	}
	manifests := filepath.Join(src, "cmd", "flux", "manifests")
	if err := os.MkdirAll(manifests, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(manifests, "placeholder.yaml"), []byte("# flux build needs no install manifests\n"), 0o644); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/flux")
	cmd.Dir = src
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func report(what string, r result) {
	fmt.Printf("%-52s %10s %10s %5d\n", what, r.median().Round(time.Millisecond), mb(r.maxRSS), len(r.times))
}

func mb(kib int64) string { return fmt.Sprintf("%.1fMiB", float64(kib)/1024) }

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}
