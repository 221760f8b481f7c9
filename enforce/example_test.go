package enforce_test

import (
	"context"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// The four scenarios of Genesys Cloud's guide: scope and permission,
// only one of them, and neither.
func Example() {
	ctx := context.Background()

	// Who may do what in org-1: an agent may view users, a viewer may not.
	perms := permission.NewMemStore()
	divisions, _ := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	_ = perms.PutDivisions("org-1", divisions)
	_ = perms.PutRole("org-1", permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{permission.MustParse("directory:user:view")}})
	_ = perms.PutRole("org-1", permission.Role{ID: "viewer", Name: "Viewer", Policies: []permission.Permission{permission.MustParse("conversation:conversation:view")}})
	_ = perms.AddGrant("org-1", permission.Grant{Subject: permission.User("agent"), Role: "agent", AllDivisions: true})
	_ = perms.AddGrant("org-1", permission.Grant{Subject: permission.User("viewer"), Role: "viewer", AllDivisions: true})

	// The endpoint table, compiled against the scope catalog.
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog: sample.Catalog(),
		Endpoints: []enforce.Endpoint{{
			Method:      "GET",
			Path:        "/api/v2/users",
			Scopes:      []scope.Scope{scope.MustParse("users"), scope.MustParse("users:readonly")},
			Permissions: permission.MustAllOf(permission.MustParse("directory:user:view")),
		}},
	})
	if err != nil {
		panic(err)
	}

	// The OAuth client the tokens come from, and the enforcer, which reads
	// permissions, revocations and clients' statuses from its sources.
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: "org-1", Name: "Agent Desktop", State: client.Active, GrantType: client.AuthorizationCode,
		Scopes: scope.MustParseSet("users:readonly conversations:readonly"), RedirectURIs: []string{"https://desktop.example.com/cb"}}
	if err := clients.CreateClient(ctx, app); err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e, err := enforce.New(policy, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients},
		enforce.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}

	for _, call := range []struct{ user, scopes string }{
		{"agent", "users:readonly"},         // scope and permission
		{"viewer", "users:readonly"},        // scope, no permission
		{"agent", "conversations:readonly"}, // permission, no scope
		{"viewer", "conversations:readonly"},
	} {
		token := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode,
			User: call.user, Scopes: scope.MustParseSet(call.scopes), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
		d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: token})
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Status(), d.Code())
		if !d.Allowed() {
			fmt.Println("  reason:", d.Reason())
			fmt.Println("  remedy:", d.Remedy())
		}
	}
	// Output:
	// 200 ALLOWED
	// 403 PERMISSIONS_INSUFFICIENT
	//   reason: the user lacks directory:user:view
	//   remedy: assign the user a role with directory:user:view
	// 403 SCOPE_INSUFFICIENT
	//   reason: the token has none of the scopes GET /api/v2/users accepts: users, users:readonly
	//   remedy: add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate
	// 403 SCOPE_AND_PERMISSIONS_INSUFFICIENT
	//   reason: the token has none of the scopes GET /api/v2/users accepts: users, users:readonly; and the user lacks directory:user:view
	//   remedy: add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate; and assign the user a role with directory:user:view
}

// Templates that overlap are resolved by one rule: a static segment beats
// a parameter at the first position where two templates differ.
func ExampleNewPolicy() {
	data := []byte(`{"endpoints": [
	  {"name": "getUserRoles", "method": "GET", "path": "/api/v2/users/{userId}/roles",
	   "scopes": ["authorization:grant:readonly"], "permissions": {"all": ["authorization:grant:view"]}},
	  {"name": "getUsersRule", "method": "GET", "path": "/api/v2/users/rules/{ruleId}",
	   "scopes": ["users:readonly"], "permissions": {"all": ["directory:rule:view"]}}
	]}`)
	endpoints, err := enforce.ParseEndpointsJSON(data)
	if err != nil {
		panic(err)
	}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: endpoints})
	if err != nil {
		panic(err)
	}
	for _, path := range []string{"/api/v2/users/rules/roles", "/api/v2/users/u-1/roles", "/api/v2/users/u-1/../rules/x"} {
		e, ok := policy.Match("GET", path)
		fmt.Println(path, "→", e.Name, ok)
	}

	// A mistake in the table is found when it is built, naming the entry.
	_, err = enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(),
		Endpoints: []enforce.Endpoint{{Method: "GET", Path: "/api/v2/users", Scopes: []scope.Scope{scope.MustParse("users:view")}, Permissions: permission.NoneRequired()}}})
	fmt.Println(err)
	// Output:
	// /api/v2/users/rules/roles → getUsersRule true
	// /api/v2/users/u-1/roles → getUserRoles true
	// /api/v2/users/u-1/../rules/x →  false
	// enforce: endpoint 0 (GET /api/v2/users): scope: unknown scope "users:view"; did you mean "users:readonly"?
}

// A denial's JSON body and WWW-Authenticate header.
func ExampleDecision_ErrorBody() {
	ctx := context.Background()
	perms := permission.NewMemStore()
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog: sample.Catalog(),
		Endpoints: []enforce.Endpoint{{Method: "GET", Path: "/api/v2/schedules",
			Scopes: []scope.Scope{scope.MustParse("scheduling:readonly")}, Permissions: permission.NoneRequired()}},
	})
	if err != nil {
		panic(err)
	}
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), State: client.Active}
	_ = clients.CreateClient(ctx, app)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e, err := enforce.New(policy, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients},
		enforce.WithClock(func() time.Time { return now }), enforce.WithRealm("api"))
	if err != nil {
		panic(err)
	}

	token := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode, User: "agent",
		Scopes: scope.MustParseSet("users:readonly"), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	d, _ := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/schedules", Token: token})
	fmt.Println(d.Status())
	fmt.Println(d.WWWAuthenticate())
	fmt.Println(string(d.ErrorBody()))
	// Output:
	// 403
	// Bearer realm="api", error="insufficient_scope", scope="scheduling:readonly"
	// {"error":{"message":"the token has none of the scopes GET /api/v2/schedules accepts: scheduling:readonly. To fix: add scope scheduling:readonly to the OAuth client, have the org authorize it, then re-authenticate.","code":"SCOPE_INSUFFICIENT","status":403}}
}
