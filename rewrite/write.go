package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// tempMarker is in the name of every temporary file fluxlint writes
// (".<name>.fluxlint-<random>"), so that one left behind by a killed run is
// recognised and removed by the next.
const tempMarker = ".fluxlint-"

// FileChange is a new content for a file of a tree, and the content it
// must still have when it is replaced.
type FileChange struct {
	Path     string // slash path relative to the tree
	Old, New []byte
}

// WriteOptions say what WriteAll may do.
type WriteOptions struct {
	// Force replaces files without a write bit and files with more than one
	// hard link (the other names keep the old content).
	Force bool
}

// ChangedError is a file that changed between planning and writing.
type ChangedError struct{ Path string }

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s changed since fluxlint read it; nothing was written (run again to plan from the new content)", e.Path)
}

// WriteAll replaces files of the tree at root, all or nothing:
//
//  1. temporaries that an earlier, killed run left behind are removed;
//  2. every target must be a regular file, not a symbolic link, with a write
//     bit and one hard link (unless Force), still holding Old;
//  3. each New content goes to a temporary beside its target, synced, with
//     the target's mode: a directory that cannot be written fails here,
//     before any target is touched;
//  4. every target must still hold Old, else nothing is written and the
//     error names the file that changed;
//  5. the temporaries are renamed over their targets; should a rename fail,
//     the targets already replaced get their Old content back.
//
// Temporaries are removed on every way out, an interrupt included. A
// reader sees each file old or new, never half-written.
func WriteAll(root string, changes []FileChange, opts WriteOptions) (err error) {
	CleanTemporaries(root)
	abs := func(c FileChange) string { return filepath.Join(root, filepath.FromSlash(c.Path)) }
	modes := make([]fs.FileMode, len(changes))
	for i, c := range changes {
		info, err := os.Lstat(abs(c))
		if err != nil {
			return err
		}
		switch {
		case !info.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file; nothing was written", c.Path)
		case info.Mode().Perm()&0o200 == 0 && !opts.Force:
			return fmt.Errorf("%s is read-only; nothing was written (make it writable, or pass --force)", c.Path)
		case links(info) > 1 && !opts.Force:
			return fmt.Errorf("%s has %d hard links, and replacing it would leave the others with the old content; nothing was written (pass --force to replace it anyway)", c.Path, links(info))
		}
		if err := unchanged(abs(c), c); err != nil {
			return err
		}
		modes[i] = info.Mode().Perm()
	}

	temps := &temporaries{paths: make([]string, len(changes))}
	stop := temps.removeOnSignal()
	defer func() {
		stop()
		temps.removeAll()
	}()
	for i, c := range changes {
		t, err := writeTemp(abs(c), c.New, modes[i])
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was written", c.Path, err)
		}
		temps.set(i, t)
	}
	for _, c := range changes {
		if err := unchanged(abs(c), c); err != nil {
			return err
		}
	}
	for i, c := range changes {
		if err := os.Rename(temps.get(i), abs(c)); err != nil {
			restored := restore(root, changes[:i], modes)
			return fmt.Errorf("%s: %w; the %d file(s) already written were restored%s", c.Path, err, i, restored)
		}
		temps.set(i, "")
		syncDir(filepath.Dir(abs(c)))
	}
	return nil
}

// temporaries are the temporary files of a WriteAll, shared with the
// signal handler that removes them.
type temporaries struct {
	mu    sync.Mutex
	paths []string
}

func (t *temporaries) set(i int, p string) {
	t.mu.Lock()
	t.paths[i] = p
	t.mu.Unlock()
}

func (t *temporaries) get(i int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.paths[i]
}

func (t *temporaries) removeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, p := range t.paths {
		if p != "" {
			os.Remove(p)
			t.paths[i] = ""
		}
	}
}

// removeOnSignal removes the temporaries if the process is interrupted
// while it writes, then exits as an interrupted program does.
func (t *temporaries) removeOnSignal() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			t.removeAll()
			os.Exit(130)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// WriteFile replaces one file atomically (see WriteAll), whatever it holds
// now.
func WriteFile(path string, data []byte) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return WriteAll(filepath.Dir(path), []FileChange{{Path: filepath.Base(path), Old: old, New: data}}, WriteOptions{Force: true})
}

// unchanged checks that the file still holds what the plan read.
func unchanged(path string, c FileChange) error {
	cur, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, c.Old) {
		return &ChangedError{Path: c.Path}
	}
	return nil
}

// writeTemp writes data to a new temporary beside target, synced and with
// the given mode, and returns its path.
func writeTemp(target string, data []byte, mode fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+tempMarker+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Chmod(f.Name(), mode)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// restore puts the old content back into files already replaced.
func restore(root string, done []FileChange, modes []fs.FileMode) string {
	var failed []string
	for i, c := range done {
		target := filepath.Join(root, filepath.FromSlash(c.Path))
		t, err := writeTemp(target, c.Old, modes[i])
		if err == nil {
			err = os.Rename(t, target)
		}
		if err != nil {
			os.Remove(t)
			failed = append(failed, c.Path)
		}
	}
	if len(failed) > 0 {
		return ", except " + strings.Join(failed, ", ")
	}
	return ""
}

// CleanTemporaries removes the temporaries fluxlint left under root, from a
// run that was killed before it could remove them.
func CleanTemporaries(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), tempMarker) {
			os.Remove(p)
		}
		return nil
	})
}

func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	_ = d.Sync() // best effort: not every file system syncs directories
}
