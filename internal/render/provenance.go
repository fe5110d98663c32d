package render

import (
	"path/filepath"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/api/resource"

	"github.com/fluxlint/fluxlint/internal/flux"
	"github.com/fluxlint/fluxlint/internal/load"
)

// provenance maps the resources of one build back to the documents they
// came from, using the origin annotations kustomize adds: the file (path)
// for a resource, the kustomization and generator (configuredIn,
// configuredBy) for a generated one. Within a multi-document file the
// document is the one of the same kind whose name the resource's name
// contains (a namePrefix or nameSuffix may surround it), taking documents in
// file order so that kustomize's order settles a tie.
type provenance struct {
	view    *load.View
	dirPath string
	used    map[*load.Doc]bool
}

func newProvenance(view *load.View, dirPath string) *provenance {
	return &provenance{view: view, dirPath: dirPath, used: map[*load.Doc]bool{}}
}

// locate returns the source document of res, or the position of the
// generator that made it; list is set when the resource is an item of a
// List document.
func (p *provenance) locate(res *resource.Resource) (doc *load.Doc, gen generator, list *load.Doc) {
	origin, err := res.GetOrigin()
	if err != nil || origin == nil || origin.Repo != "" {
		return nil, generator{}, nil
	}
	if origin.ConfiguredIn != "" {
		return nil, p.generatorPos(origin, res.GetName()), nil
	}
	f := p.file(origin.Path)
	if f == nil {
		return nil, generator{}, nil
	}
	kind, name, group := res.GetKind(), res.GetName(), flux.Group(res.GetApiVersion())
	var best *load.Doc
	score := -1
	for _, d := range f.Docs() {
		if !d.IsObject() {
			continue
		}
		if d.Kind != kind {
			if strings.HasSuffix(d.Kind, "List") && list == nil {
				list = d
			}
			continue
		}
		s := 0
		if !p.used[d] {
			s += 4
		}
		if flux.Group(d.APIVersion) == group {
			s += 2
		}
		if d.Name == name {
			s += 16
		} else if d.Name != "" && strings.Contains(name, d.Name) {
			s += 8
		}
		if s > score {
			best, score = d, s
		}
	}
	if best != nil && (score&(16|8) != 0 || list == nil) {
		p.used[best] = true
		return best, generator{}, nil
	}
	// A document of the same kind whose name is unrelated is not the
	// source when the file has a List: the resource is one of its items.
	return nil, generator{}, list
}

// generator is the configMapGenerator or secretGenerator entry that made
// an object.
type generator struct {
	pos  load.Pos
	doc  *load.Doc
	path []string
}

// file returns the repository file at a path relative to the build
// directory.
func (p *provenance) file(rel string) *load.File {
	abs := filepath.Join(p.dirPath, filepath.FromSlash(rel))
	r, err := filepath.Rel(p.view.Repo.Root, abs)
	if err != nil || strings.HasPrefix(r, "..") {
		return nil
	}
	return p.view.Repo.File(filepath.ToSlash(r))
}

// generatorPos points at the name of the generator entry that made a
// resource; its name is the entry's name with a prefix, a suffix and a hash.
func (p *provenance) generatorPos(origin *resource.Origin, name string) generator {
	f := p.file(origin.ConfiguredIn)
	if f == nil {
		return generator{}
	}
	docs := f.Docs()
	if len(docs) == 0 || docs[0].Node == nil {
		return generator{pos: load.Pos{File: f.Name(), Line: 1}}
	}
	d := docs[0]
	field := ""
	switch origin.ConfiguredBy.Kind {
	case "ConfigMapGenerator":
		field = "configMapGenerator"
	case "SecretGenerator":
		field = "secretGenerator"
	default:
		return generator{pos: d.Pos()}
	}
	seq := load.LookupNode(d.Node.YNode(), field)
	if seq == nil {
		return generator{pos: d.Pos()}
	}
	best, bestLen := -1, -1
	for i, item := range seq.Content {
		n := load.LookupNode(item, "name")
		if n != nil && strings.Contains(name, n.Value) && len(n.Value) > bestLen {
			best, bestLen = i, len(n.Value)
		}
	}
	if best < 0 {
		pos, _ := d.KeyPos(field)
		return generator{pos: pos}
	}
	path := []string{field, strconv.Itoa(best)}
	pos, _ := d.Lookup(append(path, "name")...)
	return generator{pos: pos, doc: d, path: path}
}
