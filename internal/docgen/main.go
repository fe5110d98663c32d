// Command docgen prints docs/rules.md from the analyzers' documentation;
// "make generate" writes it, and a test fails when it is stale.
package main

import (
	"os"

	"github.com/fluxlint/fluxlint/analyzers"
)

func main() {
	analyzers.WriteMarkdown(os.Stdout, analyzers.All)
}
