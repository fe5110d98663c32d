package helm_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fluxlint/fluxlint/internal/helm"
	"github.com/fluxlint/fluxlint/internal/helm/helmtest"
)

func TestPullHTTPResolvesRangesAndLocks(t *testing.T) {
	app := helmtest.TestdataChart("app")
	v1 := helmtest.Chart{Name: "app", Version: "1.2.3", Archive: helmtest.Package(t, app, "1.2.3")}
	v2 := helmtest.Chart{Name: "app", Version: "1.3.0", Archive: helmtest.Package(t, app, "1.3.0")}
	pre := helmtest.Chart{Name: "app", Version: "1.4.0-rc.1", Archive: helmtest.Package(t, app, "1.4.0-rc.1")}
	repo := helmtest.ServeRepo(t, v1, v2, pre)
	cache := helm.Cache{Dir: t.TempDir()}
	p := &helm.Puller{Cache: cache}
	ctx := context.Background()

	e, err := p.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app", Version: "1.x"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != "1.3.0" || e.Requested != "1.x" || e.Digest != helm.Digest(v2.Archive) {
		t.Errorf("range: got %+v", e)
	}
	if e, err = p.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app", Version: "1.2.3"}); err != nil || e.Version != "1.2.3" || e.Requested != "" {
		t.Errorf("exact: got %+v, %v", e, err)
	}
	if e, err = p.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app"}); err != nil || e.Version != "1.3.0" || e.Requested != "*" {
		t.Errorf("latest stable: got %+v, %v", e, err)
	}
	for _, v := range []string{"1.2.3", "1.3.0"} {
		if _, err := os.Stat(cache.Path(repo.URL, "app", v)); err != nil {
			t.Errorf("not cached: %v", err)
		}
	}
	lockFile := filepath.Join(t.TempDir(), helm.LockFile)
	if err := p.Lock.Write(lockFile); err != nil {
		t.Fatal(err)
	}
	lock, err := helm.ReadLock(lockFile)
	if err != nil || len(lock.Charts) != 3 {
		t.Fatalf("lock: %+v, %v", lock, err)
	}

	// The cache finds what the lock resolved, offline.
	if f, v, ok := cache.Find(repo.URL, "app", "1.x", lock); !ok || v != "1.3.0" || f != cache.Path(repo.URL, "app", "1.3.0") {
		t.Errorf("Find: %s %s %v", f, v, ok)
	}

	// A new release of the range keeps the locked version.
	v3 := helmtest.Chart{Name: "app", Version: "1.5.0", Archive: helmtest.Package(t, app, "1.5.0")}
	repo.Charts = append(repo.Charts, v3)
	p2 := &helm.Puller{Cache: helm.Cache{Dir: t.TempDir()}, Lock: lock}
	if e, err := p2.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app", Version: "1.x"}); err != nil || e.Version != "1.3.0" {
		t.Errorf("locked range: %+v, %v", e, err)
	}
	p2.Update = true
	if e, err := p2.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app", Version: "1.x"}); err != nil || e.Version != "1.5.0" {
		t.Errorf("--update: %+v, %v", e, err)
	}

	// The repository now serves other bytes for 1.2.3: refused, not cached.
	repo.Charts[0].Archive = helmtest.Package(t, app, "1.2.3")
	repo.Charts[0].Archive = append([]byte(nil), repo.Charts[0].Archive...)
	repo.Charts[0].Archive[len(repo.Charts[0].Archive)-1] ^= 1 // a byte in the gzip trailer
	p3 := &helm.Puller{Cache: helm.Cache{Dir: t.TempDir()}, Lock: lock}
	_, err = p3.Pull(ctx, helm.ChartRequest{Repository: repo.URL, Chart: "app", Version: "1.2.3"})
	if !errors.Is(err, helm.ErrDigestMismatch) {
		t.Errorf("changed chart: got %v, want ErrDigestMismatch", err)
	}
	if _, err := os.Stat(p3.Cache.Path(repo.URL, "app", "1.2.3")); err == nil {
		t.Error("a refused chart was cached")
	}
}

func TestPullOCI(t *testing.T) {
	app := helmtest.TestdataChart("app")
	host := helmtest.ServeOCI(t)
	for _, v := range []string{"1.2.3", "1.3.0+build.5", "2.0.0-rc.1"} {
		helmtest.PushOCI(t, host, "charts", helmtest.Chart{Name: "app", Version: v, Archive: helmtest.Package(t, app, v)})
	}
	p := &helm.Puller{Cache: helm.Cache{Dir: t.TempDir()}, PlainHTTP: true}
	ctx := context.Background()
	repoURL := "oci://" + host + "/charts"
	e, err := p.Pull(ctx, helm.ChartRequest{Repository: repoURL, Chart: "app", Version: ">=1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != "1.3.0+build.5" || e.Requested != ">=1.0.0" {
		t.Errorf("range: %+v", e)
	}
	b, err := os.ReadFile(p.Cache.Path(repoURL, "app", e.Version))
	if err != nil || helm.Digest(b) != e.Digest {
		t.Fatalf("cached archive: %v", err)
	}
	l := &helm.Loader{}
	ch, err := l.LoadArchive(p.Cache.Path(repoURL, "app", e.Version))
	if err != nil || ch.Version() != "1.3.0+build.5" {
		t.Fatalf("load: %v", err)
	}
	if e, err := p.Pull(ctx, helm.ChartRequest{Repository: repoURL, Chart: "app", Version: "1.2.3"}); err != nil || e.Version != "1.2.3" {
		t.Errorf("exact: %+v %v", e, err)
	}
}
