package client_test

import (
	"context"
	"fmt"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// exampleAdmin returns the compiled access of a user of org who holds
// every OAuth client permission.
func exampleAdmin(perms *permission.MemStore, org client.OrgID, user string) *permission.Access {
	divisions, err := permission.NewDivisions(permission.Division{ID: permission.DivisionID(org + "-home"), Name: "Home", Home: true})
	if err != nil {
		panic(err)
	}
	role := permission.Role{ID: "oauth-admin", Name: "OAuth admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}
	for _, err := range []error{
		perms.PutDivisions(org, divisions),
		perms.PutRole(org, role),
		perms.AddGrant(org, permission.Grant{Subject: permission.User(user), Role: role.ID, AllDivisions: true}),
	} {
		if err != nil {
			panic(err)
		}
	}
	admin, err := permission.Compile(context.Background(), perms, org, permission.User(user))
	if err != nil {
		panic(err)
	}
	return admin
}

func ExampleRegistry_Create() {
	ctx := context.Background()
	perms := permission.NewMemStore()
	admin := exampleAdmin(perms, "provider-org", "alice")
	registry := client.NewRegistry(client.NewMemStore(), sample.Catalog(), perms)

	// The client belongs to the admin's org.
	app, secret, err := registry.Create(ctx, admin, client.Registration{
		Name:         "Agent Desktop",
		GrantType:    client.AuthorizationCode,
		Scopes:       scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage"),
		RedirectURIs: []string{"https://desktop.example.com/callback"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(app.Name, app.GrantType, app.State, app.TokenLifetime)
	fmt.Println("secret:", secret, "—", len(secret.Reveal()), "characters, shown once")

	// Every problem at once, each naming its field.
	_, _, err = registry.Create(ctx, admin, client.Registration{
		GrantType:    client.AuthorizationCode,
		Scopes:       scope.MustParseSet("users-manage"),
		RedirectURIs: []string{"http://desktop.example.com/callback"},
	})
	fmt.Println(err)
	// Output:
	// Agent Desktop authorization_code active 24h0m0s
	// secret: [redacted] — 43 characters, shown once
	// client: name: missing: the name is shown when someone authorizes the client
	// client: scopes: scope: unknown scope "users-manage"; did you mean "users:manage"?
	// client: redirect_uris[0]: invalid redirect URI "http://desktop.example.com/callback": must use https (http is allowed only on a loopback host: localhost, 127.0.0.1 or [::1])
}

func ExampleAuthorizer_Authorize() {
	ctx := context.Background()
	perms := permission.NewMemStore()
	vendor := exampleAdmin(perms, "provider-org", "alice")
	customer := exampleAdmin(perms, "customer-org", "carol")
	clients := client.NewMemStore()
	registry := client.NewRegistry(clients, sample.Catalog(), perms)
	authorizer := client.NewAuthorizer(clients, clients)

	app, _, err := registry.Create(ctx, vendor, client.Registration{
		Name:         "Agent Desktop",
		GrantType:    client.AuthorizationCode,
		Scopes:       scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage"),
		RedirectURIs: []string{"https://desktop.example.com/callback"},
	})
	if err != nil {
		panic(err)
	}

	// The customer's admin pastes the client ID and grants a subset, for
	// the customer's org.
	id, err := client.ParseID(app.ID.String())
	if err != nil {
		panic(err)
	}
	auth, err := authorizer.Authorize(ctx, customer, id, scope.MustParseSet("conversations:readonly users:readonly"))
	if err != nil {
		panic(err)
	}
	fmt.Println("granted:", auth.Granted)
	fmt.Println("denied:", auth.Denied)

	apps, err := authorizer.List(ctx, "customer-org")
	if err != nil {
		panic(err)
	}
	for _, a := range apps {
		fmt.Printf("%s may use %s\n", a.Client.Name, a.Effective)
	}
	// Output:
	// granted: conversations:readonly users:readonly
	// denied: conversations:call:control presence:manage
	// Agent Desktop may use conversations:readonly users:readonly
}

func ExampleParseAuthorizationURL() {
	// The provider of another org's app sends its authorization URL; the
	// admin authorizes the client it names.
	id, err := client.ParseAuthorizationURL("https://login.example.com/oauth/authorize?response_type=code&client_id=0F8FAD5B-D9CB-469F-A165-70867728950E&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb")
	fmt.Println(id, err)

	_, err = client.ParseAuthorizationURL("http://login.example.com/oauth/authorize?client_id=0f8fad5b-d9cb-469f-a165-70867728950e")
	fmt.Println(err)
	// Output:
	// 0f8fad5b-d9cb-469f-a165-70867728950e <nil>
	// client: syntax error: authorization URL: must use https
}
