package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/render"
)

// runCharts runs "fluxlint charts pull [PATH]": it renders the repository
// (offline, as check does) to find every chart the HelmReleases ask a
// HelmRepository or OCI registry for, then fetches each into the chart
// cache at the version its HelmRelease pins (a range is resolved against
// the repository's index or tags, and the resolution recorded), and
// writes the lock file. A chart whose digest differs from the lock is
// refused.
func runCharts(e *env, args []string) int {
	switch {
	case len(args) > 0 && args[0] == "pull":
		args = args[1:]
	case e.capture != nil, len(args) > 0 && (args[0] == "-h" || args[0] == "--help"):
	default:
		fmt.Fprintln(e.stderr, "fluxlint charts: want a subcommand: pull [PATH]")
		return ExitError
	}
	fs := newFlagSet(e, "charts pull", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	lockFile := fs.String("lock", "", "the lock file to read and write (default: PATH/"+helm.LockFile+")")
	update := fs.Bool("update", false, "resolve version ranges again instead of keeping the versions the lock holds")
	plainHTTP := fs.Bool("plain-http", false, "reach OCI registries over plain HTTP")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	dir, code, ok := pathArg(e, "charts pull", rest)
	if !ok {
		return code
	}
	opts, _, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint charts pull: %v\n", err)
		return ExitError
	}
	res, err := render.Render(opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint charts pull: %v\n", err)
		return ExitError
	}
	lf := *lockFile
	if lf == "" {
		lf = filepath.Join(res.Repo.Root, helm.LockFile)
	} else {
		lf = e.abs(lf)
	}
	lock, err := helm.ReadLock(lf)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint charts pull: %v\n", err)
		return ExitError
	}
	p := &helm.Puller{Cache: helm.Cache{Dir: opts.Charts.Cache}, Lock: lock, PlainHTTP: *plainHTTP, Update: *update}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	seen := map[helm.ChartRequest]bool{}
	failed := 0
	for _, use := range res.Charts {
		if seen[use.Request] {
			continue
		}
		seen[use.Request] = true
		entry, err := p.Pull(ctx, use.Request)
		if err != nil {
			failed++
			what := "cannot fetch"
			if errors.Is(err, helm.ErrDigestMismatch) {
				what = "refused"
			}
			fmt.Fprintf(e.stderr, "%s: %s %v (HelmRelease %s/%s)\n", use.Release.Pos(), what, err, use.Release.Namespace, use.Release.Name)
			continue
		}
		resolved := ""
		if entry.Requested != "" {
			resolved = fmt.Sprintf(" (%s resolved to %s)", entry.Requested, entry.Version)
		}
		fmt.Fprintf(e.stdout, "%s %s from %s%s %s\n", entry.Chart, entry.Version, entry.Repository, resolved, entry.Digest)
	}
	if len(seen) == failed && len(lock.Charts) == 0 {
		fmt.Fprintf(e.stderr, "fluxlint charts pull: no chart fetched; %s not written\n", lf)
		return ExitError
	}
	if err := lock.Write(lf); err != nil {
		fmt.Fprintf(e.stderr, "fluxlint charts pull: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(e.stdout, "%d chart(s) in %s; lock: %s\n", len(seen)-failed, opts.Charts.Cache, lf)
	if failed > 0 {
		return ExitError
	}
	return ExitOK
}
