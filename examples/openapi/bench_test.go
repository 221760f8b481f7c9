package openapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
)

// bigDocument returns a document of n operations in Genesys Cloud's shape:
// resources with nested sub-resources, five methods, an OAuth 2 scope
// pair per resource, an ANY or ALL list of one to eight permissions per
// operation, every tenth division-aware. version is "2.0" or "3.0.3".
func bigDocument(tb testing.TB, n int, version string) map[string]any {
	tb.Helper()
	methods := []string{"get", "post", "put", "patch", "delete"}
	scopes := map[string]any{}
	paths := map[string]any{}
	for i := 0; i < n; {
		res := fmt.Sprintf("resource%d", i/50)
		scopes[res] = "Manage " + res
		scopes[res+":readonly"] = "View " + res
		path := fmt.Sprintf("/api/v2/%s/{id}/sub%d/{subId}", res, i%50/5)
		item := map[string]any{}
		for _, m := range methods {
			if i == n {
				break
			}
			var perms []string
			for k := range 1 + i%8 {
				perms = append(perms, fmt.Sprintf("domain%d:entity%d:action%d", i%10, (i+k)%40, k))
			}
			kind := "ANY"
			if i%3 == 0 {
				kind = "ALL"
			}
			op := map[string]any{
				"operationId":                 fmt.Sprintf("op%d", i),
				"responses":                   map[string]any{"200": map[string]any{"description": "ok"}},
				"security":                    []any{map[string]any{"PureCloud OAuth": []string{res, res + ":readonly"}}},
				"x-inin-requires-permissions": map[string]any{"type": kind, "permissions": perms},
			}
			if i%10 == 0 {
				op["x-scopegate-endpoint"] = map[string]any{"division": "{id}"}
			}
			item[m] = op
			i++
		}
		paths[path] = item
	}
	doc := map[string]any{"info": map[string]any{"title": "big", "version": "1"}, "paths": paths}
	if version == "2.0" {
		doc["swagger"] = "2.0"
		doc["securityDefinitions"] = map[string]any{"PureCloud OAuth": map[string]any{
			"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://login.example.com/authorize", "scopes": scopes}}
	} else {
		doc["openapi"] = version
		doc["components"] = map[string]any{"securitySchemes": map[string]any{"PureCloud OAuth": map[string]any{
			"type": "oauth2", "flows": map[string]any{"implicit": map[string]any{"authorizationUrl": "https://login.example.com/authorize", "scopes": scopes}}}}}
	}
	return doc
}

// BenchmarkImport imports a 3,000-operation document: Swagger 2.0 in JSON,
// as Genesys Cloud publishes its own, and OpenAPI 3.0 in YAML.
func BenchmarkImport(b *testing.B) {
	for _, tc := range []struct {
		name, version string
		marshal       func(any) ([]byte, error)
	}{
		{"swagger-2.0-json", "2.0", json.Marshal},
		{"openapi-3.0-yaml", "3.0.3", yaml.Marshal},
	} {
		for _, n := range []int{300, 3000} {
			data, err := tc.marshal(bigDocument(b, n, tc.version))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/operations=%d", tc.name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					// The 3,000-operation YAML document is over YAML's
					// default limit: a trusted document may be larger.
					res, err := openapi.Import(data, openapi.Options{Mode: enforce.Strict, MaxSize: len(data)})
					if err != nil {
						b.Fatal(err)
					}
					if len(res.Endpoints) != n {
						b.Fatalf("%d endpoints", len(res.Endpoints))
					}
				}
			})
		}
	}
}

// hostile returns a document of about size bytes in one of the hostile
// shapes: a small valid document with one OAuth 2 operation, to which the
// shape adds very much of what the import does not read, or reads in
// bulk. It returns how many endpoints the document imports.
func hostile(tb testing.TB, shape string, size int) ([]byte, int) {
	tb.Helper()
	var b strings.Builder
	fill := func(first string, next func(i int) string) {
		b.WriteString(first)
		for i := 1; b.Len() < size; i++ {
			b.WriteString(next(i))
		}
	}
	var components, paths, root string
	switch shape {
	case "wide-array": // an extension holding one very long array
		fill(`, "x-a": [0`, func(int) string { return ",0" })
		b.WriteString("]")
		root = b.String()
	case "many-objects": // an extension holding very many empty objects
		fill(`, "x-a": [{}`, func(int) string { return ",{}" })
		b.WriteString("]")
		root = b.String()
	case "many-schemas": // very many schemas, each a reference to the one before
		fill(`, "schemas": {"s0": {}`, func(i int) string { return fmt.Sprintf(`, "s%d": {"$ref": "#/components/schemas/s%d"}`, i, i-1) })
		b.WriteString("}")
		components = b.String()
	case "deep-schema": // a schema nested as deep as encoding/json allows, each level padded
		const depth = 4900
		pad := strings.Repeat("x", max(0, size/depth-40))
		b.WriteString(`, "schemas": {"s": `)
		for range depth {
			b.WriteString(`{"description": "` + pad + `", "properties": {"a": `)
		}
		b.WriteString("{}" + strings.Repeat("}}", depth) + "}")
		components = b.String()
	case "many-paths": // very many paths, each with no operation
		fill(`, "/p0": {}`, func(i int) string { return fmt.Sprintf(`, "/p%d": {}`, i) })
		paths = b.String()
	default:
		tb.Fatalf("no shape %q", shape)
	}
	return []byte(`{"openapi": "3.0.3", "info": {"title": "x", "version": "1"},
  "components": {"securitySchemes": {"o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://l.example.com/a", "scopes": {"s": "d"}}}}}` + components + `},
  "paths": {"/a": {"get": {"operationId": "a", "security": [{"o": ["s"]}], "responses": {"200": {"description": "ok"}}}}` + paths + `}` + root + `}`), 1
}

// hostileShapes are the shapes [hostile] makes.
var hostileShapes = []string{"wide-array", "many-objects", "many-schemas", "deep-schema", "many-paths"}

// BenchmarkImportHostile imports hostile documents: JSON of 3 MiB, read
// as JSON and narrowed to what the import reads; and the same shapes in
// YAML's flow style (JSON after a comment line) of DefaultMaxYAMLSize, the
// largest read by default, which kin-openapi reads whole and only the size
// limit bounds.
func BenchmarkImportHostile(b *testing.B) {
	for _, yamlDoc := range []bool{false, true} {
		for _, shape := range hostileShapes {
			name, size := "json/"+shape, 3<<20
			if yamlDoc {
				name, size = "yaml/"+shape, openapi.DefaultMaxYAMLSize-16<<10
			}
			data, n := hostile(b, shape, size)
			if yamlDoc {
				data = append([]byte("# YAML\n"), data...)
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					// The 3,000-operation YAML document is over YAML's
					// default limit: a trusted document may be larger.
					res, err := openapi.Import(data, openapi.Options{Mode: enforce.Strict, MaxSize: len(data)})
					if err != nil {
						b.Fatal(err)
					}
					if len(res.Endpoints) != n {
						b.Fatalf("%d endpoints", len(res.Endpoints))
					}
				}
			})
		}
	}
}
