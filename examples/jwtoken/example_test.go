package jwtoken_test

import (
	"fmt"
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

// A resource server that verifies the tokens of an authorization server
// elsewhere, reading its JWK Set, and guards its handlers with them.
func Example_resourceServer() {
	policy, _ := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: []enforce.Endpoint{{Method: "GET", Path: "/api/v2/users/me",
		Scopes: []scope.Scope{scope.MustParse("users:readonly")}, Permissions: permission.NoneRequired(), UserRequired: true}}})
	enforcer, _ := enforce.New(policy, enforce.Sources{Access: permission.NewCache(permission.NewMemStore(), 0),
		Revocations: grant.NewMemStore(nil), Clients: client.NewMemStore()})

	keys, err := jwtoken.NewRemoteKeys(jwtoken.RemoteConfig{URL: "https://auth.example.com/oauth/jwks.json"})
	if err != nil {
		panic(err)
	}
	verifier, err := jwtoken.NewVerifier(jwtoken.Config{
		Issuer:   "https://auth.example.com/oauth",
		Audience: []string{"https://api.example.com"},
		Keys:     keys, // or the issuer's own *jwtoken.KeySet, in one process
	})
	if err != nil {
		panic(err)
	}
	mw := httpmw.New(enforcer, verifier)
	fmt.Println(mw != nil)
	// Output: true
}

// An issuer signs tokens with its key set, and rotates keys: the next key
// is published first, then signs; the old one verifies until the last
// token it signed expires.
func ExampleKeySet_Rotate() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	first, _ := jwtoken.NewKey(jwtoken.EdDSA, mustEd25519(), "2026-03")
	keys, _ := jwtoken.NewKeySet(first, clock)
	enc, _ := jwtoken.NewEncoder(keys, "https://auth.example.com/oauth", "https://api.example.com")
	ver, _ := jwtoken.NewVerifier(jwtoken.Config{Issuer: "https://auth.example.com/oauth", Audience: []string{"https://api.example.com"},
		Keys: keys, Now: clock})

	tok := grant.Token{ID: grant.NewTokenID(), Client: appID, Org: "org-1", GrantType: client.ClientCredentials,
		IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	old, _ := enc.Encode(tok)

	next, _ := jwtoken.NewKey(jwtoken.EdDSA, mustEd25519(), "2026-04")
	_ = keys.Stage(next) // published; verifiers elsewhere fetch it
	_ = keys.Rotate(next)
	_, err := ver.VerifyToken(ctx, old)
	fmt.Println("signing key:", keys.Current().ID(), "- the old key's token verifies:", err == nil)
	// Output: signing key: 2026-04 - the old key's token verifies: true
}
