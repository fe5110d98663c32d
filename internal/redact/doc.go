// Package redact is fluxlint's one redaction layer. Every secret value the
// loader meets (Secret data and stringData, secretGenerator literals, the
// env and files they read, SOPS-encrypted or not) goes into a Set, and
// every byte fluxlint writes, its own messages and those quoted from
// kustomize, kyaml, envsubst or Helm alike, goes through a Writer that
// masks each value in every form it may take: as written, base64-encoded,
// quoted, and as Go prints a byte slice.
package redact
