package openapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
)

// outcome is what an import gives, comparable: its error, or its table,
// catalog, refusals and notes.
type outcome struct {
	Err                    string
	Version                string
	Table, Catalog         string
	Refused, Skipped, Note []string
}

func outcomeOf(t testing.TB, res *openapi.Result, err error) outcome {
	t.Helper()
	if err != nil {
		return outcome{Err: err.Error()}
	}
	table, err := res.TableJSON()
	require.NoError(t, err)
	catalog, err := res.CatalogJSON()
	require.NoError(t, err)
	o := outcome{Version: res.Version, Table: string(table), Catalog: string(catalog), Refused: res.Refused}
	for _, s := range res.Skipped {
		o.Skipped = append(o.Skipped, s.Error())
	}
	for _, n := range res.Notes {
		o.Note = append(o.Note, n.String())
	}
	return o
}

// importsAlike imports doc both ways, in every mode, and reports the
// difference, or "" when there is none.
func importsAlike(t testing.TB, doc []byte) string {
	t.Helper()
	for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
		for _, base := range []bool{false, true} {
			opts := openapi.Options{Mode: mode, BasePath: base}
			narrowed, err := openapi.Import(doc, opts)
			got := outcomeOf(t, narrowed, err)
			whole, err := openapi.ImportWhole(doc, opts)
			want := outcomeOf(t, whole, err)
			if diff := cmp.Diff(want, got); diff != "" {
				return fmt.Sprintf("mode %v, base path %v (-whole +narrowed):\n%s", mode, base, diff)
			}
		}
	}
	return ""
}

// toJSON returns a YAML document in JSON.
func toJSON(t testing.TB, doc []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(doc, &v))
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// narrowedDocuments are valid JSON documents of all the kinds the import
// reads.
func narrowedDocuments(t testing.TB) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{
		"genesys2.json":  read(t, "genesys2.json"),
		"petstore3.yaml": toJSON(t, read(t, "petstore3.yaml")),
		"3.1 references": []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
		  "servers": [{"url": "https://{host}/api/{version}", "variables": {"host": {"default": "x.example.com"}, "version": {"default": "v2", "enum": ["v2"]}}}, {"url": "/other"}],
		  "components": {
		    "securitySchemes": {"o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://l.example.com/a", "scopes": {"a": "A", "b": "B"}},
		      "clientCredentials": {"tokenUrl": "https://l.example.com/t", "scopes": {"b": "B again", "c": "C"}}}},
		      "other": {"$ref": "#/components/securitySchemes/o"}, "key": {"type": "apiKey", "name": "k", "in": "header"}},
		    "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}}},
		    "schemas": {"Id": {"type": "string", "x-deep": {"properties": {"a": {"properties": {}}}}}},
		    "pathItems": {"things": {"parameters": [{"$ref": "#/components/parameters/id"}],
		      "get": {"operationId": "getThing", "security": [{"other": ["a"]}], "responses": {"200": {"description": "ok"}}},
		      "delete": {"operationId": "deleteThing", "security": [{"key": []}], "responses": {"200": {"description": "ok"}}}}}},
		  "security": [{"o": ["b"]}],
		  "paths": {
		    "/things/{id}": {"$ref": "#/components/pathItems/things"},
		    "/users/{userId}": {"parameters": [{"name": "userId", "in": "path", "required": true}],
		      "get": {"operationId": "getUser", "x-inin-requires-permissions": {"type": "ANY", "permissions": ["directory:user:view"]},
		        "x-scopegate-endpoint": {"division": "{userId}", "read_only": true}, "responses": {"200": {"description": "ok"}}},
		      "put": {"operationId": "putUser", "security": [{"o": ["c"]}, {"key": []}], "x-scopegate-endpoint": {"division": "{nope}"},
		        "x-inin-requires-permissions": {"type": "ALL", "permissions": ["directory:user:edit", "bad"]}, "responses": {"200": {"description": "ok"}}},
		      "patch": {"operationId": "patchUser", "security": [{"o": ["undeclared"]}], "responses": {"200": {"description": "ok"}}},
		      "post": {"operationId": "postUser", "security": [], "responses": {"200": {"description": "ok"}}}},
		    "/trace": {"trace": {"security": [{"nope": ["a"]}], "responses": {"200": {"description": "ok"}}}}},
		  "x-root": [1, 2, {"a": null}]}`),
	}
	for _, version := range []string{"2.0", "3.0.3"} {
		data, err := json.Marshal(bigDocument(t, 300, version))
		require.NoError(t, err)
		docs["big "+version] = data
	}
	for _, shape := range hostileShapes {
		docs["hostile "+shape], _ = hostile(t, shape, 16<<10)
	}
	return docs
}

// TestImportNarrowedAsWhole: a JSON document, narrowed to what the import
// reads, imports exactly as kin-openapi's whole reading of it did, in
// every mode, mistakes and notes included.
func TestImportNarrowedAsWhole(t *testing.T) {
	for name, doc := range narrowedDocuments(t) {
		t.Run(name, func(t *testing.T) {
			if diff := importsAlike(t, doc); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestImportRefusesAmbiguousKeys: a key given twice, or a key that
// differs only in case from one the import reads, is read differently by
// different parsers (kin-openapi's whole reading took "Security" for
// "security" in a Swagger 2.0 operation, and kept the last of two keys):
// the document is refused, never read one way or the other.
func TestImportRefusesAmbiguousKeys(t *testing.T) {
	v3 := func(op string) string {
		return `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
		  "components": {"securitySchemes": {"o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://l.example.com/a", "scopes": {"a": "A", "admin": "Admin"}}}}}},
		  "security": [{"o": ["a"]}],
		  "paths": {"/things": {"get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}` + op + `}}}}`
	}
	for _, tc := range []struct{ name, doc string }{
		{"operation security in another case, 2.0", string(swagger(`, "Security": [{"PureCloud OAuth": ["things"]}]`))},
		{"operation security in another case, 3.x", v3(`, "Security": [{"o": ["admin"]}]`)},
		{"operation security twice", v3(`, "security": [{"o": ["admin"]}], "security": [{"o": ["a"]}]`)},
		{"permissions in another case", v3(`, "X-Inin-Requires-Permissions": {"type": "ALL", "permissions": ["a:b:c"]}`)},
		{"permissions twice", v3(`, "x-inin-requires-permissions": {"type": "ALL", "permissions": ["a:b:c"]}, "x-inin-requires-permissions": {"type": "ANY", "permissions": []}`)},
		{"method in another case", strings.Replace(v3(""), `"get"`, `"GET"`, 1)},
		{"path twice", strings.Replace(v3(""), `"paths": {"/things": {`, `"paths": {"/things": {}, "/things": {`, 1)},
		{"document security in another case", strings.Replace(v3(""), `"security":`, `"SECURITY":`, 1)},
		{"scopes twice", strings.Replace(v3(""), `"scopes": {`, `"scopes": {}, "scopes": {`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
				res, err := openapi.Import([]byte(tc.doc), openapi.Options{Mode: mode})
				require.ErrorIs(t, err, openapi.ErrDocument)
				require.Nil(t, res)
			}
		})
	}
}

// TestImportSizeLimit: a document larger than Options.MaxSize, or than
// the default for its syntax, is refused unread.
func TestImportSizeLimit(t *testing.T) {
	doc := string(swagger(oauth))
	yamlDoc := "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"
	for _, tc := range []struct {
		name    string
		doc     string
		maxSize int
		ok      bool
	}{
		{"JSON at the default", doc + strings.Repeat(" ", openapi.DefaultMaxSize-len(doc)), 0, true},
		{"JSON over the default", doc + strings.Repeat(" ", openapi.DefaultMaxSize-len(doc)+1), 0, false},
		{"YAML at the default", yamlDoc + strings.Repeat("#", openapi.DefaultMaxYAMLSize-len(yamlDoc)), 0, true},
		{"YAML over the default", yamlDoc + strings.Repeat("#", openapi.DefaultMaxYAMLSize-len(yamlDoc)+1), 0, false},
		{"JSON at MaxSize", doc, len(doc), true},
		{"JSON over MaxSize", doc, len(doc) - 1, false},
		{"YAML over MaxSize", yamlDoc, len(yamlDoc) - 1, false},
		{"YAML over its default, under MaxSize", yamlDoc + strings.Repeat("#", openapi.DefaultMaxYAMLSize), 2 * openapi.DefaultMaxYAMLSize, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := openapi.Import([]byte(tc.doc), openapi.Options{MaxSize: tc.maxSize})
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, res)
				return
			}
			require.ErrorIs(t, err, openapi.ErrTooLarge)
			require.ErrorIs(t, err, openapi.ErrDocument)
			require.Nil(t, res)
		})
	}
}

// TestImportHostile: each hostile shape, at a size where kin-openapi's
// whole reading took seconds and hundreds of megabytes, imports its one
// operation and nothing else. (BenchmarkImportHostile measures them.)
func TestImportHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("documents of a megabyte")
	}
	for _, shape := range hostileShapes {
		t.Run(shape, func(t *testing.T) {
			doc, n := hostile(t, shape, 1<<20)
			res, err := openapi.Import(doc, openapi.Options{})
			require.NoError(t, err)
			require.Len(t, res.Endpoints, n)
			require.Equal(t, "GET /a", res.Endpoints[0].Route())
		})
	}
}

// FuzzNarrowedImport: whenever kin-openapi's whole reading of a JSON
// document and the narrowed one both import it, they import it alike. The
// narrowed reading may refuse what the whole one took (a key given twice,
// or in another case), and take what it refused in a part the import
// does not read (a schema's mistake).
func FuzzNarrowedImport(f *testing.F) {
	for _, doc := range narrowedDocuments(f) {
		if len(doc) <= 64<<10 {
			f.Add(doc)
		}
	}
	f.Add(swagger(oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": ["a:b:c"]}, "x-scopegate-endpoint": {"division": "{id}"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 64<<10 || !json.Valid(doc) {
			return
		}
		for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
			opts := openapi.Options{Mode: mode, BasePath: true}
			narrowed, err := openapi.Import(doc, opts)
			if err != nil {
				continue
			}
			whole, err := openapi.ImportWhole(doc, opts)
			if err != nil {
				continue
			}
			if diff := cmp.Diff(outcomeOf(t, whole, nil), outcomeOf(t, narrowed, nil)); diff != "" {
				t.Fatalf("mode %v (-whole +narrowed):\n%s", mode, diff)
			}
		}
	})
}
