package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fluxlint/fluxlint/internal/memo"
)

// Bundle is a memo.Store the build cache keeps on disk as one file per
// kind of value and tree (BuildCache.Tree): the parsed files of the tree,
// the schema rule's verdicts on its objects. It is read whole the first
// time it is asked for, and written again, with exactly the values the run
// used, when the run added one: a re-run where nothing changed writes
// nothing, and values nothing uses any more go. A review's two trees share
// one: their files mostly agree.
type Bundle struct {
	cache *BuildCache
	path  string

	mu    sync.Mutex
	old   map[memo.Key][]byte // as read from disk
	used  map[memo.Key][]byte // what this run read or added
	added bool
}

const bundleMagic = "fluxlint bundle 1\n"

// Bundle returns the cache's bundle of the given name for a render of dir;
// nil when the cache keeps nothing on disk.
func (c *BuildCache) Bundle(name, dir string) *Bundle {
	if c == nil || c.Dir == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.bundles[name]; b != nil {
		return b
	}
	tree := c.Tree
	if tree == "" {
		tree = dir
	}
	if abs, err := filepath.Abs(tree); err == nil {
		tree = abs
	}
	id := sha256.Sum256([]byte(bundleMagic + name + "\x00" + tree))
	b := &Bundle{cache: c, path: filepath.Join(c.Dir, "bundles", name+"-"+hex.EncodeToString(id[:16])),
		old: map[memo.Key][]byte{}, used: map[memo.Key][]byte{}}
	if data, used, err := readEntry(b.path); err == nil {
		b.read(data)
		if now := time.Now(); now.Sub(used) > touchAfter {
			_ = os.Chtimes(b.path, now, now) // recently used, for trimming
		}
	}
	if c.bundles == nil {
		c.bundles = map[string]*Bundle{}
	}
	c.bundles[name] = b
	return b
}

// read indexes a bundle file: the magic, then for each value its key, its
// length and its bytes. A damaged file keeps the values before the damage
// (their readers check each again).
func (b *Bundle) read(data []byte) {
	if !bytes.HasPrefix(data, []byte(bundleMagic)) {
		return
	}
	pos := len(bundleMagic)
	for pos+sha256.Size < len(data) {
		var key memo.Key
		copy(key[:], data[pos:])
		pos += sha256.Size
		l, n := binary.Uvarint(data[pos:])
		if n <= 0 || l > uint64(len(data)-pos-n) {
			return
		}
		pos += n
		b.old[key] = data[pos : pos+int(l) : pos+int(l)]
		pos += int(l)
	}
}

// Get returns the value kept under key.
func (b *Bundle) Get(key memo.Key) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.used[key]
	if !ok {
		if v, ok = b.old[key]; ok {
			b.used[key] = v
		}
	}
	return v, ok
}

// Put keeps value under key.
func (b *Bundle) Put(key memo.Key, value []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used[key] = value
	b.added = true
}

// Flush writes the bundle, atomically, when the run added a value. A nil
// bundle does nothing.
func (b *Bundle) Flush() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.added {
		return
	}
	keys := make([]memo.Key, 0, len(b.used))
	size := len(bundleMagic)
	for k, v := range b.used {
		keys = append(keys, k)
		size += sha256.Size + binary.MaxVarintLen64 + len(v)
	}
	slices.SortFunc(keys, func(x, y memo.Key) int { return bytes.Compare(x[:], y[:]) })
	out := make([]byte, 0, size)
	out = append(out, bundleMagic...)
	for _, k := range keys {
		v := b.used[k]
		out = append(out, k[:]...)
		out = binary.AppendUvarint(out, uint64(len(v)))
		out = append(out, v...)
	}
	if writeEntry(b.path, out) == nil {
		b.added = false
		b.cache.wrote(false)
	}
}

// Store is b as a memo.Store: a nil interface when b is nil, so that a
// caller can tell that there is no store.
func (b *Bundle) Store() memo.Store {
	if b == nil {
		return nil
	}
	return b
}

// cold reports whether a render of dir is likely to run builds: there is
// no cache, it keeps nothing on disk, or it holds nothing of this tree yet
// (no bundle of its parsed files was on disk).
func (c *BuildCache) cold(dir string) bool {
	b := c.Bundle(parsesBundle, dir)
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.old) == 0
}
