package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fluxcd/pkg/sourceignore"
	"github.com/fluxcd/pkg/sourceignore/gitignore"
)

// Artifact is the content source-controller would archive from a Repo for a
// source object: the regular files that no ignore rule excludes. Symbolic
// links are never part of it. It is materialised in a private temporary
// directory so that Flux's own kustomize generator can read it exactly as
// kustomize-controller reads an unpacked artifact; the repository on disk is
// never written to.
type Artifact struct {
	Repo *Repo
	// Dir is the temporary directory that holds the artifact's files.
	Dir string
	// Included lists the files of the artifact.
	Included []*File
	included map[string]bool
}

// Contains reports whether the artifact holds the file at rel.
func (a *Artifact) Contains(rel string) bool { return a.included[rel] }

// Close removes the temporary directory.
func (a *Artifact) Close() error { return os.RemoveAll(a.Dir) }

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

// Materialize writes the artifact of the repo for a source with the given
// spec.ignore into a new directory under tmpBase (os.TempDir when empty).
// Files are hard-linked when the file system allows it, copied otherwise.
func (r *Repo) Materialize(specIgnore, tmpBase string) (*Artifact, error) {
	dir, err := os.MkdirTemp(tmpBase, "fluxlint-artifact-")
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return nil, err
	}
	a := &Artifact{Repo: r, Dir: dir, included: map[string]bool{}}
	m := r.IgnoreMatcher(specIgnore)
	made := map[string]bool{".": true}
	link := true
	for _, p := range r.paths {
		if m.Match(strings.Split(p, "/"), false) {
			continue
		}
		f := r.files[p]
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d := path.Dir(p); !made[d] {
			if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
				a.Close()
				return nil, err
			}
			for ; !made[d]; d = path.Dir(d) {
				made[d] = true
			}
		}
		if link {
			err := os.Link(f.AbsPath(), dst)
			if err == nil {
				a.add(f)
				continue
			}
			link = false // another device, or links not allowed: copy from here on
		}
		if err := copyFile(f.AbsPath(), dst); err != nil {
			a.Close()
			return nil, fmt.Errorf("copying %s into the artifact: %w", p, err)
		}
		a.add(f)
	}
	return a, nil
}

func (a *Artifact) add(f *File) {
	a.Included = append(a.Included, f)
	a.included[f.Path] = true
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
