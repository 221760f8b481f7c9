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

// Turning scope enforcement on for org-1 in two steps: report-only first,
// where a token without an accepted scope is let through and the hook's
// record says what enforcement would answer; then enforced, by swapping
// in a policy without the mode.
func ExampleOrg_scopeReportOnly() {
	ctx := context.Background()
	perms := permission.NewMemStore()
	divisions, _ := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	_ = perms.PutDivisions("org-1", divisions)
	_ = perms.PutRole("org-1", permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{permission.MustParse("directory:user:view")}})
	_ = perms.AddGrant("org-1", permission.Grant{Subject: permission.User("agent"), Role: "agent", AllDivisions: true})

	policy := func(reportOnly bool) *enforce.Policy {
		p, err := enforce.NewPolicy(enforce.Config{
			Catalog: sample.Catalog(),
			Endpoints: []enforce.Endpoint{{Method: "GET", Path: "/api/v2/users",
				Scopes:      []scope.Scope{scope.MustParse("users"), scope.MustParse("users:readonly")},
				Permissions: permission.MustAllOf(permission.MustParse("directory:user:view"))}},
			Orgs: []enforce.Org{{ID: "org-1", ScopeReportOnly: reportOnly}},
		})
		if err != nil {
			panic(err)
		}
		return p
	}
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: "org-1", Name: "Old app", State: client.Active, GrantType: client.AuthorizationCode,
		Scopes: scope.MustParseSet("conversations:readonly"), RedirectURIs: []string{"https://old.example.com/cb"}}
	if err := clients.CreateClient(ctx, app); err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	hook := func(_ context.Context, r enforce.Record) {
		if r.Unenforced != 0 {
			fmt.Println("  record: enforcement would answer", r.Unenforced)
		}
	}
	e, err := enforce.New(policy(true), enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients},
		enforce.WithClock(func() time.Time { return now }), enforce.WithHook(hook))
	if err != nil {
		panic(err)
	}
	token := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode,
		User: "agent", Scopes: scope.MustParseSet("conversations:readonly"), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	for _, step := range []string{"report-only", "enforced"} {
		if step == "enforced" {
			e.Swap(policy(false))
		}
		d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: token})
		if err != nil {
			panic(err)
		}
		fmt.Println(step+":", d.Status(), d.Code())
	}
	// Output:
	//   record: enforcement would answer SCOPE_INSUFFICIENT
	// report-only: 200 ALLOWED
	// enforced: 403 SCOPE_INSUFFICIENT
}
