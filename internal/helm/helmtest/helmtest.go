// Package helmtest serves charts to tests without the internet: charts
// packaged from testdata directories, an HTTP chart repository on
// httptest, and an OCI registry started in-process
// (github.com/google/go-containerregistry/pkg/registry).
package helmtest

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"

	"github.com/fluxlint/fluxlint/internal/helm"
)

// Package packages the chart directory dir as a .tgz, with its version
// replaced when version is not empty.
func Package(t testing.TB, dir, version string) []byte {
	t.Helper()
	ch, err := loader.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if version != "" {
		ch.Metadata.Version = version
	}
	out := t.TempDir()
	file, err := chartutil.Save(ch, out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Chart is one packaged chart version a test repository serves.
type Chart struct {
	Name, Version string
	Archive       []byte
}

// Repo is an HTTP chart repository: index.yaml and the archives under
// charts/, linked by relative URLs. Archives can be replaced while it runs.
type Repo struct {
	*httptest.Server
	Charts []Chart
}

// ServeRepo starts an HTTP chart repository serving charts.
func ServeRepo(t testing.TB, charts ...Chart) *Repo {
	t.Helper()
	r := &Repo{Charts: charts}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/index.yaml" {
			entries := map[string][]map[string]any{}
			for _, c := range r.Charts {
				entries[c.Name] = append(entries[c.Name], map[string]any{
					"apiVersion": "v2", "name": c.Name, "version": c.Version,
					"urls":   []string{"charts/" + c.Name + "-" + c.Version + ".tgz"},
					"digest": strings.TrimPrefix(helm.Digest(c.Archive), "sha256:"),
				})
			}
			b, _ := yaml.Marshal(map[string]any{"apiVersion": "v1", "entries": entries})
			_, _ = w.Write(b)
			return
		}
		for _, c := range r.Charts {
			if req.URL.Path == "/charts/"+c.Name+"-"+c.Version+".tgz" {
				_, _ = w.Write(c.Archive)
				return
			}
		}
		http.NotFound(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

// ServeOCI starts an OCI registry in-process and returns its host:port.
func ServeOCI(t testing.TB) string {
	t.Helper()
	s := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

// Helm's OCI media types.
const (
	configMediaType = "application/vnd.cncf.helm.config.v1+json"
	layerMediaType  = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
)

// PushOCI pushes a packaged chart as Helm does, to host/repo/<name>:<version>
// ("+" in the version becomes "_").
func PushOCI(t testing.TB, host, repo string, c Chart) {
	t.Helper()
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: static.NewLayer(c.Archive, layerMediaType)})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, configMediaType)
	ref, err := name.ParseReference(host+"/"+repo+"/"+c.Name+":"+strings.ReplaceAll(c.Version, "+", "_"), name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, remote.WithTransport(&http.Transport{})); err != nil {
		t.Fatal(err)
	}
}

// TestdataChart is the path of a chart under the repository's
// testdata/charts, from a package directory two levels below the root.
func TestdataChart(name string) string {
	return filepath.Join("..", "..", "testdata", "charts", name)
}
