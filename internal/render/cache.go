package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/fluxlint/fluxlint/internal/load"
	"github.com/fluxlint/fluxlint/internal/nodecodec"
)

// BuildCache keeps what kustomize built, keyed by everything the build
// read: the kustomization Flux generated (which holds the Kustomization's
// targetNamespace, patches, images and components), the kustomization
// files it visited, the files their entries name, and every file under a
// directory it may read whole (one without a kustomization file, or whose
// kustomization has a field that may name files the walker does not
// record). A build whose inputs are the same is not run again: within one
// process (a review renders two trees that mostly agree) and, with Dir,
// across runs (a pre-commit hook runs on every commit). It keeps the
// substituted objects too, keyed by the build, the Kustomization's
// postBuild, the variables' values and how substitution runs, unless
// substituting reported a problem.
//
// A cache never changes what a render says: TestCacheAgrees renders the
// corpus with and without one and compares, and TestCacheInvalidates
// changes one input at a time and counts what runs again.
type BuildCache struct {
	// Dir, when set, keeps entries on disk too, one file per key.
	Dir string
	// MaxBytes bounds the entries on disk (DefaultCacheBytes when 0): past
	// it, the least recently used are removed.
	MaxBytes int64
	// Tree names the tree whose bundles the cache keeps (see Bundle): the
	// repository the user checks. When empty, it is the first render's
	// directory.
	Tree string

	bundles map[string]*Bundle

	mu      sync.Mutex
	memory  map[string][]*yaml.RNode
	hits    int
	misses  int
	stored  int
	written int
	writes  int // every entry written, for trimming
}

// DefaultCacheBytes is how much the on-disk cache keeps at most.
const DefaultCacheBytes = 512 << 20

// cacheVersion changes when what is cached or how it is keyed changes.
const cacheVersion = "fluxlint build cache 3"

// Stats says how many builds the cache saved and ran.
func (c *BuildCache) Stats() (hits, misses int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Stored says how many builds the cache keeps in memory, and how many of
// them it wrote to disk.
func (c *BuildCache) Stored() (memory, disk int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stored, c.written
}

// Writes says how many entries of any kind the cache wrote to disk.
func (c *BuildCache) Writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

func (c *BuildCache) get(key string) (resmap.ResMap, bool) {
	nodes, ok := c.getNodes(key)
	if !ok {
		return nil, false
	}
	m, err := resMapOf(nodes)
	return m, err == nil
}

func (c *BuildCache) put(key string, m resmap.ResMap) {
	if c != nil && key != "" {
		c.putNodes(key, m.ToRNodeSlice())
	}
}

func resMapOf(nodes []*yaml.RNode) (resmap.ResMap, error) {
	return resmap.NewFactory(provider.NewDefaultDepProvider().GetResourceFactory()).NewResMapFromRNodeSlice(nodes)
}

// getNodes returns a copy of the documents kept under key, and counts the
// lookup in Stats.
func (c *BuildCache) getNodes(key string) ([]*yaml.RNode, bool) { return c.lookup(key, true) }

// lookup is getNodes; counted says whether Stats counts it (it counts the
// builds and substitutions, not the generator's output).
func (c *BuildCache) lookup(key string, counted bool) ([]*yaml.RNode, bool) {
	if c == nil || key == "" {
		return nil, false
	}
	c.mu.Lock()
	kept, ok := c.memory[key]
	c.mu.Unlock()
	if ok {
		c.count(counted, true)
		return copyNodes(kept), true
	}
	if c.Dir != "" {
		p := filepath.Join(c.Dir, key[:2], key)
		if data, used, err := readEntry(p); err == nil {
			// A corrupt entry reads as a miss, and the build writes it again.
			if ynodes, err := nodecodec.Decode(data, false); err == nil {
				nodes := make([]*yaml.RNode, len(ynodes))
				for i, n := range ynodes {
					nodes[i] = yaml.NewRNode(n)
				}
				if now := time.Now(); now.Sub(used) > touchAfter {
					_ = os.Chtimes(p, now, now) // recently used
				}
				c.count(counted, true)
				return nodes, true
			}
		}
	}
	c.count(counted, false)
	return nil, false
}

func copyNodes(nodes []*yaml.RNode) []*yaml.RNode {
	out := make([]*yaml.RNode, len(nodes))
	for i, n := range nodes {
		out[i] = n.Copy()
	}
	return out
}

func (c *BuildCache) count(counted, hit bool) {
	if !counted {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.hits++
	} else {
		c.misses++
	}
}

// putNodes keeps a copy of the documents under key, and counts it in
// Stored.
func (c *BuildCache) putNodes(key string, nodes []*yaml.RNode) { c.store(key, nodes, true) }

// store is putNodes; counted says whether Stored counts the entry.
func (c *BuildCache) store(key string, nodes []*yaml.RNode, counted bool) {
	if c == nil || key == "" {
		return
	}
	c.mu.Lock()
	if c.memory == nil {
		c.memory = map[string][]*yaml.RNode{}
	}
	if _, had := c.memory[key]; !had && counted {
		c.stored++
	}
	c.memory[key] = copyNodes(nodes)
	c.mu.Unlock()
	if c.Dir == "" {
		return
	}
	ynodes := make([]*yaml.Node, len(nodes))
	for i, n := range nodes {
		ynodes[i] = n.YNode()
	}
	data, err := nodecodec.Encode(ynodes)
	if err != nil {
		return
	}
	if writeEntry(filepath.Join(c.Dir, key[:2], key), data) == nil {
		c.wrote(counted)
	}
}

// wrote counts an entry written to disk, and keeps the disk within its
// bound: every 256 writes, and at a run's first write unless a run trimmed
// the cache less than trimEvery ago. Walking thousands of entries on every
// pre-commit run that writes one would cost more than the build it saved;
// between trims the cache outgrows its bound by what runs write meanwhile.
func (c *BuildCache) wrote(counted bool) {
	c.mu.Lock()
	c.writes++
	if counted {
		c.written++
	}
	trim := c.writes%256 == 0 || (c.writes == 1 && c.trimDue())
	c.mu.Unlock()
	if trim {
		c.trim()
	}
}

// trimEvery is how often a run's first write trims the cache.
const trimEvery = 10 * time.Minute

// trimDue reports whether the last trim, as the stamp file's time says, is
// older than trimEvery, and stamps the cache when it is.
func (c *BuildCache) trimDue() bool {
	stamp := filepath.Join(c.Dir, ".trimmed")
	if info, err := os.Stat(stamp); err == nil && time.Since(info.ModTime()) < trimEvery {
		return false
	}
	_ = writeEntry(stamp, nil)
	return true
}

// trim removes the least recently used entries on disk until they take
// at most 80% of MaxBytes, once they take more than MaxBytes.
func (c *BuildCache) trim() {
	max := c.MaxBytes
	if max <= 0 {
		max = DefaultCacheBytes
	}
	type entry struct {
		path string
		size int64
		used time.Time
	}
	var entries []entry
	var total int64
	_ = filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			entries = append(entries, entry{p, info.Size(), info.ModTime()})
			total += info.Size()
		}
		return nil
	})
	if total <= max {
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if total <= max*8/10 {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}

// touchAfter is how stale an entry's time of last use may get before a
// hit updates it: eviction needs the order of use in hours, not in
// milliseconds, and a re-run then writes nothing to the cache.
const touchAfter = time.Hour

// readEntry reads a cache file and the time it was last used.
func readEntry(p string) ([]byte, time.Time, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, time.Time{}, err
	}
	return data, info.ModTime(), nil
}

// writeEntry writes a cache file through a temporary file and a rename,
// so that a reader never sees half of one.
func writeEntry(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// cacheKey is the key of a build: the generated kustomization, and every
// file the build can read, by path relative to the artifact and content.
// It is "" when there is no cache.
func (g *layoutWalker) cacheKey(manifest []byte) string {
	if g.r.opts.Cache == nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%t\x00", cacheVersion, g.rel(g.root), g.openAPI)
	h.Write(manifest)
	// The files the kustomizations name; the kustomization files of the
	// directories the build visited; and every file under a directory it
	// may read whole: one whose kustomization has fields that may name
	// files the walker does not record, or that has none (Flux's
	// generator then lists what it finds there).
	files := map[string]bool{}
	whole := map[string]bool{}
	kfiles := map[string]bool{}
	for d := range g.visited {
		if g.precise[d] {
			kfiles[g.rel(d)] = true
		} else {
			whole[g.rel(d)] = true
		}
	}
	for _, e := range g.entries {
		if e.target == "" {
			continue
		}
		t := g.rel(e.target)
		files[t] = true
		if !g.visited[e.target] && g.fs.IsDir(e.target) {
			whole[t] = true // a directory entry that is not a kustomization
		}
	}
	// Whether a directory is under one read whole, remembered per
	// directory.
	memo := map[string]bool{}
	var under func(d string) bool
	under = func(d string) bool {
		if v, ok := memo[d]; ok {
			return v
		}
		v := whole[d]
		if !v && d != "." && d != "/" && d != "" {
			v = under(path.Dir(d))
		}
		memo[d] = v
		return v
	}
	for _, f := range g.view.Included {
		dir := f.Dir
		if files[f.Path] || under(dir) || (kfiles[dir] && isKustomizationFile(f.Path)) {
			if err := hashFile(h, f); err != nil {
				return ""
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keyOf is the key of a build that reads nothing but parts; "" when there
// is no cache.
func (c *BuildCache) keyOf(what string, parts ...[]byte) string {
	if c == nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cacheVersion, what)
	for _, p := range parts {
		fmt.Fprintf(h, "%d\x00", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func isKustomizationFile(p string) bool {
	return slices.Contains(konfig.RecognizedKustomizationFileNames(), path.Base(p))
}

func hashFile(h hash.Hash, f *load.File) error {
	data, err := f.Data()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	fmt.Fprintf(h, "%s\x00%x\x00", f.Path, sum)
	return nil
}

// CacheDir is the default place of the on-disk build cache.
func CacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil || d == "" {
		return ""
	}
	return filepath.Join(d, "fluxlint", "build")
}
