package schema

// The Flux CRD schemas in crds/ are generated from the controllers' API
// modules (Apache-2.0) at the versions crdgen/go.mod pins, which are those
// of Flux 2.9 (flux2 v2.9.5 manifests): controller-gen writes the CRDs as
// the controllers' own Makefiles do, and compact keeps each version's
// schema without its descriptions.
//go:generate sh -c "cd crdgen && rm -rf /tmp/fluxlint-crdgen && go run sigs.k8s.io/controller-tools/cmd/controller-gen@v0.20.1 crd paths=github.com/fluxcd/helm-controller/api/... paths=github.com/fluxcd/kustomize-controller/api/... paths=github.com/fluxcd/source-controller/api/... paths=github.com/fluxcd/notification-controller/api/... paths=github.com/fluxcd/image-reflector-controller/api/... paths=github.com/fluxcd/image-automation-controller/api/... paths=github.com/fluxcd/source-watcher/api/v2/... output:crd:dir=/tmp/fluxlint-crdgen && go run ./compact /tmp/fluxlint-crdgen ../crds"
