// Package migrate moves HelmReleases and their sources into the AKS
// configuration namespace, editing the repository's source files with
// minimal diffs and keeping every Helm release's identity (its name,
// release namespace and storage namespace) so that helm-controller adopts
// the existing release instead of installing a second one.
//
// A move happens in two commits. The first (Step Suspend) sets
// spec.suspend: true on every HelmRelease that will move: once Flux has
// applied it, deleting the old object does not uninstall its release. The
// second (Step Move) moves the objects, sets targetNamespace, releaseName
// and storageNamespace, updates every reference to what moved, and takes
// the suspension away from the new objects.
//
// Every plan is checked before anything is written: the migrated tree is
// rendered again, and the moved objects must have no cross-namespace or
// configuration-namespace finding, and every HelmRelease must keep its
// release identity.
package migrate
