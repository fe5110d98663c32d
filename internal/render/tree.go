package render

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/fluxlint/fluxlint/internal/flux"
)

// tree is the rendering of one entry point and everything it leads to.
type tree struct {
	root  *Kustomization
	byKey map[string]*Kustomization
	// objects are the objects rendered so far, where substituteFrom looks
	// for its ConfigMaps and Secrets; byName and byKind index them, in the
	// same order (add keeps the three together).
	objects []*Object
	byName  map[objName][]*Object
	byKind  map[string][]*Object
	// produced are the Kustomization documents the tree's builds produced,
	// by docKey.
	produced map[string]bool
	// failedDirs are the directories of the Kustomizations below the root
	// that did not render: the documents there are probably theirs, so
	// they are not tried as roots. failedDirs[0] is a placeholder for the
	// root itself, whose failure says nothing about the rest.
	failedDirs []string
}

// renderTree renders root and, to a fixed point, every Kustomization its
// builds produce. A Kustomization whose substituteFrom inputs are not
// rendered yet waits while anything else can make progress.
func (r *renderer) renderTree(root *Kustomization) *tree {
	t := &tree{root: root, byKey: map[string]*Kustomization{root.Key(): root}, produced: map[string]bool{}, failedDirs: []string{""}}
	root.tree = t
	t.add(root.Companions...)
	pending := []*Kustomization{root}
	for len(pending) > 0 {
		if limit := r.opts.Limits.ObjectsTotal; r.rendered > limit {
			k := pending[0]
			r.report(Problem{Code: LimitExceeded, Pos: k.Object.ValuePos("spec", "path"), Kustomization: k, Object: k.Object,
				Message: fmt.Sprintf("the render has produced %d objects (the limit is %d, limits.objectsTotal): %s and %d other Kustomization(s) are not built", r.rendered, limit, k.Key(), len(pending)-1)})
			break
		}
		// A round builds every pending Kustomization whose substituteFrom
		// inputs are rendered; when none is, the first one goes anyway.
		var round, wait []*Kustomization
		for _, k := range pending {
			if t.inputsReady(k, r.opts.DryRunSubstitution) {
				round = append(round, k)
			} else {
				wait = append(wait, k)
			}
		}
		if len(round) == 0 {
			round, wait = wait[:1], wait[1:]
		}
		pending = wait
		var jobs []job
		for _, k := range round {
			if j, ok := r.prepare(t, k); ok {
				jobs = append(jobs, j)
			}
		}
		for _, probs := range r.buildAll(t, jobs) {
			r.problems = append(r.problems, probs...)
		}
		for _, k := range round {
			if !k.Rendered && k.Dir != "" && k.Dir != "." && k != root {
				t.failedDirs = append(t.failedDirs, k.Dir)
			}
			t.add(k.Objects...)
			r.rendered += len(k.Objects)
			pending = append(pending, r.children(t, k)...)
		}
	}
	r.checkDependsOn(t)
	return t
}

// buildAll builds the jobs of a round on as many goroutines as there are
// processors, and returns each job's problems, in the jobs' order.
func (r *renderer) buildAll(t *tree, jobs []job) [][]Problem {
	out := make([][]Problem, len(jobs))
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rc := *r // a copy that collects this build's problems
				rc.problems = nil
				rc.build(t, jobs[i])
				out[i] = rc.problems
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// children turns the Flux Kustomizations among k's objects into nodes.
func (r *renderer) children(t *tree, k *Kustomization) []*Kustomization {
	var out []*Kustomization
	for _, o := range k.Objects {
		if !flux.IsKustomization(o.APIVersion, o.Kind) {
			continue
		}
		if o.Doc != nil {
			t.produced[docKey(o.Doc)] = true
		}
		if o.Namespace == k.Namespace && o.Name == k.Name {
			continue // a Kustomization that syncs the directory it is in
		}
		if o.Namespace == "" {
			r.report(Problem{Code: InvalidObject, Pos: o.Pos(), Kustomization: k, Object: o,
				Message: fmt.Sprintf("Kustomization %s has no namespace and %s sets no targetNamespace: Flux cannot apply it", o.Name, k.Key())})
			continue
		}
		child, err := r.newKustomization(o, k)
		if err != nil {
			continue
		}
		if anc := ancestor(k, child.Key()); anc != nil {
			r.report(Problem{Code: DependencyCycle, Pos: o.Pos(), Kustomization: k, Object: o,
				Message: fmt.Sprintf("Kustomization %s produces its own ancestor: %s > %s", child.Key(), k.LineageString(), child.Key())})
			continue
		}
		if prev := t.byKey[child.Key()]; prev != nil {
			r.report(Problem{Code: DuplicateKustomization, Pos: o.Pos(), Kustomization: k, Object: o,
				Message: fmt.Sprintf("Kustomization %s is also produced by %s; only the first is rendered", child.Key(), prev.Parent.LineageString())})
			continue
		}
		t.byKey[child.Key()] = child
		k.Children = append(k.Children, child)
		out = append(out, child)
	}
	return out
}

func ancestor(k *Kustomization, key string) *Kustomization {
	for ; k != nil; k = k.Parent {
		if k.Key() == key {
			return k
		}
	}
	return nil
}

// inputsReady reports whether every ConfigMap and Secret k substitutes from
// has been rendered already.
func (t *tree) inputsReady(k *Kustomization, dryRun bool) bool {
	if dryRun || k.Spec.PostBuild == nil {
		return true
	}
	for _, ref := range k.Spec.PostBuild.SubstituteFrom {
		if t.find(ref.Kind, k.Namespace, ref.Name) == nil {
			return false
		}
	}
	return true
}

// objName is what an object is looked up by.
type objName struct{ kind, namespace, name string }

// add appends rendered objects to the tree.
func (t *tree) add(objs ...*Object) {
	if t.byName == nil {
		t.byName, t.byKind = map[objName][]*Object{}, map[string][]*Object{}
	}
	for _, o := range objs {
		t.objects = append(t.objects, o)
		n := objName{o.Kind, o.Namespace, o.Name}
		t.byName[n] = append(t.byName[n], o)
		t.byKind[o.Kind] = append(t.byKind[o.Kind], o)
	}
}

// named returns the rendered objects of a kind, namespace and name, in the
// order they were rendered.
func (t *tree) named(kind, namespace, name string) []*Object {
	return t.byName[objName{kind, namespace, name}]
}

// find returns a rendered ConfigMap or Secret.
func (t *tree) find(kind, namespace, name string) *Object {
	for _, o := range t.named(kind, namespace, name) {
		if o.APIVersion == "v1" {
			return o
		}
	}
	return nil
}

// checkDependsOn reports dependency cycles among the tree's Kustomizations.
func (r *renderer) checkDependsOn(t *tree) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []*Kustomization
	reported := map[string]bool{}
	var visit func(k *Kustomization)
	visit = func(k *Kustomization) {
		color[k.Key()] = grey
		stack = append(stack, k)
		for i, d := range k.Spec.DependsOn {
			ns := d.Namespace
			if ns == "" {
				ns = k.Namespace
			}
			dep := t.byKey[ns+"/"+d.Name]
			if dep == nil {
				continue
			}
			switch color[dep.Key()] {
			case white:
				visit(dep)
			case grey:
				var cyc []string
				for j := len(stack) - 1; j >= 0; j-- {
					cyc = append([]string{stack[j].Key()}, cyc...)
					if stack[j] == dep {
						break
					}
				}
				cyc = append(cyc, dep.Key())
				id := canonicalCycle(cyc)
				if !reported[id] {
					reported[id] = true
					r.report(Problem{Code: DependencyCycle, Pos: k.Object.FieldPos("spec", "dependsOn", strconv.Itoa(i), "name"), Kustomization: k, Object: k.Object,
						Message: "dependsOn cycle: " + strings.Join(cyc, " -> ") + "; none of these Kustomizations will ever reconcile"})
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[k.Key()] = black
	}
	t.root.Walk(func(k *Kustomization) {
		if color[k.Key()] == white {
			visit(k)
		}
	})
}

// canonicalCycle names a cycle independently of where it was entered.
func canonicalCycle(cyc []string) string {
	members := append([]string(nil), cyc[:len(cyc)-1]...)
	min := 0
	for i := range members {
		if members[i] < members[min] {
			min = i
		}
	}
	return strings.Join(append(members[min:], members[:min]...), ",")
}
