package jwtoken_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

var ctx = context.Background()

const (
	issuer   = "https://auth.example.com"
	audience = "https://api.example.com"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a clock tests move; safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(start.UnixNano())
	return c
}

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

var appID = client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301")

// userToken is a token of the app for user "agent" in org-1, issued now
// for an hour.
func userToken(now time.Time) grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: appID, Org: "org-1", GrantType: client.AuthorizationCode, User: "agent",
		Scopes: scope.MustParseSet("users:readonly conversations:readonly"), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
}

// ccToken is a client-credentials token of the app.
func ccToken(now time.Time) grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: appID, Org: "org-1", GrantType: client.ClientCredentials,
		IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
}

// fixture is an issuer's key set and encoder, and a verifier that trusts
// them, all on one clock.
type fixture struct {
	t     testing.TB
	clock *clock
	key   *jwtoken.Key
	keys  *jwtoken.KeySet
	enc   *jwtoken.Encoder
	ver   *jwtoken.Verifier
}

func newFixture(t testing.TB, alg jwtoken.Algorithm, cfg ...func(*jwtoken.Config)) *fixture {
	t.Helper()
	c := newClock()
	key, err := jwtoken.GenerateKey(alg)
	require.NoError(t, err)
	keys, err := jwtoken.NewKeySet(key, c.now)
	require.NoError(t, err)
	enc, err := jwtoken.NewEncoder(keys, issuer, audience)
	require.NoError(t, err)
	conf := jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Now: c.now}
	for _, f := range cfg {
		f(&conf)
	}
	ver, err := jwtoken.NewVerifier(conf)
	require.NoError(t, err)
	return &fixture{t: t, clock: c, key: key, keys: keys, enc: enc, ver: ver}
}

func (f *fixture) encode(t grant.Token) string {
	f.t.Helper()
	s, err := f.enc.Encode(t)
	require.NoError(f.t, err)
	return s
}

// sampleEnforcer decides GET /api/v2/users/me (users:readonly, a user,
// no permission) for the app, active in org-1, on clock c.
func sampleEnforcer(t testing.TB, c *clock) *enforce.Enforcer {
	t.Helper()
	me := enforce.Endpoint{Method: "GET", Path: "/api/v2/users/me", Scopes: []scope.Scope{scope.MustParse("users:readonly")},
		Permissions: permission.NoneRequired(), UserRequired: true}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: []enforce.Endpoint{me}})
	require.NoError(t, err)
	clients := client.NewMemStore()
	require.NoError(t, clients.CreateClient(ctx, client.Client{ID: appID, Org: "org-1", Name: "Agent Desktop", State: client.Active,
		GrantType: client.AuthorizationCode}))
	perms := permission.NewMemStore()
	e, err := enforce.New(policy, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(c.now), Clients: clients},
		enforce.WithClock(c.now), enforce.WithClockSkew(time.Minute))
	require.NoError(t, err)
	return e
}

func rsaKeyOfSize(bits int) (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, bits) }

func mustEd25519() ed25519.PrivateKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return priv
}
