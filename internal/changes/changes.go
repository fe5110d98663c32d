package changes

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// Since returns the files under dir that differ from revision rev (in the
// index or the working tree), plus the untracked ones, as slash paths
// relative to dir.
func Since(dir, rev string) (map[string]bool, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("revision %q: must not start with '-'", rev)
	}
	if err := inRepository(dir); err != nil {
		return nil, err
	}
	out, err := git(dir, "diff", "--name-only", "--relative", "--no-renames", rev, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := git(dir, "ls-files", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	return lines(out, untracked), nil
}

// Staged returns the files under dir that are staged for the next commit
// (added, copied, modified, renamed or deleted), relative to dir.
func Staged(dir string) (map[string]bool, error) {
	if err := inRepository(dir); err != nil {
		return nil, err
	}
	out, err := git(dir, "diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMRD")
	if err != nil {
		return nil, err
	}
	return lines(out), nil
}

// inRepository checks that dir is inside a git work tree, so that git is
// never asked to diff files outside one (it would answer with its whole
// usage text).
func inRepository(dir string) error {
	out, err := git(dir, "rev-parse", "--is-inside-work-tree")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return fmt.Errorf("%s is not inside a git work tree", dir)
	}
	return nil
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "core.quotepath=off"}, args...)...)
	cmd.Env = append(cmd.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

func lines(outs ...[]byte) map[string]bool {
	set := map[string]bool{}
	for _, out := range outs {
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				set[l] = true
			}
		}
	}
	return set
}
