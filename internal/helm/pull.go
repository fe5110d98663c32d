package helm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/yaml"
)

// ChartRequest is a chart a HelmRelease asks a chart repository for.
type ChartRequest struct {
	// Repository is the HelmRepository URL (https://..., oci://...) or, for
	// an OCIRepository, its URL without the chart name.
	Repository string
	Chart      string
	// Version is the version or semver range as written ("" or "*": the
	// latest stable).
	Version string
}

func (r ChartRequest) String() string {
	v := r.Version
	if v == "" {
		v = "*"
	}
	return r.Chart + " " + v + " from " + r.Repository
}

// Puller fetches charts into a cache: the one part of fluxlint that uses
// the network, for "fluxlint charts pull" only.
type Puller struct {
	Cache Cache
	Lock  *Lock
	// Transport is the HTTP transport (a fresh one when nil: never
	// http.DefaultTransport, which a render disables).
	Transport http.RoundTripper
	// PlainHTTP reaches OCI registries over HTTP instead of HTTPS.
	PlainHTTP bool
	// Update re-resolves version ranges the lock already resolved.
	Update bool
}

// ErrDigestMismatch is what a chart whose digest differs from the lock
// gets.
var ErrDigestMismatch = errors.New("digest differs from the lock")

func (p *Puller) transport() http.RoundTripper {
	if p.Transport == nil {
		p.Transport = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 30 * time.Second}
	}
	return p.Transport
}

// Pull makes sure the chart a request resolves to is in the cache and in
// the lock, and returns its lock entry. A version range is resolved against
// the repository (its index.yaml, or its tags for OCI) unless the lock
// already resolved it; a chart whose digest differs from the lock is
// refused and not cached.
func (p *Puller) Pull(ctx context.Context, req ChartRequest) (LockEntry, error) {
	if p.Lock == nil {
		p.Lock = &Lock{}
	}
	entry := LockEntry{Repository: req.Repository, Chart: req.Chart}
	if isRange(req.Version) {
		entry.Requested = req.Version
		if req.Version == "" {
			entry.Requested = "*"
		}
	}
	locked := p.Lock.Find(req.Repository, req.Chart, req.Version)
	var data []byte
	var err error
	oci := strings.HasPrefix(req.Repository, "oci://")
	switch {
	case locked != nil && !(p.Update && entry.Requested != ""):
		entry.Version = locked.Version
	case !isRange(req.Version):
		entry.Version = req.Version
	case oci:
		entry.Version, err = p.resolveOCI(ctx, req)
	default:
		var idx *index
		if idx, err = p.index(ctx, req.Repository); err == nil {
			entry.Version, err = Resolve(req.Version, idx.versions(req.Chart))
		}
	}
	if err != nil {
		return entry, fmt.Errorf("%s: %w", req, err)
	}
	file := p.Cache.Path(req.Repository, req.Chart, entry.Version)
	if b, err := os.ReadFile(file); err == nil && (locked == nil || Digest(b) == locked.Digest) {
		data = b
	} else if oci {
		data, err = p.fetchOCI(ctx, req, entry.Version)
	} else {
		data, err = p.fetchHTTP(ctx, req, entry.Version)
	}
	if err != nil {
		return entry, fmt.Errorf("%s: %w", req, err)
	}
	entry.Digest = Digest(data)
	if locked != nil && locked.Version == entry.Version && locked.Digest != "" && locked.Digest != entry.Digest {
		return entry, fmt.Errorf("%s %s from %s: %w: the lock has %s, the repository serves %s", req.Chart, entry.Version, req.Repository, ErrDigestMismatch, locked.Digest, entry.Digest)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return entry, err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return entry, err
	}
	p.Lock.Put(entry)
	return entry, nil
}

// isRange reports whether a chart version is a range rather than one
// version.
func isRange(v string) bool {
	if v == "" || v == "*" {
		return true
	}
	return strings.ContainsAny(v, "<>=~^*xX|, ") && !exactVersion(v)
}

func exactVersion(v string) bool {
	_, err := parseStrict(v)
	return err == nil
}

// index is the part of a chart repository's index.yaml fluxlint reads.
type index struct {
	APIVersion string `json:"apiVersion"`
	Entries    map[string][]struct {
		Version string   `json:"version"`
		URLs    []string `json:"urls"`
		Digest  string   `json:"digest"`
	} `json:"entries"`
	base string
}

func (i *index) versions(chart string) []string {
	var out []string
	for _, e := range i.Entries[chart] {
		out = append(out, e.Version)
	}
	return out
}

func (p *Puller) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := (&http.Client{Transport: p.transport(), Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 256<<20))
}

func (p *Puller) index(ctx context.Context, repo string) (*index, error) {
	u, err := resolveURL(repo, "index.yaml")
	if err != nil {
		return nil, err
	}
	b, err := p.get(ctx, u)
	if err != nil {
		return nil, err
	}
	var idx index
	if err := yaml.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if idx.APIVersion == "" {
		return nil, fmt.Errorf("%s: no apiVersion: not a chart repository index", u)
	}
	idx.base = repo
	return &idx, nil
}

func (p *Puller) fetchHTTP(ctx context.Context, req ChartRequest, version string) ([]byte, error) {
	idx, err := p.index(ctx, req.Repository)
	if err != nil {
		return nil, err
	}
	for _, e := range idx.Entries[req.Chart] {
		if e.Version != version {
			continue
		}
		if len(e.URLs) == 0 {
			return nil, fmt.Errorf("version %s has no URL in the index", version)
		}
		u, err := resolveURL(req.Repository, e.URLs[0])
		if err != nil {
			return nil, err
		}
		b, err := p.get(ctx, u)
		if err != nil {
			return nil, err
		}
		if e.Digest != "" && "sha256:"+strings.TrimPrefix(e.Digest, "sha256:") != Digest(b) {
			return nil, fmt.Errorf("%s: the archive's digest %s is not the index's %s", u, Digest(b), e.Digest)
		}
		return b, nil
	}
	return nil, fmt.Errorf("version %s is not in the repository index", version)
}

// resolveURL resolves a chart URL of an index against the repository URL as
// Helm does: relative to the repository path, with its query.
func resolveURL(repo, ref string) (string, error) {
	base, err := url.Parse(repo)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	if r.IsAbs() {
		return r.String(), nil
	}
	base.Path = strings.TrimSuffix(base.Path, "/") + "/"
	out := base.ResolveReference(r)
	out.RawQuery = base.RawQuery
	return out.String(), nil
}

func (p *Puller) ociRepo(req ChartRequest) (name.Repository, error) {
	var opts []name.Option
	if p.PlainHTTP {
		opts = append(opts, name.Insecure)
	}
	return name.NewRepository(strings.TrimPrefix(req.Repository, "oci://")+"/"+req.Chart, opts...)
}

func (p *Puller) resolveOCI(ctx context.Context, req ChartRequest) (string, error) {
	repo, err := p.ociRepo(req)
	if err != nil {
		return "", err
	}
	tags, err := remote.List(repo, remote.WithContext(ctx), remote.WithTransport(p.transport()))
	if err != nil {
		return "", err
	}
	var versions []string
	for _, t := range tags {
		v := strings.ReplaceAll(t, "_", "+")
		if _, err := parseStrict(v); err == nil {
			versions = append(versions, v)
		}
	}
	return Resolve(req.Version, versions)
}

// Helm's OCI media types.
const (
	helmChartLayer       = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
	helmChartLayerLegacy = "application/tar+gzip"
)

func (p *Puller) fetchOCI(ctx context.Context, req ChartRequest, version string) ([]byte, error) {
	repo, err := p.ociRepo(req)
	if err != nil {
		return nil, err
	}
	img, err := remote.Image(repo.Tag(strings.ReplaceAll(version, "+", "_")), remote.WithContext(ctx), remote.WithTransport(p.transport()))
	if err != nil {
		return nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	for _, l := range m.Layers {
		if l.MediaType != helmChartLayer && l.MediaType != helmChartLayerLegacy {
			continue
		}
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			return nil, err
		}
		rc, err := layer.Compressed()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, 256<<20))
	}
	return nil, fmt.Errorf("%s:%s holds no Helm chart layer", repo, version)
}
