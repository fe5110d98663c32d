// Package memo names the one kind of store fluxlint keeps derived results
// in across runs: values by the SHA-256 of everything they were computed
// from. The build cache provides it (render.Bundle); the load package keeps
// parsed files in one, and the schema rule its verdicts.
package memo

import (
	"crypto/sha256"
	"sync"
)

// Key is the SHA-256 of everything a value was computed from.
type Key = [sha256.Size]byte

// Store keeps values by key. A caller checks what it reads back and treats
// a damaged value as a miss. Get and Put may be called concurrently.
type Store interface {
	Get(key Key) ([]byte, bool)
	Put(key Key, value []byte)
}

// Map is a Store in memory, which counts what it is asked: for one process,
// and for tests that prove what a run read from its store.
type Map struct {
	mu         sync.Mutex
	values     map[Key][]byte
	hits, puts int
}

// Get returns the value kept under key.
func (m *Map) Get(key Key) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[key]
	if ok {
		m.hits++
	}
	return v, ok
}

// Put keeps value under key.
func (m *Map) Put(key Key, value []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.values == nil {
		m.values = map[Key][]byte{}
	}
	m.values[key] = value
	m.puts++
}

// Counts says how many Gets found a value and how many Puts there were.
func (m *Map) Counts() (hits, puts int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits, m.puts
}

// Alter changes every value kept, for tests that damage a store.
func (m *Map) Alter(f func([]byte) []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.values {
		m.values[k] = f(v)
	}
}
