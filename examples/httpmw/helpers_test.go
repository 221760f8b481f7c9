package httpmw_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

const org client.OrgID = "org-1"

// divisions knows the division of each user resource.
type divisions map[string]permission.DivisionID

func (d divisions) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	if div, ok := d[value]; ok {
		return div, nil
	}
	return "", enforce.ErrNoResource
}

// failingAccess is an AccessSource whose store is down.
type failingAccess struct{}

func (failingAccess) Access(context.Context, permission.OrgID, permission.Subject) (*permission.Access, error) {
	return nil, errors.New("permission store: connection refused")
}

// fixture is a guarded mux over the sample endpoint table: handlers for a
// few routes that answer with what the middleware put in the context,
// the catch-all, and JWT access tokens.
type fixture struct {
	t        testing.TB
	enc      *jwtoken.Encoder
	ver      *jwtoken.Verifier
	uncached *jwtoken.Verifier // the same, without a cache
	enforcer *enforce.Enforcer
	mw       *httpmw.Middleware
	mux      *http.ServeMux
	app      client.Client
	logs     *bytes.Buffer
}

// handled is what the fixture's handlers answer: proof that they ran, and
// what they found in the context.
type handled struct {
	Route string `json:"route"`
	Scope string `json:"scope"`
	User  string `json:"user"`
}

func newFixture(t testing.TB, access enforce.AccessSource) *fixture {
	t.Helper()
	perms := permission.NewMemStore()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(t, err)
	require.NoError(t, perms.PutDivisions(org, divs))
	for _, r := range sample.Roles() {
		require.NoError(t, perms.PutRole(org, r))
	}
	require.NoError(t, perms.AddGrant(org, permission.Grant{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"home"}}))
	require.NoError(t, perms.AddGrant(org, permission.Grant{Subject: permission.User("admin"), Role: "admin", AllDivisions: true}))
	if access == nil {
		access = permission.NewCache(perms, 0)
	}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()})
	require.NoError(t, err)

	clients := client.NewMemStore()
	app := client.Client{ID: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301"), Org: org, Name: "Agent Desktop",
		State: client.Active, GrantType: client.AuthorizationCode}
	require.NoError(t, clients.CreateClient(ctx, app))
	e, err := enforce.New(policy, enforce.Sources{
		Access:      access,
		Revocations: grant.NewMemStore(nil),
		Clients:     clients,
		Divisions:   divisions{"u-home": "home", "u-sales": "sales"},
	}, enforce.WithRealm("api"), enforce.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	enc, ver, uncached := newJWT(t)

	f := &fixture{t: t, enc: enc, ver: ver, uncached: uncached, enforcer: e, app: app, logs: &bytes.Buffer{}, mux: http.NewServeMux()}
	f.mw = httpmw.New(e, ver, httpmw.WithLogger(slog.New(slog.NewTextHandler(f.logs, nil))),
		httpmw.WithDivision(func(r *http.Request) permission.DivisionID {
			return permission.DivisionID(r.URL.Query().Get("divisionId"))
		}))
	for _, ep := range policy.Endpoints() {
		switch ep.Route() {
		case "GET /api/v2/users", "GET /api/v2/users/me", "POST /api/v2/users", "GET /api/v2/users/{userId}", "GET /api/v2/schedules":
			f.mw.HandleFunc(f.mux, ep, echo)
		}
	}
	f.mux.Handle("/", f.mw.NotFound())
	return f
}

// newJWT returns an encoder and two verifiers of one issuer, with the
// tests' clock: one that caches verified tokens, one that does not.
func newJWT(t testing.TB) (*jwtoken.Encoder, *jwtoken.Verifier, *jwtoken.Verifier) {
	t.Helper()
	// Ed25519 from a fixed seed signs deterministically: the same token in
	// every process, as the fuzz targets need.
	key, err := jwtoken.NewKey(jwtoken.EdDSA, ed25519.NewKeyFromSeed([]byte("httpmw test key, 32 bytes long!!")), "test-key")
	require.NoError(t, err)
	keys, err := jwtoken.NewKeySet(key, func() time.Time { return now })
	require.NoError(t, err)
	const issuer, audience = "https://auth.example.com", "https://api.example.com"
	enc, err := jwtoken.NewEncoder(keys, issuer, audience)
	require.NoError(t, err)
	cfg := jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Now: func() time.Time { return now }}
	ver, err := jwtoken.NewVerifier(cfg)
	require.NoError(t, err)
	cfg.CacheSize = -1
	uncached, err := jwtoken.NewVerifier(cfg)
	require.NoError(t, err)
	return enc, ver, uncached
}

// echo answers with what the middleware left in the context.
func echo(w http.ResponseWriter, r *http.Request) {
	d, ok := httpmw.DecisionFrom(r.Context())
	tok, ok2 := httpmw.TokenFrom(r.Context())
	if !ok || !ok2 || !d.Allowed() {
		http.Error(w, "handler reached without an allowed decision", http.StatusInternalServerError)
		return
	}
	_ = json.NewEncoder(w).Encode(handled{Route: d.Route(), Scope: d.MatchedScope().String(), User: tok.User})
}

// token signs a token of the fixture's app for user with scopes.
func (f *fixture) token(user, scopes string, change ...func(*grant.Token)) string {
	f.t.Helper()
	tok := grant.Token{ID: grant.NewTokenID(), Client: f.app.ID, Org: org, GrantType: client.AuthorizationCode, User: user,
		Scopes: scope.MustParseSet(scopes), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	for _, c := range change {
		c(&tok)
	}
	s, err := f.enc.Encode(tok)
	require.NoError(f.t, err)
	return s
}

// do serves one request through the mux.
func (f *fixture) do(method, target string, auth ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for _, a := range auth {
		r.Header.Add("Authorization", a)
	}
	w := httptest.NewRecorder()
	f.mux.ServeHTTP(w, r)
	return w
}

// errorJSON is an error body, decoded.
type errorJSON struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

func decodeError(t testing.TB, body []byte) errorJSON {
	t.Helper()
	var e errorJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&e), "body: %s", body)
	return e
}
