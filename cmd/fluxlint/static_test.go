package main

import (
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The binaries "make release" leaves in dist/ are static, and
// checksums.txt holds their SHA-256 sums: the linux binaries have no
// program interpreter and need no shared library, so they run in a
// scratch image and on any distribution. CI runs make release first and
// sets FLUXLINT_REQUIRE_RELEASE=1, which turns a missing dist/ into a
// failure.
func TestReleaseBinaries(t *testing.T) {
	dist := filepath.Join("..", "..", "dist")
	sums, err := os.Open(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		if os.Getenv("FLUXLINT_REQUIRE_RELEASE") != "" {
			t.Fatalf("no release to check: %v (run make release)", err)
		}
		t.Skip("no dist/: run make release")
	}
	defer sums.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(sums)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("checksums.txt: %q", sc.Text())
		}
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: checksum does not match", name)
		}
		for _, p := range []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64.exe", "windows_arm64.exe"} {
			if strings.HasSuffix(name, p) {
				seen[p] = true
			}
		}
		if strings.Contains(name, "_linux_") {
			checkStatic(t, filepath.Join(dist, name))
		}
	}
	if len(seen) != 6 {
		t.Errorf("the release has %d of the 6 platforms: %v", len(seen), seen)
	}
}

func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %v program header: it is dynamically linked", bin, p.Type)
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		t.Errorf("%s needs %v", bin, libs)
	}
}
