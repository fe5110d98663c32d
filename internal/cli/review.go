package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/internal/analysis"
	"github.com/fluxlint/fluxlint/internal/config"
	"github.com/fluxlint/fluxlint/internal/gitrev"
	"github.com/fluxlint/fluxlint/internal/lint"
	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/internal/review"
)

// side is one of the two trees a review compares.
type side struct {
	dir, label string
	cleanup    func()
	// checked, when set, gives the side's check, started beforehand.
	checked func() (*lint.Report, error)
}

// baseSide checks out the base of a review of dir: the merge base of
// headRev (HEAD when empty) and rev (the upstream branch when empty), or,
// with headRev "HEAD" and rev "HEAD", HEAD itself.
func baseSide(dir, headRev, rev, tmp string) (side, *gitrev.Repo, string, error) {
	if headRev == "" {
		headRev = "HEAD"
	}
	var b *review.Base
	if rev == "HEAD" {
		r, p, err := gitrev.Open(dir)
		if err != nil {
			return side{}, nil, "", err
		}
		c, err := r.Resolve("HEAD")
		if err != nil {
			return side{}, nil, "", err
		}
		b = &review.Base{Repo: r, Prefix: p, Commit: c, Label: "HEAD (" + c.Hash.String()[:12] + ")"}
	} else {
		var err error
		if b, err = review.FindBaseOf(dir, headRev, rev); err != nil {
			return side{}, nil, "", err
		}
	}
	d, err := review.Checkout(b.Repo, b.Prefix, b.Commit, tmp)
	if err != nil {
		return side{}, nil, "", err
	}
	return side{dir: d, label: b.Label, cleanup: func() { os.RemoveAll(d) }}, b.Repo, b.Prefix, nil
}

// startCheck starts checkSide on dir and returns what waits for it.
func startCheck(rf *renderFlags, opts render.Options, cfg *config.Config, dir string) func() (*lint.Report, error) {
	done := make(chan struct{})
	var rep *lint.Report
	var err error
	go func() {
		defer close(done)
		rep, err = checkSide(rf, opts, cfg, dir)
	}()
	return func() (*lint.Report, error) {
		<-done
		return rep, err
	}
}

// checkSide runs the checks on one tree, with the configuration and
// flags of the working tree.
func checkSide(rf *renderFlags, opts render.Options, cfg *config.Config, dir string) (*lint.Report, error) {
	return lint.Run(lint.Options{Render: opts.In(dir), Config: cfg, Suite: analyzers.All, Profile: rf.overrides()})
}

func runDiff(e *env, args []string) int {
	fs := newFlagSet(e, "diff", "[PATH]")
	var rf renderFlags
	rf.add(fs)
	baseRev := fs.String("base", "", "compare with the merge base of the head and this revision (default: the upstream branch)")
	headRev := fs.String("head", "", "compare this revision instead of the working tree")
	outFormat := fs.String("format", "text", "output format: text, json or markdown (a pull request comment)")
	failOn := fs.String("fail-on", "error", "exit 1 when the change introduces a finding at or above this severity: error, warning, info or none")
	colorMode := fs.String("color", "auto", "colour the text output: auto, always or never")
	limit := fs.Int("limit", review.CommentLimit, "the most characters of the markdown output (GitHub takes 65,536 in a comment)")
	rest, code, ok := parse(e, fs, args)
	if !ok {
		return code
	}
	switch *outFormat {
	case "text", "json", "markdown":
	default:
		fmt.Fprintf(e.stderr, "fluxlint diff: unknown --format %q (text, json or markdown)\n", *outFormat)
		return ExitError
	}
	fail, err := failLevel(*failOn)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint diff: %v\n", err)
		return ExitError
	}
	color, err := e.useColor(*colorMode)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint diff: %v\n", err)
		return ExitError
	}
	dir, code, ok := pathArg(e, "diff", rest)
	if !ok {
		return code
	}
	opts, cfg, err := rf.resolve(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint diff: %v\n", err)
		return ExitError
	}
	base, repo, prefix, err := baseSide(dir, *headRev, *baseRev, opts.TempDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint diff: %v\n", err)
		return ExitError
	}
	defer base.cleanup()
	head := side{dir: dir, label: "working tree", cleanup: func() {}}
	if *headRev != "" {
		c, err := repo.Resolve(*headRev)
		if err == nil {
			var d string
			if d, err = review.Checkout(repo, prefix, c, opts.TempDir); err == nil {
				head = side{dir: d, label: *headRev + " (" + c.Hash.String()[:12] + ")", cleanup: func() { os.RemoveAll(d) }}
			}
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "fluxlint diff: --head: %v\n", err)
			return ExitError
		}
	}
	defer head.cleanup()
	res, code, ok := compareSides(e, "diff", &rf, opts, cfg, base, head)
	if !ok {
		return code
	}
	switch *outFormat {
	case "json":
		err = res.JSON(e.stdout)
	case "markdown":
		err = res.Markdown(e.stdout, *limit, "fluxlint "+strings.Join(without(args, "--format", "markdown", "--format=markdown"), " "))
	default:
		err = res.Text(e.stdout, color)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "fluxlint diff: %v\n", err)
		return ExitError
	}
	for _, d := range res.Introduced {
		if fail != analysis.Off && d.Severity >= fail {
			return ExitFindings
		}
	}
	return ExitOK
}

// compareSides checks both trees and compares them.
func compareSides(e *env, cmd string, rf *renderFlags, opts render.Options, cfg *config.Config, base, head side) (*review.Result, int, bool) {
	// The base first: the head's builds that read what the base's read
	// come from the cache.
	if opts.Cache == nil {
		opts.Cache = &render.BuildCache{}
	}
	baseRep, err := checkSide(rf, opts, cfg, base.dir)
	var headRep *lint.Report
	if head.checked != nil {
		var herr error
		headRep, herr = head.checked()
		if err == nil {
			err = herr
		}
	} else if err == nil {
		headRep, err = checkSide(rf, opts, cfg, head.dir)
	}
	if err == nil {
		if rf.refuseEmpty(e, cmd, headRep.Result) {
			return nil, ExitError, false
		}
		return review.Compare(review.Side{Rev: base.label, Report: baseRep}, review.Side{Rev: head.label, Report: headRep}), 0, true
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintf(e.stderr, "%v\n", err)
	} else {
		fmt.Fprintf(e.stderr, "fluxlint %s: %v\n", cmd, err)
	}
	return nil, ExitError, false
}

// without drops words from a command line.
func without(args []string, drop ...string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		skip := false
		for _, d := range drop {
			if args[i] == d {
				skip = true
			}
		}
		if args[i] == "--format" && i+1 < len(args) {
			i++
			continue
		}
		if !skip {
			out = append(out, args[i])
		}
	}
	return append([]string{"diff"}, out...)
}

// changedOnly checks the working tree (or, staged, the index) and keeps
// the findings the change from the base can be blamed for.
func changedOnly(e *env, rf *renderFlags, opts render.Options, cfg *config.Config, dir, rev string, staged bool) (*lint.Report, int, bool) {
	cmd := "check"
	var base, head side
	var err error
	if opts.Cache == nil {
		opts.Cache = &render.BuildCache{}
	}
	// When the head is the work tree, its check runs while the base is
	// checked out: one is I/O, the other CPU. The work tree stands for the
	// index when it holds exactly what is staged.
	inPlace := !staged
	if staged {
		if repo, prefix, oerr := gitrev.Open(dir); oerr == nil {
			inPlace, _ = repo.IndexIsWorkTree(prefix)
		}
	}
	if inPlace {
		label := "working tree"
		if staged {
			label = "index"
		}
		head = side{dir: dir, label: label, cleanup: func() {}, checked: startCheck(rf, opts, cfg, dir)}
	}
	if staged {
		var repo *gitrev.Repo
		var prefix string
		if base, repo, prefix, err = baseSide(dir, "HEAD", "HEAD", opts.TempDir); err == nil && !inPlace {
			var d string
			if d, err = review.Checkout(repo, prefix, nil, opts.TempDir); err == nil {
				head = side{dir: d, label: "index", cleanup: func() { os.RemoveAll(d) }}
			}
		}
	} else {
		base, _, _, err = baseSide(dir, "HEAD", rev, opts.TempDir)
	}
	if err != nil && head.checked != nil {
		_, _ = head.checked() // let it finish before returning
	}
	if err != nil {
		flag := "--new-from-rev"
		if staged {
			flag = "--staged"
		}
		fmt.Fprintf(e.stderr, "fluxlint %s: %s: %v\n", cmd, flag, err)
		return nil, ExitError, false
	}
	defer base.cleanup()
	defer head.cleanup()
	res, code, ok := compareSides(e, cmd, rf, opts, cfg, base, head)
	if !ok {
		return nil, code, false
	}
	before := map[string]bool{}
	for _, d := range res.Base.Report.Diagnostics {
		before[d.Fingerprint()] = true
	}
	rep := res.Head.Report
	rep.Diagnostics = lint.Apply(rep.Diagnostics, []lint.Filter{lint.Changed{Objects: res.ChangedObjects, Before: before}}, rep.Dropped)
	return rep, 0, true
}

// baselineFile is the file --write-baseline writes: one finding per line,
// so that an entry that matches nothing can be pointed at.
type baselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Object      string `json:"object,omitempty"`
	File        string `json:"file"`
	Message     string `json:"message"`
}

func (e *env) writeBaseline(path string, ds []analysis.Diagnostic) error {
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"tool\": \"fluxlint\",\n  \"findings\": [\n")
	for i, d := range ds {
		en := baselineEntry{Fingerprint: d.Fingerprint(), Rule: d.Rule, File: d.Pos.File, Message: d.Message}
		if d.Object != nil {
			en.Object = d.Object.ID()
		}
		line, err := json.Marshal(en)
		if err != nil {
			return err
		}
		b.WriteString("    " + string(line))
		if i < len(ds)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return e.output(path, []byte(b.String()))
}

// readBaseline reads the fingerprints of a baseline file, with the line
// of each.
func readBaseline(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Version  int             `json:"version"`
		Findings []baselineEntry `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if doc.Version != 1 {
		return nil, fmt.Errorf("%s: version %d is not one this fluxlint reads", path, doc.Version)
	}
	out := map[string]bool{}
	for _, f := range doc.Findings {
		out[f.Fingerprint] = true
	}
	return out, nil
}

// staleBaseline reports the entries of a baseline that matched no finding:
// the problem was fixed, and the entry can go.
func staleBaseline(name, path string, b *lint.Baseline) []analysis.Diagnostic {
	data, _ := os.ReadFile(path)
	var out []analysis.Diagnostic
	for i, l := range strings.Split(string(data), "\n") {
		var en baselineEntry
		if json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimSpace(l), ",")), &en) != nil || en.Fingerprint == "" || b.Seen[en.Fingerprint] {
			continue
		}
		what := en.Rule
		if en.Object != "" {
			what += " on " + en.Object
		}
		out = append(out, analysis.Diagnostic{Rule: analyzers.StaleBaseline.Name, Severity: analyzers.StaleBaseline.Severity,
			Pos:     load.Pos{File: filepath.ToSlash(name), Line: i + 1, Col: 1},
			Message: fmt.Sprintf("the baseline entry for %s (%s) matches no finding any more: it was fixed; take the line out", what, en.Fingerprint)})
	}
	return out
}
