// Command genschema writes internal/kubeschema/kubernetes.json: kyaml's
// built-in Kubernetes OpenAPI schema without its documentation, in the
// compact form kubeschema loads. Run it with "go generate
// ./internal/kubeschema".
package main

import (
	"flag"
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/openapi"

	"github.com/fluxlint/fluxlint/internal/kubeschema"
)

func main() {
	out := flag.String("o", "kubernetes.json", "file to write")
	flag.Parse()
	data, err := kubeschema.Generate(openapi.Schema().Definitions)
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genschema:", err)
		os.Exit(1)
	}
}
