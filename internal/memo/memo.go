// Package memo names the one kind of store fluxlint keeps derived results
// in across runs: values by the SHA-256 of everything they were computed
// from. The build cache provides it (render.Bundle); the load package keeps
// parsed files in one, and the schema rule its verdicts.
package memo

import "crypto/sha256"

// Key is the SHA-256 of everything a value was computed from.
type Key = [sha256.Size]byte

// Store keeps values by key. A caller checks what it reads back and treats
// a damaged value as a miss. Get and Put may be called concurrently.
type Store interface {
	Get(key Key) ([]byte, bool)
	Put(key Key, value []byte)
}
