package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scopegate/scopegate/scope/sample"
)

// write writes a file in a temporary directory and returns its path.
func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every input error says, in the file's terms, what was expected and
// where: the file, the line and column, the entry.
func TestInputErrors(t *testing.T) {
	const shop = "testdata/shop-catalog.json"
	list := write(t, "list.json", `[{"method": "GET"}]`)
	broken := write(t, "broken.json", "{\"endpoints\": [\n  {\"method\": \"GET\",}\n]}\n")
	entries := write(t, "entries.json", `{"endpoints": [
  {"method": "GET", "path": "/v1/orders", "scopes": ["orders:readonly"], "permissions": {"none": true}},
  {"methd": "GET", "path": "/v1/orders/{id}"},
  "GET /v1/customers"
], "version": 2}
`)
	types := write(t, "types.json", `{"endpoints": [
  {"method": "GET", "path": "/v1/orders", "scopes": "orders:readonly", "permissions": {"none": true}}
]}
`)
	scopes := write(t, "scopes.json", `{"endpoints": [
  {"method": "GET", "path": "/v1/orders", "scopes": ["orders:readonly"], "permissions": {"none": true}},
  {"method": "GET", "path": "/v1/orders/{id}", "scopes": ["orders:reading"], "permissions": {"none": true}}
]}
`)
	noList := write(t, "nolist.json", `{}`)
	catalogList := write(t, "catalog.json", `{"scopes": {"scope": "a:readonly"}}`)
	catalogEntries := write(t, "catalog2.json", `{"scopes": [
  {"scope": "a:readonly", "description": "A"},
  {"scope": "b:readonly", "description": 3},
  {"scope": "a:readonly", "description": "A", "implied": []}
]}`)
	catalogDup := write(t, "catalog3.json", `{"scopes": [
  {"scope": "a:readonly", "description": "A"},
  {"scope": "a:readonly", "description": "A"}
]}`)
	calls := write(t, "calls.txt", "# the app's calls\nGET /api/v2/users/me\n\nGET /api/v2/user/{userId}\n")

	checkRun(t, []runCase{
		{name: "a list where the table's object belongs", args: []string{"minimal", "-endpoints", list, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{list + `:1:1: an endpoint table is a JSON object, {"endpoints": [{"method": "GET", "path": "/v1/orders", `, "this file holds a list"}},
		{name: "not JSON", args: []string{"minimal", "-endpoints", broken, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{broken + `:2:20: not valid JSON: invalid character '}' looking for beginning of object key string`}},
		{name: "entries of the wrong shape", args: []string{"minimal", "-catalog", shop, "-endpoints", entries, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{
				entries + `:3:4: endpoint 1: unknown field "methd"; an endpoint has "name", "method", "path", "scopes", "permissions", "user_required", "read_only", "division"`,
				entries + `:4:3: endpoint 2 is a string; want an object, {"method": "GET", "path": "/v1/orders", "scopes": [...], "permissions": {...}}`,
				entries + `:5:4: unknown field "version" in an endpoint table; its fields are "endpoints"`}},
		{name: "a field of the wrong type", args: []string{"minimal", "-catalog", shop, "-endpoints", types, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{types + `:2:69: endpoint 0 (GET /v1/orders): "scopes" is a string; want a list`}},
		{name: "an unknown scope, on its endpoint's line", args: []string{"minimal", "-catalog", shop, "-endpoints", scopes, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{scopes + `:3:3: endpoint 1 (GET /v1/orders/{id}): scope: unknown scope "orders:reading"`}},
		{name: "no endpoints list", args: []string{"minimal", "-endpoints", noList, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{noList + `: no "endpoints" list: an endpoint table is {"endpoints": [`}},
		{name: "no such file", args: []string{"minimal", "-endpoints", "testdata/nothing.json", "GET /v1/orders"}, code: exitUsage,
			errHas: []string{"-endpoints: open testdata/nothing.json: no such file or directory"}},
		{name: "a catalog's scopes that are not a list", args: []string{"lint", "-catalog", catalogList, "a:readonly"}, code: exitUsage,
			errHas: []string{catalogList + `:1:12: "scopes" is an object; want a list, [{"scope": "orders:readonly", "description": "View orders"}, ...]`}},
		{name: "a catalog's entries of the wrong shape", args: []string{"lint", "-catalog", catalogEntries, "a:readonly"}, code: exitUsage,
			errHas: []string{catalogEntries + `:4:47: entry 2: unknown field "implied"; an entry has "scope", "description", "implies"`}},
		{name: "a catalog entry of the wrong type", args: []string{"lint", "-catalog", write(t, "c4.json", "{\"scopes\": [\n {\"scope\": \"a:readonly\", \"description\": 3}\n]}"), "a:readonly"},
			code: exitUsage, errHas: []string{`c4.json:2:41: "description" is a number; want a string`}},
		{name: "a catalog's duplicate, on its line", args: []string{"lint", "-catalog", catalogDup, "a:readonly"}, code: exitUsage,
			errHas: []string{catalogDup + `:3:3: catalog entry 1 (a:readonly): duplicate: also entry 0`}},

		// The catalog and the table must fit each other.
		{name: "a catalog without -endpoints", args: []string{"minimal", "-catalog", shop, "GET /v1/orders"}, code: exitUsage,
			errHas: []string{"scopegate minimal: the sample endpoint table does not fit the catalog of testdata/shop-catalog.json: 63 of its endpoints name scopes it lacks. " +
				"Is -endpoints missing? Give your endpoint table with -endpoints FILE\n"}},
		{name: "a table without -catalog", args: []string{"minimal", "-endpoints", "testdata/shop-endpoints.json", "GET /v1/orders"}, code: exitUsage,
			errHas: []string{`testdata/shop-endpoints.json:2:3: endpoint 0 (GET /v1/orders): scope: unknown scope "orders:readonly"`,
				"the endpoint table of testdata/shop-endpoints.json does not fit the sample catalog: 5 of its endpoints name scopes it lacks. Is -catalog missing?"}},

		// Calls say where they came from.
		{name: "a call from a file, by its line", args: []string{"minimal", "-calls", calls}, code: exitUsage,
			errHas: []string{calls + `:4: call "GET /api/v2/user/{userId}": no endpoint has this route; did you mean "GET /api/v2/users/{userId}"?`}},
		{name: "a call from the arguments", args: []string{"minimal", "GET /api/v2/users/me", "PATCH /api/v2/users/{userId}/presences"}, code: exitUsage,
			errHas: []string{`argument 2: call "PATCH /api/v2/users/{userId}/presences": no endpoint has this route; did you mean "PATCH /api/v2/users/{userId}/presence"?`}},

		// Records.
		{name: "a record of the wrong shape", args: []string{"review", "-records", "testdata/bad-records.jsonl", "-scopes", "users:readonly"}, code: exitUsage,
			errHas: []string{`testdata/bad-records.jsonl:2: unknown decision code: "SCOPE_MISSING"; want one decision record, as a hook writes it, on each line: {"time": `}},
		{name: "records of several clients, named", args: []string{"review", "-records", write(t, "two.jsonl",
			`{"time":"2026-01-05T09:12:00Z","allowed":true,"status":200,"code":"ALLOWED","client":"0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b","method":"GET","route":"GET /api/v2/users/me","scope":"users:readonly"}`+"\n"+
				`{"time":"2026-01-05T09:12:00Z","allowed":true,"status":200,"code":"ALLOWED","client":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","method":"GET","route":"GET /api/v2/users/me","scope":"users:readonly"}`+"\n"),
			"-scopes", "users:readonly"}, code: exitUsage,
			errHas: []string{"the records hold 2 clients, 0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b, 3f2504e0-4f89-41d3-9a0c-0305e82c3301; pick one with -client ID"}},

		// doc names its flag.
		{name: "a change without -reason", args: []string{"doc", "-app", "Admin Dashboard", "-updated", "2026-06-01", "-previous", "testdata/admin-dashboard-2026-03.json",
			"GET /api/v2/routing/queues"}, code: exitUsage,
			errHas: []string{"scopegate doc: the scopes changed since 2026-03-01 (removed analytics:conversationDetail routing:skill:view scheduling:readonly users:readonly): say why with -reason TEXT"}},
	})
}

// FuzzInputFiles: whatever the bytes of a catalog or an endpoint table,
// reading them does not panic, and refuses what it does not return.
func FuzzInputFiles(f *testing.F) {
	for _, name := range []string{"testdata/shop-catalog.json", "testdata/shop-endpoints.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`[]`, `{}`, `{"endpoints": [1, "a", {}]}`, `{"scopes": [{"scope": 1}]}`, "{\"endpoints\": [\n{\"x\": 1}", `{"scopes": {}, "rules": 3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		table, err := readEndpoints("f.json", data)
		if (err == nil) != (table.file != nil) || err != nil && (table.endpoints != nil || table.refused != nil) {
			t.Fatalf("table %+v, error %v", table, err)
		}
		if err == nil {
			// What is read builds a policy or is refused with an error:
			// it never panics.
			_, _ = newPolicy(sample.Catalog(), table)
		}
		cat, err := readCatalog("f.json", data)
		if (err == nil) == (cat == nil) {
			t.Fatalf("catalog %v, error %v", cat, err)
		}
	})
}
