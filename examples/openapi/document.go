package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// document is what the import reads of a Swagger 2.0 or OpenAPI 3.x
// document, the same for both.
type document struct {
	version  string
	basePath string                 // basePath (2.0), or the path of the first server (3.x)
	servers  int                    // how many servers the document lists (3.x)
	schemes  map[string]scheme      // security schemes by name
	security *[]map[string][]string // the document's own security, for operations without
	ops      []operation
}

// A scheme is a security scheme.
type scheme struct {
	typ    string            // oauth2, apiKey, basic, http, openIdConnect, ...
	scopes map[string]string // an oauth2 scheme's scopes and their descriptions, all flows together
}

// An operation is one method of one path.
type operation struct {
	method, path, id string
	security         *[]map[string][]string // nil: the document's
	params           []string               // the names of its path parameters, path-level and its own
	ext              map[string]any         // its extensions, x-...
}

// methodOrder is the order of an operation's methods in the table.
var methodOrder = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect}

func methodRank(m string) int {
	if i := slices.Index(methodOrder, m); i >= 0 {
		return i
	}
	return len(methodOrder)
}

// readDocument reads a document, JSON or YAML, of either version, of at
// most maxSize bytes (0: the default for its syntax). It reads no other
// file: a reference to one, in what it reads, is an error.
//
// A JSON document is read as JSON, never as YAML: kin-openapi's own
// readers try YAML first, whose parser takes time and memory out of all
// proportion to a hostile document's size (9 s and 1.6 GB for 3 MB). And
// only what the import reads is decoded ([narrow]): kin-openapi decodes
// each level of a schema again for its extensions, in time that grows
// with the square of the nesting. What it does not read (schemas,
// responses, examples) it does not check either: a mistake there, or a
// reference there to another file, is not an error. A YAML document is
// read whole by kin-openapi, checked whole, and bounded by its size only.
func readDocument(data []byte, maxSize int) (doc *document, err error) {
	isJSON := first(data) == '{'
	syntax, limit := "YAML", DefaultMaxYAMLSize
	if isJSON {
		syntax, limit = "JSON", DefaultMaxSize
	}
	if maxSize > 0 {
		limit = maxSize
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%w: %w: %d bytes of %s, more than %d", ErrDocument, ErrTooLarge, len(data), syntax, limit)
	}
	// The parsers are third-party code: whatever the input does to them,
	// it is an error here, not a panic.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: the parser failed: %v", ErrDocument, r)
		}
	}()
	var head struct {
		Swagger any `json:"swagger" yaml:"swagger"`
		OpenAPI any `json:"openapi" yaml:"openapi"`
	}
	// JSON is read as JSON: YAML's scanner, given a large document on one
	// line, takes time in proportion to the square of its length.
	if isJSON {
		if err := json.Unmarshal(data, &head); err != nil {
			return nil, fmt.Errorf("%w: not JSON: %v", ErrDocument, err)
		}
	} else if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: neither JSON nor YAML: %v", ErrDocument, err)
	}
	switch v2, v3 := fmt.Sprint(head.Swagger), fmt.Sprint(head.OpenAPI); {
	case head.Swagger != nil && head.OpenAPI != nil:
		return nil, fmt.Errorf("%w: both \"swagger\" and \"openapi\" versions", ErrDocument)
	case head.Swagger != nil && v2 == "2.0":
		var t openapi2.T
		if isJSON {
			err = decodeJSON(data, shapeV2, &t)
		} else {
			err = openapi2.UnmarshalFromData(data, &t)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDocument, err)
		}
		return readV2(&t), nil
	case head.OpenAPI != nil && strings.HasPrefix(v3, "3."):
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		var t *openapi3.T
		if isJSON {
			t = new(openapi3.T)
			if err = decodeJSON(data, shapeV3, t); err == nil {
				err = loader.ResolveRefsIn(t, nil)
			}
		} else {
			t, err = loader.LoadFromData(data)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDocument, err)
		}
		return readV3(t)
	case head.Swagger != nil:
		return nil, fmt.Errorf("%w: swagger version %q; want 2.0", ErrDocument, v2)
	case head.OpenAPI != nil:
		return nil, fmt.Errorf("%w: openapi version %q; want 3.x", ErrDocument, v3)
	}
	return nil, fmt.Errorf("%w: no \"swagger\" or \"openapi\" version", ErrDocument)
}

// decodeJSON decodes what the import reads of a JSON document, as s
// says, into kin-openapi's model v.
func decodeJSON(data []byte, s *shape, v any) error {
	narrowed, err := narrow(data, s)
	if err != nil {
		return err
	}
	return json.Unmarshal(narrowed, v)
}

func readV2(t *openapi2.T) *document {
	doc := &document{version: t.Swagger, basePath: t.BasePath, schemes: make(map[string]scheme)}
	for name, s := range t.SecurityDefinitions {
		if s == nil {
			continue
		}
		doc.schemes[name] = scheme{typ: s.Type, scopes: s.Scopes}
	}
	if t.Security != nil {
		sec := []map[string][]string(t.Security)
		doc.security = &sec
	}
	// A parameter may be a reference to one of the document's.
	param := func(p *openapi2.Parameter) *openapi2.Parameter {
		if p != nil && p.Ref != "" {
			if name, ok := strings.CutPrefix(p.Ref, "#/parameters/"); ok {
				return t.Parameters[name]
			}
			return nil
		}
		return p
	}
	for _, path := range sortedKeys(t.Paths) {
		item := t.Paths[path]
		if item == nil {
			continue
		}
		var shared []string
		for _, p := range item.Parameters {
			if p = param(p); p != nil && p.In == "path" {
				shared = append(shared, p.Name)
			}
		}
		for method, op := range item.Operations() {
			o := operation{method: method, path: path, id: op.OperationID, ext: op.Extensions, params: slices.Clone(shared)}
			for _, p := range op.Parameters {
				if p = param(p); p != nil && p.In == "path" {
					o.params = append(o.params, p.Name)
				}
			}
			if op.Security != nil {
				sec := []map[string][]string(*op.Security)
				o.security = &sec
			}
			doc.ops = append(doc.ops, o)
		}
	}
	doc.sort()
	return doc
}

func readV3(t *openapi3.T) (*document, error) {
	doc := &document{version: t.OpenAPI, schemes: make(map[string]scheme), servers: len(t.Servers)}
	if len(t.Servers) > 0 && t.Servers[0] != nil {
		var err error
		if doc.basePath, err = t.Servers[0].BasePath(); err != nil {
			return nil, fmt.Errorf("%w: server %q: %v", ErrDocument, t.Servers[0].URL, err)
		}
	}
	if t.Components != nil {
		for name, ref := range t.Components.SecuritySchemes {
			if ref == nil || ref.Value == nil {
				continue
			}
			s := scheme{typ: ref.Value.Type}
			if f := ref.Value.Flows; f != nil {
				s.scopes = make(map[string]string)
				for _, flow := range []*openapi3.OAuthFlow{f.Implicit, f.Password, f.ClientCredentials, f.AuthorizationCode} {
					if flow == nil {
						continue
					}
					for k, v := range flow.Scopes {
						if _, dup := s.scopes[k]; !dup {
							s.scopes[k] = v
						}
					}
				}
			}
			doc.schemes[name] = s
		}
	}
	if t.Security != nil {
		sec := securityV3(t.Security)
		doc.security = &sec
	}
	if t.Paths != nil {
		paths := t.Paths.Map()
		for _, path := range sortedKeys(paths) {
			item := paths[path]
			if item == nil {
				continue
			}
			shared := pathParamsV3(item.Parameters)
			for method, op := range item.Operations() {
				if op == nil {
					continue
				}
				o := operation{method: method, path: path, id: op.OperationID, ext: op.Extensions,
					params: append(slices.Clone(shared), pathParamsV3(op.Parameters)...)}
				if op.Security != nil {
					sec := securityV3(*op.Security)
					o.security = &sec
				}
				doc.ops = append(doc.ops, o)
			}
		}
	}
	doc.sort()
	return doc, nil
}

func securityV3(s openapi3.SecurityRequirements) []map[string][]string {
	out := make([]map[string][]string, len(s))
	for i, r := range s {
		out[i] = r
	}
	return out
}

func pathParamsV3(ps openapi3.Parameters) []string {
	var out []string
	for _, p := range ps {
		if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInPath {
			out = append(out, p.Value.Name)
		}
	}
	return out
}

// sort orders the operations by path, then method: a document's maps
// have no order, and the table should not change from one run to the
// next.
func (doc *document) sort() {
	slices.SortFunc(doc.ops, func(a, b operation) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return methodRank(a.method) - methodRank(b.method)
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// extension decodes extension name of an operation into v, strictly:
// unknown keys are errors. It reports whether the operation has it.
func (o *operation) extension(name string, v any) (bool, error) {
	raw, ok := o.ext[name]
	if !ok {
		return false, nil
	}
	// The parsers keep an extension as decoded JSON, or as its bytes:
	// through JSON, both read alike.
	data, ok := raw.(json.RawMessage)
	if !ok {
		var err error
		if data, err = json.Marshal(raw); err != nil {
			return true, err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return true, dec.Decode(v)
}
