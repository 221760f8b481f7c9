package openapi_test

import (
	"testing"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
	"github.com/scopegate/scopegate/scope"
)

// FuzzImport: importing never panics, whatever the document; and what
// imports writes a table and a catalog that load back, strictly, into a
// policy with the same endpoints.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"genesys2.json", "petstore3.yaml"} {
		f.Add(read(f, name))
	}
	f.Add(swagger(oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": ["a:b:c", "admin", "a:b:c"]}, "x-scopegate-endpoint": {"division": "{id}"}`))
	f.Add([]byte("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
			res, err := openapi.Import(doc, openapi.Options{Mode: mode})
			if err != nil {
				if res != nil {
					t.Fatal("an error and a result")
				}
				continue
			}
			catalogJSON, err := res.CatalogJSON()
			if err != nil {
				t.Fatal(err)
			}
			catalog, err := scope.ParseCatalogJSON(catalogJSON)
			if err != nil {
				t.Fatalf("the catalog does not load: %v\n%s", err, catalogJSON)
			}
			tableJSON, err := res.TableJSON()
			if err != nil {
				t.Fatal(err)
			}
			p, _, err := enforce.LoadPolicyJSON(tableJSON, enforce.Config{Catalog: catalog}, enforce.Strict)
			if err != nil {
				t.Fatalf("the table does not load: %v\n%s", err, tableJSON)
			}
			if len(p.Endpoints()) != len(res.Endpoints) {
				t.Fatalf("%d endpoints load of %d", len(p.Endpoints()), len(res.Endpoints))
			}
		}
	})
}
