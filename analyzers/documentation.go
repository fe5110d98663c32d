package analyzers

import (
	"embed"

	"github.com/fluxlint/fluxlint/internal/analysis"
)

// docs holds each rule's documentation, <id>.md beside <id>.go.
//
//go:embed *.md
var docs embed.FS

func doc(id string) analysis.Doc { return analysis.MustReadDoc(docs, id) }
