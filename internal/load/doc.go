// Package load reads a GitOps repository from disk: it lists the files the
// way Flux's source-controller would put them into an artifact, parses every
// YAML document once, and keeps the absolute file line of every node so that
// any finding can point at the place a user has to edit.
package load
