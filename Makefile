# fluxlint: render, check and migrate Flux GitOps repositories.
GO      ?= go
BIN     ?= bin/fluxlint
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/fluxlint/fluxlint/internal/version.Version=$(VERSION)
CORPUS  ?= ../shared/corpus

PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: all build install test test-short bench demo fmt fmt-check vet fuzz release image clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/fluxlint

install:
	$(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/fluxlint

# The test command: vet, the gofmt check, and the unit, fixture, golden,
# CLI and corpus tests. Corpus tests run when $(CORPUS) exists and skip
# otherwise, unless FLUXLINT_REQUIRE_CORPUS=1 (CI sets it), when they fail.
test: vet fmt-check
	FLUXLINT_CORPUS=$(abspath $(CORPUS)) $(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

# Run fluxlint on the example repository that ships with the project: an
# AKS fluxConfiguration (see testdata/demo/.fluxlint.yaml) with the usual
# multi-tenancy mistakes.
demo: build
	@echo '$$ fluxlint render testdata/demo   (first lines)'
	@$(BIN) render testdata/demo | head -n 12
	@echo
	@echo '$$ fluxlint check testdata/demo'
	@$(BIN) check testdata/demo; echo "(exit code $$?)"
	@echo
	@echo '$$ fluxlint migrate --plan testdata/demo   (the lockdown readiness checklist)'
	@$(BIN) migrate --plan testdata/demo; echo "(exit code $$?)"
	@echo
	@echo '$$ fluxlint migrate testdata/demo   (step 2: prints the diff; -w would write it)'
	@$(BIN) migrate testdata/demo 2>&1

# Benchmarks: renders the corpus repositories and a generated repository of
# 1,000 Kustomizations; a generated repository of 70 HelmReleases over 10
# cached charts, with charts and without (BenchmarkRenderHelmReleases70/
# charts against /no-charts is the cost of rendering the charts); compares
# with the flux CLI when it is on PATH.
bench:
	FLUXLINT_CORPUS=$(abspath $(CORPUS)) $(GO) test -run '^$$' -bench . -benchmem -benchtime 10x ./internal/render/
	FLUXLINT_CORPUS=$(abspath $(CORPUS)) $(GO) test -run '^$$' -bench 'Onedr0p' -benchtime 5x -count 5 ./internal/cli/
	FLUXLINT_CORPUS=$(abspath $(CORPUS)) $(GO) run ./internal/tools/bench

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

fmt-check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'gofmt would change the files above: run make fmt'; exit 1)

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 3m ./internal/load/

# Static binaries (no cgo) for every platform, and their SHA-256 sums.
release:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
	  echo "build $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' \
	    -o dist/fluxlint_$(VERSION)_$${os}_$${arch}$$ext ./cmd/fluxlint; \
	done
	cd dist && sha256sum fluxlint_* > checksums.txt && cat checksums.txt

# A small image holding the static binary (see Dockerfile).
image:
	docker build --build-arg VERSION=$(VERSION) -t fluxlint:$(VERSION) .

clean:
	rm -rf bin dist
