// Package sarifschema validates SARIF logs against the SARIF 2.1.0 JSON
// schema shipped in testdata/sarif, without any network access. Tests use
// it; fluxlint itself does not.
package sarifschema

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Compile compiles the schema file: the document is added under its own
// $id and only that URL is compiled; the draft's metaschema is built into
// the library, and any other load is refused.
func Compile(file string) (*jsonschema.Schema, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	m, _ := doc.(map[string]any)
	id, _ := m["$id"].(string)
	if id == "" {
		id, _ = m["id"].(string) // draft-04 names it "id"
	}
	if !strings.Contains(id, "sarif-schema-2.1.0") {
		return nil, fmt.Errorf("%s: $id %q is not the SARIF 2.1.0 schema", file, id)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(offline{})
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id)
}

// offline refuses to load anything: every schema needed is added.
type offline struct{}

func (offline) Load(url string) (any, error) {
	return nil, &os.PathError{Op: "load", Path: url, Err: os.ErrNotExist}
}

// Validate checks a SARIF log against a compiled schema.
func Validate(sch *jsonschema.Schema, log []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
