package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"github.com/fluxcd/pkg/sourceignore"
	"github.com/fluxcd/pkg/sourceignore/gitignore"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// View is the content source-controller would put into the artifact of a
// source made from a Repo: the regular files that no ignore rule excludes.
// Symbolic links are never part of it. It is a view, not a copy: its file
// system reads the repository in place and refuses everything the artifact
// would not hold.
type View struct {
	Repo *Repo
	// Included lists the files of the artifact.
	Included []*File
	included map[string]bool
	dirs     map[string]bool
}

// IgnoreMatcher builds the matcher source-controller uses: the patterns of
// every .sourceignore file plus spec.ignore; when there are none, the VCS and
// default exclusions; when there are some, only the VCS exclusions are kept
// in front of them.
func (r *Repo) IgnoreMatcher(specIgnore string) gitignore.Matcher {
	var ps []gitignore.Pattern
	for _, p := range r.paths {
		if path.Base(p) != sourceignore.IgnoreFile {
			continue
		}
		data, err := r.files[p].Data()
		if err != nil {
			continue
		}
		var domain []string
		if dir := path.Dir(p); dir != "." {
			domain = strings.Split(dir, "/")
		}
		ps = append(ps, sourceignore.ReadPatterns(bytes.NewReader(data), domain)...)
	}
	if specIgnore != "" {
		ps = append(ps, sourceignore.ReadPatterns(strings.NewReader(specIgnore), nil)...)
	}
	if len(ps) == 0 {
		return sourceignore.NewDefaultMatcher(nil, nil)
	}
	return sourceignore.NewMatcher(append(sourceignore.VCSPatterns(nil), ps...))
}

// GitIgnored reports whether Git ignores the file at rel: a pattern of a
// .gitignore file of the tree, or of .git/info/exclude, matches it or a
// directory above it. Such a file is not committed unless someone forced
// it in, which fluxlint cannot see without reading Git's index; a
// developer's decrypted copy of a Secret is the common case.
func (r *Repo) GitIgnored() func(rel string) bool {
	var ps []gitignore.Pattern
	for _, p := range r.paths {
		if path.Base(p) != ".gitignore" {
			continue
		}
		data, err := r.files[p].Data()
		if err != nil {
			continue
		}
		var domain []string
		if dir := path.Dir(p); dir != "." {
			domain = strings.Split(dir, "/")
		}
		ps = append(ps, sourceignore.ReadPatterns(bytes.NewReader(data), domain)...)
	}
	// Only a regular file: a link could lead out of the repository.
	exclude := filepath.Join(r.Root, ".git", "info", "exclude")
	if info, err := os.Lstat(exclude); err == nil && info.Mode().IsRegular() && info.Size() <= 1<<20 {
		if data, err := os.ReadFile(exclude); err == nil {
			ps = append(ps, sourceignore.ReadPatterns(bytes.NewReader(data), nil)...)
		}
	}
	if len(ps) == 0 {
		return func(string) bool { return false }
	}
	m := gitignore.NewMatcher(ps)
	return func(rel string) bool {
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			if m.Match(parts[:i], true) {
				return true
			}
		}
		return m.Match(parts, false)
	}
}

// View returns the artifact of the repo for a source with the given
// spec.ignore.
func (r *Repo) View(specIgnore string) *View {
	m := r.IgnoreMatcher(specIgnore)
	v := &View{Repo: r, included: map[string]bool{}, dirs: map[string]bool{".": true}}
	for _, p := range r.paths {
		if m.Match(strings.Split(p, "/"), false) {
			continue
		}
		v.Included = append(v.Included, r.files[p])
		v.included[p] = true
		for d := path.Dir(p); !v.dirs[d]; d = path.Dir(d) {
			v.dirs[d] = true
		}
	}
	for d := range r.dirs {
		if !m.Match(strings.Split(d, "/"), true) {
			v.dirs[d] = true
		}
	}
	return v
}

// Contains reports whether the artifact holds the file at rel. A refused
// file (see File.Refusal) is never part of it.
func (v *View) Contains(rel string) bool {
	return v.included[rel] && v.Repo.files[rel].Refusal() == nil
}

// IsDir reports whether the artifact has the directory rel.
func (v *View) IsDir(rel string) bool { return v.dirs[rel] }

// SameOnDisk reports whether the tree at rel reads the same on disk as in
// the artifact: no symbolic link under it and no file left out.
func (v *View) SameOnDisk(rel string) bool {
	for _, l := range v.Repo.Symlinks {
		if under(l, rel) {
			return false
		}
	}
	for _, p := range v.Repo.paths {
		if under(p, rel) && !v.Contains(p) {
			return false
		}
	}
	return true
}

func under(p, dir string) bool { return dir == "." || p == dir || strings.HasPrefix(p, dir+"/") }

// Materialize copies the artifact's files under rel (hard links where the
// file system allows) into a new directory under tmpBase, for code that
// can only read an artifact from disk. The caller removes the directory.
func (v *View) Materialize(rel, tmpBase string) (string, error) {
	dir, err := os.MkdirTemp(tmpBase, "fluxlint-artifact-")
	if err != nil {
		return "", err
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(rel)), 0o750); err != nil {
		return dir, err
	}
	for _, f := range v.Included {
		if !under(f.Path, rel) || f.Refusal() != nil {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return dir, err
		}
		if os.Link(f.AbsPath(), dst) == nil {
			continue
		}
		if err := copyFile(f.AbsPath(), dst); err != nil {
			return dir, fmt.Errorf("copying %s: %w", f.Path, err)
		}
	}
	return dir, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// FS returns a read-only kustomize file system over the artifact. Paths are
// the repository's own (under Repo.Root); anything outside the repository,
// any symbolic link and any excluded file does not exist for it.
func (v *View) FS() (filesys.FileSystem, error) {
	disk, err := securefs.MakeFsOnDiskSecure(v.Repo.Root)
	if err != nil {
		return nil, err
	}
	return viewFS{v: v, disk: disk}, nil
}

type viewFS struct {
	v    *View
	disk filesys.FileSystem
}

var errReadOnly = errors.New("the artifact is read-only")

// rel maps an absolute path to the repository; ok is false outside it.
func (f viewFS) rel(p string) (string, bool) {
	if !filepath.IsAbs(p) {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", false
		}
		p = a
	}
	return f.v.Repo.Rel(filepath.Clean(p))
}

func (f viewFS) hasFile(p string) bool {
	rel, ok := f.rel(p)
	return ok && f.v.Contains(rel)
}

func (f viewFS) hasDir(p string) bool {
	rel, ok := f.rel(p)
	return ok && f.v.dirs[rel]
}

func (f viewFS) has(p string) bool { return f.hasFile(p) || f.hasDir(p) }

func notExist(op, p string) error { return &fs.PathError{Op: op, Path: p, Err: fs.ErrNotExist} }

func (f viewFS) Create(p string) (filesys.File, error) { return nil, errReadOnly }
func (f viewFS) Mkdir(p string) error                  { return errReadOnly }
func (f viewFS) MkdirAll(p string) error               { return errReadOnly }
func (f viewFS) RemoveAll(p string) error              { return errReadOnly }
func (f viewFS) WriteFile(p string, _ []byte) error    { return errReadOnly }

func (f viewFS) Open(p string) (filesys.File, error) {
	if !f.hasFile(p) {
		return nil, notExist("open", p)
	}
	return f.disk.Open(p)
}

// ReadFile serves a file from the content read when the repository was
// parsed, so a file many builds read comes off the disk once. The slice's
// capacity is its length: a reader that appends to it gets a copy.
func (f viewFS) ReadFile(p string) ([]byte, error) {
	rel, ok := f.rel(p)
	if !ok || !f.v.Contains(rel) {
		return nil, notExist("read", p)
	}
	if file := f.v.Repo.File(rel); file != nil {
		if data, err := file.Data(); err == nil {
			return data[:len(data):len(data)], nil
		}
	}
	return f.disk.ReadFile(p)
}

func (f viewFS) IsDir(p string) bool  { return f.hasDir(p) }
func (f viewFS) Exists(p string) bool { return f.has(p) }

func (f viewFS) ReadDir(p string) ([]string, error) {
	if !f.hasDir(p) {
		return nil, notExist("readdir", p)
	}
	names, err := f.disk.ReadDir(p)
	var out []string
	for _, n := range names {
		if f.has(filepath.Join(p, n)) {
			out = append(out, n)
		}
	}
	return out, err
}

func (f viewFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	d, name, err := f.disk.CleanedAbs(p)
	if err != nil {
		return d, name, err
	}
	if !f.hasDir(d.String()) || (name != "" && !f.hasFile(filepath.Join(d.String(), name))) {
		return "", "", notExist("stat", p)
	}
	return d, name, nil
}

func (f viewFS) Glob(pattern string) ([]string, error) {
	matches, err := f.disk.Glob(pattern)
	var out []string
	for _, m := range matches {
		if f.has(m) {
			out = append(out, m)
		}
	}
	return out, err
}

func (f viewFS) Walk(p string, fn filepath.WalkFunc) error {
	if !f.has(p) {
		return fn(p, nil, notExist("walk", p))
	}
	return f.disk.Walk(p, func(q string, info os.FileInfo, err error) error {
		if err == nil && !f.has(q) {
			if info != nil && info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		return fn(q, info, err)
	})
}
