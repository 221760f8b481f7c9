package openapi_test

import (
	"fmt"
	"os"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
	"github.com/scopegate/scopegate/scope"
)

// Import a document, build the policy from its table and catalog, and see
// what was left out. The README shows the same code.
func ExampleImport() {
	data, err := os.ReadFile("testdata/genesys2.json")
	if err != nil {
		panic(err)
	}
	res, err := openapi.Import(data, openapi.Options{Mode: enforce.Lenient})
	if err != nil {
		panic(err)
	}
	catalog, err := scope.NewCatalog(res.Catalog)
	if err != nil {
		panic(err)
	}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: catalog, Endpoints: res.Endpoints, Refused: res.Refused})
	if err != nil {
		panic(err)
	}
	e, _ := policy.Route("DELETE /api/v2/users/{userId}")
	fmt.Println(e.Name, e.Scopes, e.Permissions)
	for _, s := range res.Skipped {
		fmt.Printf("left out: %s %s: %v\n", s.Method, s.Path, openapi.Bad(s.Err))
	}
	// Output:
	// deleteUser [users] any of directory:organization:admin, directory:user:delete, admin
	// left out: GET /api/v2/license/toggles/{featureName}: false
	// left out: GET /api/v2/users/{userId}/externalid: true
	// left out: GET /api/v2/webchat/guest/conversations/{conversationId}/messages: false
}
