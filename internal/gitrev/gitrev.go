// Package gitrev reads revisions of a Git repository the way a reviewer
// needs them, with go-git's object storage and without git: it resolves a
// revision, finds the merge base of two commits and the upstream of the
// current branch, and puts the files of a commit (or of the index) in a
// directory of their own. It never writes to the repository, its work
// tree or its index, starts no process and reaches no network.
package gitrev

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Repo is a Git repository opened for reading.
type Repo struct {
	// Root is the work tree's top directory.
	Root string
	st   *filesystem.Storage
}

// Open opens the Git repository that holds dir, and says where dir is in
// its work tree (a slash path, "" for the top).
func Open(dir string) (*Repo, string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for d := abs; ; d = filepath.Dir(d) {
		gitDir, common, ok := findGitDir(d)
		if ok {
			fs := osfs.New(gitDir)
			if common != "" {
				fs = dotgit.NewRepositoryFilesystem(osfs.New(gitDir), osfs.New(common))
			}
			st := filesystem.NewStorage(fs, cache.NewObjectLRUDefault())
			rel, err := filepath.Rel(d, abs)
			if err != nil {
				return nil, "", err
			}
			rel = filepath.ToSlash(rel)
			if rel == "." {
				rel = ""
			}
			return &Repo{Root: d, st: st}, rel, nil
		}
		if filepath.Dir(d) == d {
			return nil, "", fmt.Errorf("%s is not inside a Git repository", dir)
		}
	}
}

// findGitDir finds the git directory of a work tree top: ".git", or the
// directory a ".git" file names (a worktree or a submodule); and, for a
// linked worktree, the common directory that holds the objects and the
// shared refs (its own holds HEAD and the index).
func findGitDir(top string) (dir, common string, ok bool) {
	p := filepath.Join(top, ".git")
	info, err := os.Lstat(p)
	switch {
	case err != nil:
		return "", "", false
	case info.IsDir():
		return p, "", true
	case info.Mode().IsRegular():
		b, err := os.ReadFile(p)
		if err != nil {
			return "", "", false
		}
		dir := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(b)), "gitdir:"))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(top, dir)
		}
		if c, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(dir, common)
			}
			return dir, common, true
		}
		return dir, "", true
	}
	return "", "", false
}

var (
	hexRev    = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
	ancestors = regexp.MustCompile(`^(.*?)((?:[~^][0-9]*)*)$`)
)

// Resolve turns a revision into a commit: a (short) commit hash, HEAD, a
// branch, remote-tracking branch or tag, each with ~N and ^N suffixes.
func (r *Repo) Resolve(rev string) (*object.Commit, error) {
	if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, " \t\n:") {
		return nil, fmt.Errorf("revision %q: not a revision", rev)
	}
	m := ancestors.FindStringSubmatch(rev)
	base, suffix := m[1], m[2]
	c, err := r.resolveBase(base)
	if err != nil {
		return nil, err
	}
	for suffix != "" {
		op := suffix[0]
		i := 1
		for i < len(suffix) && suffix[i] >= '0' && suffix[i] <= '9' {
			i++
		}
		n := 1
		if i > 1 {
			n, _ = strconv.Atoi(suffix[1:i])
		}
		suffix = suffix[i:]
		switch op {
		case '~':
			for ; n > 0; n-- {
				if c, err = firstParent(c); err != nil {
					return nil, fmt.Errorf("revision %q: %w", rev, err)
				}
			}
		case '^':
			if n == 0 {
				continue
			}
			if n > c.NumParents() {
				return nil, fmt.Errorf("revision %q: commit %s has no parent %d", rev, c.Hash.String()[:12], n)
			}
			if c, err = c.Parent(n - 1); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

func firstParent(c *object.Commit) (*object.Commit, error) {
	if c.NumParents() == 0 {
		return nil, fmt.Errorf("commit %s has no parent", c.Hash.String()[:12])
	}
	return c.Parent(0)
}

func (r *Repo) resolveBase(name string) (*object.Commit, error) {
	if name == "HEAD" || name == "@" {
		ref, err := storer.ResolveReference(r.st, plumbing.HEAD)
		if err != nil {
			return nil, fmt.Errorf("HEAD: %w", err)
		}
		return r.commit(ref.Hash())
	}
	for _, prefix := range []string{"", "refs/", "refs/heads/", "refs/remotes/", "refs/tags/"} {
		ref, err := storer.ResolveReference(r.st, plumbing.ReferenceName(prefix+name))
		if err == nil {
			return r.commit(ref.Hash())
		}
	}
	if hexRev.MatchString(name) {
		if len(name) == 40 {
			return r.commit(plumbing.NewHash(name))
		}
		var found []plumbing.Hash
		iter, err := r.st.IterEncodedObjects(plumbing.CommitObject)
		if err == nil {
			_ = iter.ForEach(func(o plumbing.EncodedObject) error {
				if strings.HasPrefix(o.Hash().String(), name) {
					found = append(found, o.Hash())
				}
				return nil
			})
		}
		switch len(found) {
		case 1:
			return r.commit(found[0])
		case 0:
		default:
			return nil, fmt.Errorf("revision %q is ambiguous", name)
		}
	}
	return nil, fmt.Errorf("revision %q: no such commit, branch or tag", name)
}

func (r *Repo) commit(h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(r.st, h)
	if err != nil {
		// An annotated tag.
		if t, terr := object.GetTag(r.st, h); terr == nil {
			return t.Commit()
		}
		return nil, fmt.Errorf("commit %s: %w", h.String()[:12], err)
	}
	return c, nil
}

// MergeBase is the best common ancestor of two commits.
func (r *Repo) MergeBase(a, b *object.Commit) (*object.Commit, error) {
	bases, err := a.MergeBase(b)
	if err != nil {
		return nil, err
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("commits %s and %s have no common ancestor", a.Hash.String()[:12], b.Hash.String()[:12])
	}
	return bases[0], nil
}

// Upstream names the branch a review compares with: the upstream of the
// current branch (branch.<name>.remote and .merge), else the remote's
// default branch (refs/remotes/origin/HEAD), else origin/main,
// origin/master, main or master, whichever exists.
func (r *Repo) Upstream() (string, error) {
	head, err := r.st.Reference(plumbing.HEAD)
	if err == nil && head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() {
		branch := head.Target().Short()
		if cfg, err := r.st.Config(); err == nil {
			if b, ok := cfg.Branches[branch]; ok && b.Remote != "" && b.Merge != "" {
				if b.Remote == "." {
					return b.Merge.Short(), nil
				}
				return b.Remote + "/" + b.Merge.Short(), nil
			}
		}
	}
	if ref, err := r.st.Reference("refs/remotes/origin/HEAD"); err == nil && ref.Type() == plumbing.SymbolicReference {
		return strings.TrimPrefix(string(ref.Target()), "refs/remotes/"), nil
	}
	for _, name := range []string{"refs/remotes/origin/main", "refs/remotes/origin/master", "refs/heads/main", "refs/heads/master"} {
		if _, err := r.st.Reference(plumbing.ReferenceName(name)); err == nil {
			n := strings.TrimPrefix(strings.TrimPrefix(name, "refs/remotes/"), "refs/heads/")
			return n, nil
		}
	}
	return "", errors.New("no upstream branch: give the base with --base")
}

// Limits bound what Extract writes.
type Limits struct {
	Files int
	Bytes int64
}

// DefaultLimits are generous for a GitOps repository (the corpus's
// largest has a few thousand files and a few megabytes).
var DefaultLimits = Limits{Files: 200000, Bytes: 1 << 30}

// Extract writes the regular files of a commit's tree under prefix (a
// slash path in the work tree, "" for all) to dst, as they are in the
// commit. Symbolic links and submodules are left out, as Flux's
// artifacts leave them out.
func (r *Repo) Extract(c *object.Commit, prefix, dst string, lim Limits) error {
	tree, err := c.Tree()
	if err != nil {
		return err
	}
	if prefix != "" {
		sub, err := tree.Tree(prefix)
		if err != nil {
			return fmt.Errorf("%s is not in commit %s", prefix, c.Hash.String()[:12])
		}
		tree = sub
	}
	w := &writer{dst: dst, lim: lim}
	// A file the work tree holds unchanged since the index recorded it,
	// with the commit's content, is linked (or copied) from there instead
	// of being inflated from the object store: as git itself does, the
	// index's size and modification time say it is unchanged.
	same := map[string]bool{}
	if idx, err := r.st.Index(); err == nil {
		for _, e := range idx.Entries {
			same[e.Name+"\x00"+e.Hash.String()] = r.unchanged(e.Name, int64(e.Size), e.ModifiedAt.UnixNano())
		}
	}
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		name, entry, err := walker.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if entry.Mode != filemode.Regular && entry.Mode != filemode.Executable && entry.Mode != filemode.Deprecated {
			continue
		}
		full := name
		if prefix != "" {
			full = prefix + "/" + name
		}
		if same[full+"\x00"+entry.Hash.String()] {
			if err := w.link(name, filepath.Join(r.Root, filepath.FromSlash(full))); err == nil {
				continue
			}
		}
		blob, err := object.GetBlob(r.st, entry.Hash)
		if err != nil {
			return err
		}
		if err := w.write(name, blob, entry.Mode == filemode.Executable); err != nil {
			return err
		}
	}
}

// unchanged reports whether a work tree file has the size and
// modification time the index recorded for it.
func (r *Repo) unchanged(name string, size, mtime int64) bool {
	info, err := os.Lstat(filepath.Join(r.Root, filepath.FromSlash(name)))
	return err == nil && info.Mode().IsRegular() && info.Size() == size && info.ModTime().UnixNano() == mtime
}

// staged lists the index's entries under prefix, by their path relative
// to it; unmerged paths are left out.
func (r *Repo) staged(prefix string) (map[string]*index.Entry, error) {
	idx, err := r.st.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the index: %w", err)
	}
	out := map[string]*index.Entry{}
	for _, e := range idx.Entries {
		name := e.Name
		if prefix != "" {
			if !strings.HasPrefix(name, prefix+"/") {
				continue
			}
			name = strings.TrimPrefix(name, prefix+"/")
		}
		if e.Stage == 0 {
			out[name] = e
		}
	}
	return out, nil
}

// ExtractIndex writes the files staged in the index under prefix to dst:
// what the next commit holds.
func (r *Repo) ExtractIndex(prefix, dst string, lim Limits) error {
	entries, err := r.staged(prefix)
	if err != nil {
		return err
	}
	w := &writer{dst: dst, lim: lim}
	for name, e := range entries {
		if e.Mode != filemode.Regular && e.Mode != filemode.Executable && e.Mode != filemode.Deprecated {
			continue
		}
		blob, err := object.GetBlob(r.st, e.Hash)
		if err != nil {
			return err
		}
		if err := w.write(name, blob, e.Mode == filemode.Executable); err != nil {
			return err
		}
	}
	return nil
}

// IndexIsWorkTree reports whether the work tree under prefix holds
// exactly what the index stages there: the same regular files, each
// unchanged since the index recorded it (its size and modification time,
// as git itself judges), and no other file, link or repository. Then the
// work tree can stand for the index without extracting it; a pre-commit
// hook, which runs with the unstaged changes stashed, usually finds it so.
func (r *Repo) IndexIsWorkTree(prefix string) (bool, error) {
	entries, err := r.staged(prefix)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Mode != filemode.Regular && e.Mode != filemode.Executable && e.Mode != filemode.Deprecated {
			return false, nil // a link or a submodule, which extraction leaves out
		}
	}
	top := filepath.Join(r.Root, filepath.FromSlash(prefix))
	seen := 0
	same := true
	err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			if p == filepath.Join(r.Root, ".git") && d.IsDir() {
				return fs.SkipDir
			}
			same = false // another repository inside this one
			return fs.SkipAll
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(top, p)
		if err != nil {
			return err
		}
		e := entries[filepath.ToSlash(rel)]
		if e == nil || !d.Type().IsRegular() {
			same = false // not staged, or a link
			return fs.SkipAll
		}
		full := filepath.ToSlash(rel)
		if prefix != "" {
			full = prefix + "/" + full
		}
		if !r.unchanged(full, int64(e.Size), e.ModifiedAt.UnixNano()) {
			same = false
			return fs.SkipAll
		}
		seen++
		return nil
	})
	if err != nil {
		return false, err
	}
	return same && seen == len(entries), nil
}

// writer writes blobs under dst, within limits, never outside it.
type writer struct {
	dst   string
	lim   Limits
	files int
	bytes int64
}

// link puts a work tree file at name, as a hard link or a copy.
func (w *writer) link(name, from string) error {
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") || path.IsAbs(clean) || strings.HasPrefix(clean, ".git/") || strings.Contains(clean, "/.git/") {
		return nil
	}
	info, err := os.Lstat(from)
	if err != nil || !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	w.files++
	w.bytes += info.Size()
	if w.files > w.lim.Files || w.bytes > w.lim.Bytes {
		return fmt.Errorf("the revision holds more than %d files or %d bytes, which is more than fluxlint reads", w.lim.Files, w.lim.Bytes)
	}
	p := filepath.Join(w.dst, filepath.FromSlash(clean))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if os.Link(from, p) == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(p, data, info.Mode().Perm())
}

func (w *writer) write(name string, blob *object.Blob, exec bool) error {
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") || path.IsAbs(clean) || strings.Contains(clean, "/.git/") || strings.HasPrefix(clean, ".git/") {
		return nil
	}
	w.files++
	w.bytes += blob.Size
	if w.files > w.lim.Files || w.bytes > w.lim.Bytes {
		return fmt.Errorf("the revision holds more than %d files or %d bytes, which is more than fluxlint reads", w.lim.Files, w.lim.Bytes)
	}
	p := filepath.Join(w.dst, filepath.FromSlash(clean))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	rd, err := blob.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	mode := os.FileMode(0o644)
	if exec {
		mode = 0o755
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, io.LimitReader(rd, blob.Size))
	return errors.Join(err, f.Close())
}
