// Package scopetest checks an application's scope requirements in its own
// test suite, before it is deployed: given the endpoint table and a
// profile of the application (its grant type, its scopes, and the roles
// of its user or, for client credentials, of the client itself), it works
// out the allow/deny matrix, route by route, with the real enforcer, and
// compares it with the matrix the application expects. This is the
// "Automated Testing" of the Genesys Cloud guide "OAuth Scopes and
// Permissions" (conversations:readonly allows GET and denies POST,
// missing scopes return 403, ...), written as data:
//
//	func TestAgentDesktopScopes(t *testing.T) {
//		table := scopetest.Table{Catalog: catalog, Endpoints: endpoints}
//		app := scopetest.Profile{
//			Name:      "Agent Desktop",
//			GrantType: client.AuthorizationCode,
//			Scopes:    scope.MustParseSet("conversations:readonly conversations:call:control users:readonly"),
//			Roles:     []scopetest.RoleGrant{{Role: agentRole}},
//		}
//		scopetest.Expect(t, table, app, scopetest.Want{
//			"GET /api/v2/conversations":  enforce.CodeAllowed,
//			"GET /api/v2/users/me":       enforce.CodeAllowed,
//			"POST /api/v2/conversations": enforce.CodeScopeAndPermissionMissing,
//			"PUT /api/v2/users/{userId}": enforce.CodeScopeAndPermissionMissing,
//		})
//	}
//
// When the matrix differs, [Expect] fails the test with one entry per
// route that differs: what was expected, what the enforcer decided, why,
// and what would fix it. [Table.Matrix] computes the matrix without
// asserting anything, for documentation: [Matrix.String] prints it as a
// table of codes and routes.
//
// Routes are written as [enforce.Endpoint.Route] writes them, with the
// table's own parameter names: "GET /api/v2/users/{userId}".
//
// # What is simulated
//
// Each matrix gets a fresh enforcer over the table, with one valid token
// (issued a minute ago, for an hour) for the profile's client, and the
// profile's roles granted to its user (or client) in their divisions. Every
// resource a call touches is in the profile's Division, so a role held only
// in another division is denied as it would be in production. Time,
// revocation, client state and org authorization are not what this package
// tests: the token always works, and scope enforcement is on.
//
// # Concurrency
//
// Table, Profile and Matrix are plain values. Table.Matrix, Expect and
// Diff may run concurrently, as long as nobody changes the catalog or the
// endpoints they are given. Zero values are safe: the zero Table has no
// catalog, so Table.Matrix returns an error wrapping ErrTable and Expect
// fails the test, and the zero Profile is refused with ErrProfile.
package scopetest
