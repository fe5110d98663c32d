// Package crdgen generates the Flux CRD schemas fluxlint embeds
// (../crds), from the controllers' own API modules at the versions this
// module pins: see ../generate.go. It is a module of its own so that these
// modules are not dependencies of fluxlint.
package crdgen

import (
	_ "github.com/fluxcd/helm-controller/api/v2"
	_ "github.com/fluxcd/image-automation-controller/api/v1"
	_ "github.com/fluxcd/image-reflector-controller/api/v1"
	_ "github.com/fluxcd/kustomize-controller/api/v1"
	_ "github.com/fluxcd/notification-controller/api/v1"
	_ "github.com/fluxcd/notification-controller/api/v1beta3"
	_ "github.com/fluxcd/source-controller/api/v1"
	_ "github.com/fluxcd/source-watcher/api/v2/v1beta1"
)
