package load

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fluxlint/fluxlint/internal/memo"
	"github.com/fluxlint/fluxlint/internal/redact"
)

// Repo is a directory tree on disk: a Git checkout, or a directory that
// stands for another Flux source. Only regular files inside Root are ever
// read; symbolic links are listed but never followed, as source-controller
// drops them from its artifacts.
type Repo struct {
	// Root is the absolute path of the tree, with symbolic links resolved.
	Root string
	// Prefix is put in front of the relative path of a file to name it in
	// positions: empty for the repository being checked, the directory's
	// path for another tree that stands for a source.
	Prefix string

	files    map[string]*File
	paths    []string        // sorted, slash-separated, relative to Root
	dirs     map[string]bool // real directories (no links), relative
	Symlinks []string        // relative paths of the symbolic links found

	limits  Limits
	secrets *redact.Set
	parsed  memo.Store
	// names maps the files of an assembled tree (see Assemble) to the
	// names of the files they were copied from.
	names map[string]string
}

// Options say how to read a repository.
type Options struct {
	// Limits bound what reading the repository may cost; zero fields take
	// their defaults.
	Limits Limits
	// Secrets collects the secret values of every document parsed, for the
	// redaction layer; nil collects nothing.
	Secrets *redact.Set
	// Parsed keeps parsed files across runs; nil parses every file.
	Parsed memo.Store
}

// File is a regular file of a Repo. Its content is read and, for YAML
// files, parsed on first use, once.
type File struct {
	Path string // relative to the repo root, slash-separated
	Dir  string // path.Dir(Path)
	Mode fs.FileMode
	Size int64

	repo    *Repo
	once    sync.Once
	data    []byte
	readErr error
	docs    []*Doc
	// refusal is why the file is left out of every artifact (a document
	// whose aliases expand too far); nil for most files.
	refusal error
	loaded  atomic.Bool
}

// Open lists the tree at dir. It reads no file content yet.
func Open(dir string, opts Options) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("cannot open repository: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("cannot open repository: %s is not a directory", dir)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, fmt.Errorf("cannot open repository: %w", err)
	}
	r := &Repo{Root: abs, files: map[string]*File{}, dirs: map[string]bool{}, limits: opts.Limits.OrDefault(), secrets: opts.Secrets, parsed: opts.Parsed}
	err = filepath.WalkDir(abs, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p == abs {
				return err
			}
			return nil // an unreadable directory is left out, as tar would fail on it
		}
		rel, _ := filepath.Rel(abs, p)
		rel = filepath.ToSlash(rel)
		switch {
		case de.IsDir():
			if de.Name() == ".git" && p != abs {
				return filepath.SkipDir
			}
			r.dirs[rel] = true
		case de.Type()&fs.ModeSymlink != 0:
			r.Symlinks = append(r.Symlinks, rel)
		case de.Type().IsRegular():
			info, err := de.Info()
			if err != nil {
				return nil
			}
			r.files[rel] = &File{Path: rel, Dir: path.Dir(rel), Mode: info.Mode(), Size: info.Size(), repo: r}
			r.paths = append(r.paths, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read repository: %w", err)
	}
	sort.Strings(r.paths)
	return r, nil
}

// Paths lists the regular files of the tree, sorted.
func (r *Repo) Paths() []string { return r.paths }

// File returns the regular file at rel (slash-separated, relative to the
// root), or nil when there is none.
func (r *Repo) File(rel string) *File {
	return r.files[path.Clean(strings.TrimPrefix(filepath.ToSlash(rel), "./"))]
}

// Rel turns an absolute path inside the tree into a relative one; ok is false
// for a path outside the tree.
func (r *Repo) Rel(abs string) (string, bool) {
	rel, err := filepath.Rel(r.Root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// IsYAML reports whether a path has the extension Flux's generator
// considers, ".yaml" or ".yml" (case-sensitive, as filepath.Ext is).
func IsYAML(p string) bool {
	ext := path.Ext(p)
	return ext == ".yaml" || ext == ".yml"
}

// YAMLFiles returns the files of the tree with a YAML extension, sorted.
func (r *Repo) YAMLFiles() []*File {
	var out []*File
	for _, p := range r.paths {
		if IsYAML(p) {
			out = append(out, r.files[p])
		}
	}
	return out
}

// Limits are the limits the repository is read with.
func (r *Repo) Limits() Limits { return r.limits }

// ScanFiles are the YAML files parsed when the repository is scanned: all
// but those above Limits.EagerParseBytes, which are parsed only when a
// build reads them.
func (r *Repo) ScanFiles() []*File {
	var out []*File
	for _, f := range r.YAMLFiles() {
		if f.Size <= r.limits.EagerParseBytes {
			out = append(out, f)
		}
	}
	return out
}

// ParseAll reads and parses the ScanFiles, using up to workers goroutines.
func (r *Repo) ParseAll(workers int) {
	files := r.ScanFiles()
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	ch := make(chan *File)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range ch {
				f.Docs()
			}
		}()
	}
	for _, f := range files {
		ch <- f
	}
	close(ch)
	wg.Wait()
}

func (f *File) load() {
	f.once.Do(func() {
		f.data, f.readErr = os.ReadFile(filepath.Join(f.repo.Root, filepath.FromSlash(f.Path)))
		switch {
		case f.readErr != nil:
		case IsYAML(f.Path):
			parseDocuments(f)
		case bytes.IndexByte(f.data, '&') >= 0 && bytes.IndexByte(f.data, '*') >= 0:
			// kustomize reads any file a kustomization lists as YAML,
			// whatever its name: its aliases are bounded too.
			f.refusal = checkAliases(f.data, f.repo.limits)
		}
		f.loaded.Store(true)
	})
}

// Refused lists the files read so far that are refused, sorted.
func (r *Repo) Refused() []*File {
	var out []*File
	for _, p := range r.paths {
		if f := r.files[p]; f.loaded.Load() && f.refusal != nil {
			out = append(out, f)
		}
	}
	return out
}

// ParseBytes parses data as the YAML file name, outside any tree. It is
// what the loader does with every file, offered for tests and fuzzing.
func ParseBytes(name string, data []byte) *File {
	f := &File{Path: name, Dir: path.Dir(name), repo: &Repo{limits: DefaultLimits()}, data: data}
	f.once.Do(func() { parseDocuments(f) })
	return f
}

// Refusal says why the file is left out of every artifact, or nil. A
// refused file does not exist for kustomize, Flux's generator or any
// other reader of an artifact.
func (f *File) Refusal() error {
	f.load()
	return f.refusal
}

// Data returns the file's content.
func (f *File) Data() ([]byte, error) {
	f.load()
	return f.data, f.readErr
}

// Docs returns the parsed documents of a YAML file (nil for other files).
func (f *File) Docs() []*Doc {
	f.load()
	return f.docs
}

// DocsAsYAML parses the file as YAML whatever its name (a .json file, a
// .YAML in capitals), with the tree's limits, collecting its Secret values
// for the redaction layer as Docs does. Docs parses only the files Flux's
// generator reads; this is for rules that look at everything in Git.
func (f *File) DocsAsYAML() []*Doc {
	if IsYAML(f.Path) {
		return f.Docs()
	}
	f.load()
	if f.readErr != nil {
		return nil
	}
	g := &File{Path: f.Path, Dir: f.Dir, Mode: f.Mode, Size: f.Size, repo: f.repo, data: f.data}
	g.once.Do(func() { parseDocuments(g) })
	return g.docs
}

// ReadErr is the error reading the file, if any.
func (f *File) ReadErr() error {
	f.load()
	return f.readErr
}

// Name is the file's name in positions and messages: its path relative to
// the repository, with the tree's Prefix.
func (f *File) Name() string {
	if n, ok := f.repo.names[f.Path]; ok {
		return n
	}
	return f.repo.Prefix + f.Path
}

// Assemble makes a tree in a new directory under tmpBase from files of
// other trees: files maps each path of the new tree to the file it is a
// copy of (a hard link where the file system allows). Positions in the new
// tree name the original files, so that findings point at what a person
// edits. It is how a generated artifact (an ExternalArtifact that an
// ArtifactGenerator assembles) is read. The caller removes the directory.
func Assemble(files map[string]*File, tmpBase string, opts Options) (*Repo, string, error) {
	dir, err := os.MkdirTemp(tmpBase, "fluxlint-assembled-")
	if err != nil {
		return nil, "", err
	}
	names := map[string]string{}
	for rel, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, dir, err
		}
		if os.Link(f.AbsPath(), dst) != nil {
			if err := copyFile(f.AbsPath(), dst); err != nil {
				return nil, dir, err
			}
		}
		names[rel] = f.Name()
	}
	r, err := Open(dir, opts)
	if err != nil {
		return nil, dir, err
	}
	r.names = names
	return r, dir, nil
}

// ViewAll is the view of every file of the tree, without ignore rules: the
// content of an artifact that was assembled, not packed from a checkout.
func (r *Repo) ViewAll() *View {
	v := &View{Repo: r, included: map[string]bool{}, dirs: map[string]bool{".": true}}
	for _, p := range r.paths {
		v.Included = append(v.Included, r.files[p])
		v.included[p] = true
		for d := path.Dir(p); !v.dirs[d]; d = path.Dir(d) {
			v.dirs[d] = true
		}
	}
	for d := range r.dirs {
		v.dirs[d] = true
	}
	return v
}

// AbsPath is the file's path on disk.
func (f *File) AbsPath() string { return filepath.Join(f.repo.Root, filepath.FromSlash(f.Path)) }

// Line returns the text of the 1-based line n, without its line break.
func (f *File) Line(n int) string {
	data, _ := f.Data()
	off := 0
	for i := 1; i < n; i++ {
		if off = nextLine(data, off); off >= len(data) {
			return ""
		}
	}
	end := nextLine(data, off)
	return strings.TrimRight(string(data[off:end]), "\r\n\u0085\u2028\u2029")
}
