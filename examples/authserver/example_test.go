package authserver_test

import (
	"fmt"
	"net/http"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/authserver"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// The wiring of an authorization server: JWT keys and an encoder, the
// grant issuer over your stores, and the endpoints on a mux.
func Example() {
	const issuer, api = "https://auth.example.com/oauth", "https://api.example.com"
	catalog, clients, perms := scopesample.Catalog(), client.NewMemStore(), permission.NewMemStore()

	key, _ := jwtoken.GenerateKey(jwtoken.ES256)
	keys, _ := jwtoken.NewKeySet(key, nil)
	encoder, _ := jwtoken.NewEncoder(keys, issuer, api)
	verifier, _ := jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{api}, Keys: keys})
	store := verifier.Revocations(grant.NewMemStore(nil)) // revocations also drop cached verifications

	srv, err := authserver.New(authserver.Config{
		Issuer:      issuer,
		Grants:      grant.NewIssuer(clients, clients, store, perms, catalog),
		Clients:     clients,
		Revocations: store,
		Validator:   grant.NewValidator(clients, store),
		Encoder:     encoder,
		Verifier:    verifier,
		Keys:        keys,
		SignIn: func(w http.ResponseWriter, r *http.Request) (authserver.Session, bool) {
			// Your sign-in: a session cookie, or a redirect to your identity provider.
			http.Redirect(w, r, "/login?return="+r.URL.RequestURI(), http.StatusFound)
			return authserver.Session{}, false
		},
		Catalog: catalog,
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)

	m := srv.Metadata()
	fmt.Println(srv.MetadataPath())
	fmt.Println(m.AuthorizationEndpoint)
	fmt.Println(m.TokenEndpoint)
	fmt.Println(m.JWKSURI)
	// Output:
	// /.well-known/oauth-authorization-server/oauth
	// https://auth.example.com/oauth/authorize
	// https://auth.example.com/oauth/token
	// https://auth.example.com/oauth/jwks.json
}
