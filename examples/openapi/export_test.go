package openapi

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// ImportWhole imports data as the import did before it read JSON as JSON
// and narrowed it: kin-openapi reads the whole document, JSON through its
// YAML reader, and checks all of it. The tests compare both.
func ImportWhole(data []byte, opts Options) (*Result, error) {
	doc, err := readWhole(data)
	if err != nil {
		return nil, err
	}
	return importDocument(doc, opts)
}

func readWhole(data []byte) (doc *document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: the parser failed: %v", ErrDocument, r)
		}
	}()
	var head struct {
		Swagger any `json:"swagger" yaml:"swagger"`
		OpenAPI any `json:"openapi" yaml:"openapi"`
	}
	if first(data) == '{' {
		err = json.Unmarshal(data, &head)
	} else {
		err = yaml.Unmarshal(data, &head)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDocument, err)
	}
	switch v2, v3 := fmt.Sprint(head.Swagger), fmt.Sprint(head.OpenAPI); {
	case head.Swagger != nil && head.OpenAPI != nil:
		return nil, fmt.Errorf("%w: both versions", ErrDocument)
	case head.Swagger != nil && v2 == "2.0":
		var t openapi2.T
		if err := openapi2.UnmarshalFromData(data, &t); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDocument, err)
		}
		return readV2(&t), nil
	case head.OpenAPI != nil && strings.HasPrefix(v3, "3."):
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		t, err := loader.LoadFromData(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDocument, err)
		}
		return readV3(t)
	}
	return nil, fmt.Errorf("%w: no version", ErrDocument)
}
