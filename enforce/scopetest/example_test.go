package scopetest_test

import (
	"fmt"
	"testing"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/enforce/scopetest"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// sampleRole returns a role of the sample roles.
func sampleRole(id permission.RoleID) permission.Role {
	for _, r := range sample.Roles() {
		if r.ID == id {
			return r
		}
	}
	panic("no sample role " + id)
}

// The matrix of the guide's agent desktop over the calls it makes, and a
// few it must not make.
func ExampleTable_Matrix() {
	table := scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()}
	desktop := scopetest.Profile{
		Name:      "Agent Desktop",
		GrantType: client.AuthorizationCode,
		Scopes:    scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage"),
		Roles:     []scopetest.RoleGrant{{Role: sampleRole("agent")}},
	}
	m, err := table.Matrix(desktop,
		"GET /api/v2/conversations",
		"POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
		"GET /api/v2/users/me",
		"PATCH /api/v2/users/{userId}/presence",
		"POST /api/v2/conversations",
		"POST /api/v2/conversations/calls",
		"PUT /api/v2/users/{userId}",
		"GET /api/v2/schedules",
	)
	if err != nil {
		panic(err)
	}
	fmt.Print(m)
	// Output:
	// Agent Desktop
	//   ALLOWED                             GET /api/v2/conversations
	//   ALLOWED                             POST /api/v2/conversations/{conversationId}/participants/calls/transfer
	//   ALLOWED                             GET /api/v2/users/me
	//   ALLOWED                             PATCH /api/v2/users/{userId}/presence
	//   SCOPE_AND_PERMISSIONS_INSUFFICIENT  POST /api/v2/conversations
	//   SCOPE_AND_PERMISSIONS_INSUFFICIENT  POST /api/v2/conversations/calls
	//   SCOPE_AND_PERMISSIONS_INSUFFICIENT  PUT /api/v2/users/{userId}
	//   SCOPE_AND_PERMISSIONS_INSUFFICIENT  GET /api/v2/schedules
}

// What Expect reports when an app's requirements drift: here the
// automation client is expected to read the current user, which a
// client-credentials token cannot.
func ExampleDiff() {
	table := scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()}
	automation := scopetest.Profile{
		Name:      "API Automation",
		GrantType: client.ClientCredentials,
		Roles:     []scopetest.RoleGrant{{Role: sampleRole("automation")}},
	}
	want := scopetest.Want{
		"GET /api/v2/users":              enforce.CodeAllowed,
		"GET /api/v2/outbound/campaigns": enforce.CodeAllowed,
		"GET /api/v2/users/me":           enforce.CodeAllowed,
	}
	m, err := table.Matrix(automation, "GET /api/v2/users", "GET /api/v2/outbound/campaigns", "GET /api/v2/users/me")
	if err != nil {
		panic(err)
	}
	fmt.Print(scopetest.Diff(m, want))
	// Output:
	// GET /api/v2/users/me
	//     want ALLOWED
	//     got  USER_REQUIRED: GET /api/v2/users/me acts for a user, and this token, from the client-credentials grant, has none
	//          to fix: call it with a token from a user grant (authorization code, implicit or SAML2 bearer), not client credentials
}

// failures is a testing.TB that prints failures instead of failing, so
// that the example can show what a test that uses Expect reports.
type failures struct{ testing.TB }

func (failures) Helper()                           {}
func (failures) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (failures) Fatalf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// The agent desktop of the package documentation, in a test: with the
// agent role, creating a conversation needs both a scope and a permission
// the app lacks. When the app's scopes drift (here it lost
// conversations:call:control), Expect fails the test and says why.
func ExampleExpect() {
	table := scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()}
	desktop := scopetest.Profile{
		Name:      "Agent Desktop",
		GrantType: client.AuthorizationCode,
		Scopes:    scope.MustParseSet("conversations:readonly conversations:call:control users:readonly"),
		Roles:     []scopetest.RoleGrant{{Role: sampleRole("agent")}},
	}
	want := scopetest.Want{
		"GET /api/v2/conversations":  enforce.CodeAllowed,
		"GET /api/v2/users/me":       enforce.CodeAllowed,
		"POST /api/v2/conversations": enforce.CodeScopeAndPermissionMissing,
		"PUT /api/v2/users/{userId}": enforce.CodeScopeAndPermissionMissing,
		"POST /api/v2/conversations/{conversationId}/participants/calls/transfer": enforce.CodeAllowed,
	}
	var t testing.TB = failures{} // in a test: the test's *testing.T
	scopetest.Expect(t, table, desktop, want)

	desktop.Scopes = scope.MustParseSet("conversations:readonly users:readonly")
	scopetest.Expect(t, table, desktop, want)
	// Output:
	// scopetest: Agent Desktop: the allow/deny matrix is not the expected one:
	// POST /api/v2/conversations/{conversationId}/participants/calls/transfer
	//     want ALLOWED
	//     got  SCOPE_INSUFFICIENT: the token has none of the scopes POST /api/v2/conversations/{conversationId}/participants/calls/transfer accepts: conversations:call:control
	//          to fix: add scope conversations:call:control to the OAuth client, have the org authorize it, then re-authenticate
}
