// Package render builds a GitOps repository the way Flux would: every Flux
// Kustomization reachable from the entry points is built with Flux's own
// kustomize generator, substituted, and followed into the Kustomizations it
// produces. Every rendered object remembers the chain of Kustomizations that
// produced it and the document it came from.
package render
