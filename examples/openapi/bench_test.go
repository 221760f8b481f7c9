package openapi_test

import (
	"encoding/json"
	"fmt"
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
					res, err := openapi.Import(data, openapi.Options{Mode: enforce.Strict})
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
