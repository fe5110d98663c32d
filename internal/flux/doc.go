// Package flux holds what fluxlint knows about Flux's own kinds: their API
// groups, which of them are sources, how references between them default
// their namespace, how helm-controller names a release and how a SOPS
// encrypted document is recognised. Each fact names where it was read in
// ../shared/docs/flux-semantics.md.
package flux
