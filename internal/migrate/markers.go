package migrate

import (
	"maps"
	"slices"
	"strings"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/render"
	"github.com/fluxlint/fluxlint/rewrite"
)

// Step 1 makes every object that step 2 moves safe to delete, and marks
// each field it sets with a comment that says what the file wrote before,
// so that step 2 can put it back:
//
//	suspend: true  # fluxlint migrate: was false
//	deletionPolicy: Orphan  # fluxlint migrate: added
//
// A HelmRelease is suspended: deleting it then does not uninstall its
// release (flux-semantics §5). A Kustomization whose deletion would
// delete what it applies (flux-semantics §11, finalizerShouldDeleteResources)
// gets deletionPolicy: Orphan where its Flux has the field (2.5 and
// later, API v1), and prune: false otherwise. Either way it keeps
// reconciling while it waits, so the markers step 1 puts on what it
// applies reach the cluster; suspending it would stop that.
const markerPrefix = "fluxlint migrate: "

func markerAdded() string         { return markerPrefix + "added" }
func markerWas(was string) string { return markerPrefix + "was " + was }

// marker reads a step 1 marker from a field's line comment: what the file
// wrote before ("" when the field was added), and whether there is one.
func marker(comment string) (was string, added, ok bool) {
	i := strings.Index(comment, "# "+markerPrefix)
	if i < 0 {
		return "", false, false
	}
	rest := comment[i+2+len(markerPrefix):]
	if j := strings.Index(rest, " #"); j >= 0 {
		rest = rest[:j]
	}
	rest = strings.TrimSpace(rest)
	switch {
	case rest == "added":
		return "", true, true
	case strings.HasPrefix(rest, "was "):
		return strings.TrimPrefix(rest, "was "), false, true
	}
	return "", false, false
}

// safeToDelete reports whether deleting the old object loses nothing: a
// suspended HelmRelease; a Kustomization that is suspended, orphans, or
// does not prune. Other objects hold no state that their deletion loses.
func safeToDelete(o *render.Object) bool {
	switch {
	case flux.IsHelmRelease(o.APIVersion, o.Kind):
		return o.Scalar("spec", "suspend") == "true"
	case flux.IsKustomization(o.APIVersion, o.Kind):
		if o.Scalar("spec", "suspend") == "true" {
			return true
		}
		switch o.Scalar("spec", "deletionPolicy") {
		case "Orphan":
			return true
		case "", "MirrorPrune":
			return o.Scalar("spec", "prune") != "true"
		}
		return false // Delete, WaitForTermination
	}
	return true
}

// mark plans step 1: the markers on every object step 2 moves that is not
// safe to delete yet.
func (ps *pass) mark() {
	for _, k := range slices.Sorted(maps.Keys(ps.moving)) {
		for _, o := range ps.p.byKey[k] {
			if safeToDelete(o) || o.Doc == nil {
				continue
			}
			field, value := ps.safeField(o)
			ps.allow(o, "spec", field)
			hd := ps.p.home(o.Doc)
			if hd == nil {
				continue
			}
			comment := markerAdded()
			if was := hd.StringAt("spec", field); was != "" {
				comment = markerWas(was)
			} else if o.Scalar("spec", field) != "" {
				ps.block(o, "its spec.%s is set by a patch, not in its file: set it to %s by hand for step 1", field, value)
				continue
			}
			ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Value: value, Raw: field != "deletionPolicy",
				Comment: comment, After: []string{"interval", "prune"}, Why: "step 1"}, k)
		}
	}
}

// safeField is the field step 1 sets on an object, and its value.
func (ps *pass) safeField(o *render.Object) (field, value string) {
	if !flux.IsKustomization(o.APIVersion, o.Kind) {
		return "suspend", "true"
	}
	v := ps.p.prof.Of(o).FluxVersion.V
	if strings.HasSuffix(o.APIVersion, "/v1") && (!v.Less(flux.Version{Major: 2, Minor: 5}) || o.Scalar("spec", "deletionPolicy") != "") {
		return "deletionPolicy", "Orphan"
	}
	return "prune", "false"
}

// unmark plans, in step 2, putting back what step 1 marked: on the moving
// objects, whose new objects must reconcile and prune as written; and on
// any object step 2 does not move after all, which is listed.
func (ps *pass) unmark() {
	for _, o := range ps.p.objs {
		hd := ps.p.home(o.Doc)
		if hd == nil || !(flux.IsHelmRelease(o.APIVersion, o.Kind) || flux.IsKustomization(o.APIVersion, o.Kind)) {
			continue
		}
		for _, field := range []string{"suspend", "deletionPolicy", "prune"} {
			v := hd.NodeAt("spec", field)
			if v == nil {
				continue
			}
			was, added, ok := marker(v.LineComment)
			if !ok {
				continue
			}
			_, _, moves := ps.destOf(o)
			if !moves {
				ps.restored = append(ps.restored, o.Namespace+"/"+o.Name)
			}
			ps.allow(o, "spec", field)
			c := strings.TrimPrefix(v.LineComment[strings.Index(v.LineComment, "# "+markerPrefix):], "# ")
			if j := strings.Index(c, " #"); j >= 0 {
				c = strings.TrimRight(c[:j], " ")
			}
			if added {
				ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Op: rewrite.Delete, Why: "step 2"}, key(o))
				continue
			}
			ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Value: was, Raw: field != "deletionPolicy", Why: "step 2"}, key(o))
			ps.edit(o.Doc, rewrite.Edit{Path: []string{"spec", field}, Op: rewrite.Uncomment, Comment: c, Why: "step 2"}, key(o))
		}
	}
}
