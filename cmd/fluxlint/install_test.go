package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// The kustomize fluxlint builds with must be the one Flux pins: the
// render is only Flux's render if kustomize is the same. Flux's kustomize
// build code (github.com/fluxcd/pkg/kustomize) pins it in its go.mod with
// replace directives, which do not reach its importers; minimal version
// selection must still pick the same versions here.
func TestKustomizeIsFluxs(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information")
	}
	have := map[string]string{}
	for _, d := range bi.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		have[d.Path] = v
	}
	fluxPkg := have["github.com/fluxcd/pkg/kustomize"]
	if fluxPkg == "" {
		t.Fatal("github.com/fluxcd/pkg/kustomize is not in the build list")
	}
	cache := goEnv(t, "GOMODCACHE")
	data, err := os.ReadFile(filepath.Join(cache, "cache", "download", "github.com", "fluxcd", "pkg", "kustomize", "@v", fluxPkg+".mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range mf.Require {
		want[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range mf.Replace {
		want[r.Old.Path] = r.New.Version
	}
	for _, p := range []string{"sigs.k8s.io/kustomize/api", "sigs.k8s.io/kustomize/kyaml"} {
		if want[p] == "" || have[p] != want[p] {
			t.Errorf("%s: the build list has %s, Flux's kustomize build (fluxcd/pkg/kustomize %s) pins %s", p, have[p], fluxPkg, want[p])
		}
	}
}

// fluxlint installs the way users install it: "go install
// github.com/fluxlint/fluxlint/cmd/fluxlint@VERSION" through a module proxy,
// here a file:// proxy serving the commit at HEAD as a version. A replace directive
// in go.mod, for one, makes that fail. The installed binary knows its
// version.
func TestGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fluxlint from a module proxy")
	}
	const path, version = "github.com/fluxlint/fluxlint", "v0.0.0-20261202000000-0123456789ab"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	proxy := t.TempDir()
	dir := filepath.Join(proxy, path, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	// The zip holds what Git holds at HEAD, as a proxy serves a tagged
	// commit: not the build outputs or caches of this work tree.
	if err := modzip.CreateFromVCS(&zbuf, module.Version{Path: path, Version: version}, root, "HEAD", ""); err != nil {
		t.Fatal(err)
	}
	gomod := zipFile(t, zbuf.Bytes(), path+"@"+version+"/go.mod")
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": "2026-12-02T00:00:00Z"})
	for name, data := range map[string][]byte{
		"list": []byte(version + "\n"), version + ".info": info, version + ".mod": gomod, version + ".zip": zbuf.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkZip(t, zbuf.Bytes())
	bin := t.TempDir()
	cmd := exec.Command("go", "install", path+"/cmd/fluxlint@"+version)
	// The dependencies come from the module cache (this test's own build
	// filled it) and are checked against the module's go.sum; nothing goes
	// to the network, so the checksum database is off.
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOPROXY=file://"+filepath.ToSlash(proxy),
		"GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "fluxlint"), "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "fluxlint "+version) {
		t.Errorf("the installed fluxlint says %q (%v), want its version %s", out, err, version)
	}
}

// checkZip makes sure the module zip holds no file it must not: the corpus
// or a built binary.
func checkZip(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/bin/fluxlint") || strings.Contains(f.Name, "/corpus/") {
			t.Errorf("the module zip holds %s", f.Name)
		}
	}
}

// zipFile is the content of one file of a zip.
func zipFile(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
