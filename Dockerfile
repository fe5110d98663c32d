# A small image with the static fluxlint binary, for CI systems that run
# containers (GitLab CI, Azure Pipelines):
#   docker run --rm -v "$PWD:/repo" fluxlint check /repo
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/fluxlint/fluxlint/internal/version.Version=${VERSION}" \
      -o /fluxlint ./cmd/fluxlint

FROM scratch
COPY --from=build /fluxlint /fluxlint
WORKDIR /repo
USER 65532:65532
ENTRYPOINT ["/fluxlint"]
CMD ["check", "/repo"]
