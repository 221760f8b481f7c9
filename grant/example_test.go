package grant_test

import (
	"context"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func Example() {
	ctx := context.Background()
	catalog := sample.Catalog()

	// Two orgs, each with an admin who may create and authorize clients;
	// agent-42 is a user of the customer org.
	perms := permission.NewMemStore()
	admins := map[client.OrgID]*permission.Access{}
	for _, org := range []client.OrgID{"provider", "customer"} {
		divisions, _ := permission.NewDivisions(permission.Division{ID: permission.DivisionID(org + "-home"), Name: "Home", Home: true})
		_ = perms.PutDivisions(org, divisions)
		_ = perms.PutRole(org, permission.Role{ID: "oauth-admin", Name: "OAuth admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}})
		_ = perms.AddGrant(org, permission.Grant{Subject: permission.User("admin@" + string(org)), Role: "oauth-admin", AllDivisions: true})
		admins[org], _ = permission.Compile(ctx, perms, org, permission.User("admin@"+string(org)))
	}
	_ = perms.AddUser("customer", "agent-42")

	// The provider registers its app; the customer org authorizes a subset.
	clients := client.NewMemStore()
	registry := client.NewRegistry(clients, catalog, perms)
	app, secret, err := registry.Create(ctx, admins["provider"], client.Registration{
		Name:         "Agent Desktop",
		GrantType:    client.AuthorizationCode,
		Scopes:       scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage"),
		RedirectURIs: []string{"https://desktop.example.com/cb"},
	})
	if err != nil {
		panic(err)
	}
	authorizer := client.NewAuthorizer(clients, clients)
	_, err = authorizer.Authorize(ctx, admins["customer"], app.ID, scope.MustParseSet("conversations:readonly conversations:call:control users:readonly"))
	if err != nil {
		panic(err)
	}

	// A user of the customer org signs in, sees the prompt and consents.
	store := grant.NewMemStore(nil)
	issuer := grant.NewIssuer(clients, clients, store, perms, catalog)
	req := grant.AuthorizeRequest{Org: "customer", Client: app.ID, User: "agent-42", RedirectURI: "https://desktop.example.com/cb"}
	prompt, _ := issuer.Prompt(ctx, req)
	fmt.Printf("%s would like to:\n", prompt.App)
	for _, s := range prompt.Scopes {
		fmt.Printf("  %s (%s)\n", s.Description, s.Scope)
	}
	if err := issuer.Consent(ctx, req, prompt.ScopeSet(), true); err != nil {
		panic(err)
	}

	// The app trades the code for a token.
	code, err := issuer.AuthorizeCode(ctx, req)
	if err != nil {
		panic(err)
	}
	token, err := issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	if err != nil {
		panic(err)
	}
	fmt.Println("token scopes:", token.Scopes)
	fmt.Println("lifetime:", token.ExpiresAt.Sub(token.IssuedAt))

	validator := grant.NewValidator(clients, store)
	fmt.Println("valid:", validator.Validate(ctx, token) == nil)
	// Output:
	// Agent Desktop would like to:
	//   Transfer, hold and disconnect calls (conversations:call:control)
	//   View conversations (conversations:readonly)
	//   Read user information (users:readonly)
	// token scopes: conversations:call:control conversations:readonly users:readonly
	// lifetime: 24h0m0s
	// valid: true
}

func ExampleToken_CheckTime() {
	issued := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	token := grant.Token{IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	fmt.Println(token.CheckTime(issued.Add(59*time.Minute), 0))
	fmt.Println(token.CheckTime(issued.Add(time.Hour), 0))
	fmt.Println(token.CheckTime(issued.Add(time.Hour), time.Minute))
	// Output:
	// <nil>
	// grant: token expired: at 2026-03-01T10:00:00Z
	// <nil>
}

func ExampleOAuthError() {
	fmt.Println(grant.OAuthError(grant.ErrCodeUsed))
	fmt.Println(grant.OAuthError(client.ErrCredentials))
	fmt.Println(grant.OAuthError(grant.ErrNoScope))
	// Output:
	// invalid_grant
	// invalid_client
	// invalid_scope
}
