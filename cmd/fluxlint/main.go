// Command fluxlint renders, checks and migrates Flux GitOps repositories.
package main

import (
	"os"

	"github.com/fluxlint/fluxlint/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
