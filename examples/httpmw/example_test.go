package httpmw_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	// The policy: one endpoint, and an agent who may view users.
	perms := permission.NewMemStore()
	home, _ := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	_ = perms.PutDivisions("org-1", home)
	_ = perms.PutRole("org-1", permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{permission.MustParse("directory:user:view")}})
	_ = perms.AddGrant("org-1", permission.Grant{Subject: permission.User("agent"), Role: "agent", AllDivisions: true})
	listUsers := enforce.Endpoint{Method: "GET", Path: "/api/v2/users", Scopes: []scope.Scope{scope.MustParse("users:readonly")},
		Permissions: permission.MustAllOf(permission.MustParse("directory:user:view"))}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: []enforce.Endpoint{listUsers}})
	if err != nil {
		panic(err)
	}
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: "org-1", Name: "Agent Desktop", State: client.Active, GrantType: client.AuthorizationCode}
	_ = clients.CreateClient(ctx, app)
	enforcer, err := enforce.New(policy, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients},
		enforce.WithRealm("api"), enforce.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}

	// JWT access tokens: the issuer's key set and encoder, and the
	// verifier of the API, which trusts that issuer.
	key, err := jwtoken.GenerateKey(jwtoken.ES256)
	if err != nil {
		panic(err)
	}
	keys, err := jwtoken.NewKeySet(key, nil)
	if err != nil {
		panic(err)
	}
	encoder, err := jwtoken.NewEncoder(keys, "https://auth.example.com", "https://api.example.com")
	if err != nil {
		panic(err)
	}
	verifier, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: "https://auth.example.com", Audience: []string{"https://api.example.com"},
		Keys: keys, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}

	// The middleware, guarding each handler inside the mux.
	mw := httpmw.New(enforcer, verifier)
	mux := http.NewServeMux()
	mw.HandleFunc(mux, listUsers, func(w http.ResponseWriter, r *http.Request) {
		d, _ := httpmw.DecisionFrom(r.Context())
		fmt.Fprintf(w, "users, thanks to %s", d.MatchedScope())
	})
	mux.Handle("/", mw.NotFound())

	call := func(path, scopes string) {
		r := httptest.NewRequest("GET", path, nil)
		if scopes != "" {
			token, err := encoder.Encode(grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode,
				User: "agent", Scopes: scope.MustParseSet(scopes), IssuedAt: now, ExpiresAt: now.Add(time.Hour)})
			if err != nil {
				panic(err)
			}
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
		if h := w.Header().Get("WWW-Authenticate"); h != "" {
			fmt.Println("  WWW-Authenticate:", h)
		}
	}
	call("/api/v2/users", "users:readonly")
	call("/api/v2/users", "conversations:readonly")
	call("/api/v2/users", "")
	call("/api/v2/groups", "users:readonly")
	// Output:
	// 200 users, thanks to users:readonly
	// 403 {"error":{"message":"the token has none of the scopes GET /api/v2/users accepts: users:readonly. To fix: add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate.","code":"SCOPE_INSUFFICIENT","status":403}}
	//   WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="users:readonly"
	// 401 {"error":{"message":"the request carries no access token. To fix: send an access token in the Authorization header: Authorization: Bearer <token>.","code":"TOKEN_MISSING","status":401}}
	//   WWW-Authenticate: Bearer realm="api"
	// 404 {"error":{"message":"no endpoint matches GET \"/api/v2/groups\". To fix: check the method and path against the API reference.","code":"ENDPOINT_UNKNOWN","status":404}}
}
