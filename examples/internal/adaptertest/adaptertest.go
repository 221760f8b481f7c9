// Package adaptertest is the test bench the adapters of package guard
// share: an enforcer over the sample endpoint table with its roles, an
// org with two divisions, clients in every state, JWT access tokens
// (jwtoken), and the cases every HTTP adapter must answer alike, run over
// a real HTTP server. Each adapter's test mounts the real framework on it.
package adaptertest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// Org is the org of every user and token of the fixture.
const Org client.OrgID = "org-1"

// Now is the fixture's clock.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Unavailable is a bearer token the fixture's verifier cannot decide on,
// as when its key service is down: 503 UNAVAILABLE.
const Unavailable = "verifier-down"

// Routes are the table's routes the HTTP adapters' tests give a handler;
// the tests register GET /api/v2/users/{userId} under another parameter
// name ({id}, :id), to show that names need not be the table's. The
// other endpoints of the table have none, and must be refused as unknown.
var Routes = []string{
	"GET /api/v2/users", "GET /api/v2/users/me", "POST /api/v2/users", "GET /api/v2/users/{userId}", "GET /api/v2/schedules",
}

// Options change the fixture.
type Options struct {
	// Endpoints replace the sample table.
	Endpoints []enforce.Endpoint
	// Access replaces the permissions' source (with one that fails, say).
	Access enforce.AccessSource
	// Guard are more options of the guard (observers).
	Guard []guard.Option
	// Enforce are more options of the enforcer.
	Enforce []enforce.Option
}

// A Fixture is an enforcer, a guard over it, and the tokens to call it
// with.
type Fixture struct {
	T           testing.TB
	Policy      *enforce.Policy
	Enforcer    *enforce.Enforcer
	Encoder     *jwtoken.Encoder
	JWT         *jwtoken.Verifier
	Verifier    guard.TokenVerifier
	Guard       *guard.Guard
	Logs        *Buffer
	Revocations *grant.MemStore
	// App is an active authorization-code app, Disabled a disabled one,
	// and Job a client-credentials app with the agent role in Home.
	App, Disabled, Job client.Client
}

// divisions knows the division of each user resource.
type divisions map[string]permission.DivisionID

func (d divisions) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	if div, ok := d[value]; ok {
		return div, nil
	}
	return "", enforce.ErrNoResource
}

// New builds the fixture: users agent (the agent role in Home) and admin
// (the admin role in all divisions), resources u-home and u-sales, and the
// sample table unless opts say otherwise.
func New(t testing.TB, opts Options) *Fixture {
	t.Helper()
	ctx := context.Background()
	perms := permission.NewMemStore()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(t, err)
	require.NoError(t, perms.PutDivisions(Org, divs))
	for _, r := range sample.Roles() {
		require.NoError(t, perms.PutRole(Org, r))
	}
	require.NoError(t, perms.AddGrant(Org, permission.Grant{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"home"}}))
	require.NoError(t, perms.AddGrant(Org, permission.Grant{Subject: permission.User("admin"), Role: "admin", AllDivisions: true}))

	endpoints := opts.Endpoints
	if endpoints == nil {
		endpoints = sample.Endpoints()
	}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: endpoints})
	require.NoError(t, err)

	clients := client.NewMemStore()
	f := &Fixture{T: t, Policy: policy, Logs: &Buffer{}, Revocations: grant.NewMemStore(nil)}
	f.App = client.Client{ID: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301"), Org: Org, Name: "Agent Desktop",
		State: client.Active, GrantType: client.AuthorizationCode}
	f.Disabled = client.Client{ID: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3302"), Org: Org, Name: "Old app",
		State: client.Disabled, GrantType: client.AuthorizationCode}
	f.Job = client.Client{ID: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3303"), Org: Org, Name: "Nightly export",
		State: client.Active, GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "agent", Divisions: []permission.DivisionID{"home"}}}}
	for _, c := range []client.Client{f.App, f.Disabled, f.Job} {
		require.NoError(t, clients.CreateClient(ctx, c))
	}
	access := opts.Access
	if access == nil {
		access = permission.NewCache(client.PermissionStore{Users: perms, Clients: clients}, 0)
	}
	f.Enforcer, err = enforce.New(policy, enforce.Sources{
		Access:      access,
		Revocations: f.Revocations,
		Clients:     clients,
		Divisions:   divisions{"u-home": "home", "u-sales": "sales"},
	}, append([]enforce.Option{enforce.WithRealm("api"), enforce.WithClock(func() time.Time { return Now })}, opts.Enforce...)...)
	require.NoError(t, err)
	// Ed25519 from a fixed seed signs deterministically: the same token in
	// every run.
	key, err := jwtoken.NewKey(jwtoken.EdDSA, ed25519.NewKeyFromSeed([]byte("adaptertest key, 32 bytes long!!")), "test-key")
	require.NoError(t, err)
	keys, err := jwtoken.NewKeySet(key, func() time.Time { return Now })
	require.NoError(t, err)
	const issuer, audience = "https://auth.example.com", "https://api.example.com"
	f.Encoder, err = jwtoken.NewEncoder(keys, issuer, audience)
	require.NoError(t, err)
	f.JWT, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Now: func() time.Time { return Now }})
	require.NoError(t, err)
	f.Verifier = guard.VerifierFunc(func(ctx context.Context, token string) (grant.Token, error) {
		if token == Unavailable {
			return grant.Token{}, enforce.ErrVerifierUnavailable
		}
		return f.JWT.VerifyToken(ctx, token)
	})
	f.Guard = guard.New(f.Enforcer, f.Verifier,
		append([]guard.Option{guard.WithLogger(slog.New(slog.NewTextHandler(f.Logs, nil)))}, opts.Guard...)...)
	return f
}

// Claims returns the claims of a token of the fixture's app for user
// with scopes, issued a minute ago and valid for an hour.
func (f *Fixture) Claims(user, scopes string) grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: f.App.ID, Org: Org, GrantType: client.AuthorizationCode, User: user,
		Scopes: scope.MustParseSet(scopes), IssuedAt: Now.Add(-time.Minute), ExpiresAt: Now.Add(time.Hour)}
}

// Sign signs claims.
func (f *Fixture) Sign(claims grant.Token) string {
	f.T.Helper()
	s, err := f.Encoder.Encode(claims)
	require.NoError(f.T, err)
	return s
}

// Token signs a token of the fixture's app for user with scopes.
func (f *Fixture) Token(user, scopes string) string { return f.Sign(f.Claims(user, scopes)) }

// Handled is what the tests' handlers answer: proof that they ran, and
// what they found in the context.
type Handled struct {
	Route string `json:"route"`
	Scope string `json:"scope"`
	User  string `json:"user"`
}

// WriteHandled answers with what the adapter left in ctx, or 500 when it
// left nothing: a handler must never run without an allowed decision.
func WriteHandled(w http.ResponseWriter, ctx context.Context) {
	d, ok := guard.DecisionFrom(ctx)
	tok, ok2 := guard.TokenFrom(ctx)
	if !ok || !ok2 || !d.Allowed() {
		http.Error(w, "handler reached without an allowed decision", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Handled{Route: d.Route(), Scope: d.MatchedScope().String(), User: tok.User})
}

// A Case is one request and the answer every HTTP adapter must give.
type Case struct {
	Name   string
	Method string
	Target string
	Auth   []string
	Status int
	// Code is the error body's code, or "" when the handler answers
	// (with Handled).
	Code    string
	Message string // checked when set
	WWW     string
	Handled Handled
}

// Cases are the cases every HTTP adapter answers alike: allowed (with the
// renamed parameter), each denial code, and the unknown routes.
func (f *Fixture) Cases() []Case {
	ctx := context.Background()
	good := f.Token("agent", "users:readonly conversations:readonly")
	admin := f.Token("admin", "users:manage")
	expired := f.Claims("agent", "users:readonly")
	expired.IssuedAt, expired.ExpiresAt = Now.Add(-2*time.Hour), Now.Add(-time.Hour)
	revoked := f.Claims("agent", "users:readonly")
	require.NoError(f.T, f.Revocations.RevokeToken(ctx, revoked))
	disabled := f.Claims("agent", "users:readonly")
	disabled.Client = f.Disabled.ID
	job := grant.Token{ID: grant.NewTokenID(), Client: f.Job.ID, Org: Org, GrantType: client.ClientCredentials,
		IssuedAt: Now.Add(-time.Minute), ExpiresAt: Now.Add(time.Hour)}
	tampered := []byte(good)
	if tampered[20] == 'A' { // another base64url character in the claims
		tampered[20] = 'B'
	} else {
		tampered[20] = 'A'
	}

	const invalid = `Bearer realm="api", error="invalid_token", error_description=`
	return []Case{
		{Name: "allowed", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + good}, Status: 200,
			Handled: Handled{Route: "GET /api/v2/users", Scope: "users:readonly", User: "agent"}},
		{Name: "allowed, on a route with a renamed parameter", Method: "GET", Target: "/api/v2/users/u-home", Auth: []string{"Bearer " + good}, Status: 200,
			Handled: Handled{Route: "GET /api/v2/users/{userId}", Scope: "users:readonly", User: "agent"}},
		{Name: "allowed, division from the request", Method: "POST", Target: "/api/v2/users?divisionId=sales", Auth: []string{"Bearer " + admin}, Status: 200,
			Handled: Handled{Route: "POST /api/v2/users", Scope: "users:manage", User: "admin"}},
		{Name: "allowed, user required", Method: "GET", Target: "/api/v2/users/me", Auth: []string{"bearer  " + good}, Status: 200,
			Handled: Handled{Route: "GET /api/v2/users/me", Scope: "users:readonly", User: "agent"}},

		{Name: "TOKEN_MISSING", Method: "GET", Target: "/api/v2/users", Status: 401, Code: "TOKEN_MISSING", WWW: `Bearer realm="api"`,
			Message: "the request carries no access token. To fix: send an access token in the Authorization header: Authorization: Bearer <token>."},
		{Name: "TOKEN_INVALID, not a bearer header", Method: "GET", Target: "/api/v2/users", Auth: []string{"Basic c2VjcmV0OnNlY3JldA=="}, Status: 401,
			Code: "TOKEN_INVALID", WWW: invalid + `"The access token is invalid"`,
			Message: "the Authorization header was refused: the header does not use the Bearer scheme. To fix: send one header, Authorization: Bearer <token>, with a token of at most 4096 bytes."},
		{Name: "TOKEN_INVALID, two headers", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + good, "Bearer " + good}, Status: 401,
			Code: "TOKEN_INVALID", WWW: invalid + `"The access token is invalid"`},
		{Name: "TOKEN_INVALID, bad signature", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + string(tampered)}, Status: 401,
			Code: "TOKEN_INVALID", WWW: invalid + `"The access token is invalid"`,
			Message: "the access token is not valid. To fix: get a new access token (sign in again)."},
		{Name: "TOKEN_EXPIRED", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + f.Sign(expired)}, Status: 401,
			Code: "TOKEN_EXPIRED", WWW: invalid + `"The access token expired"`},
		{Name: "TOKEN_REVOKED", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + f.Sign(revoked)}, Status: 401,
			Code: "TOKEN_REVOKED", WWW: invalid + `"The access token was revoked"`},
		{Name: "CLIENT_DISABLED", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + f.Sign(disabled)}, Status: 401,
			Code: "CLIENT_DISABLED", WWW: invalid + `"The OAuth client is disabled"`},
		{Name: "ENDPOINT_UNKNOWN", Method: "GET", Target: "/api/v2/nothing", Auth: []string{"Bearer " + good}, Status: 404, Code: "ENDPOINT_UNKNOWN",
			Message: `no endpoint matches GET "/api/v2/nothing". To fix: check the method and path against the API reference.`},
		{Name: "ENDPOINT_UNKNOWN, in the table without a handler", Method: "GET", Target: "/api/v2/conversations", Auth: []string{"Bearer " + good},
			Status: 404, Code: "ENDPOINT_UNKNOWN"},
		{Name: "ENDPOINT_UNKNOWN, unknown method on a known path", Method: "DELETE", Target: "/api/v2/schedules", Auth: []string{"Bearer " + good},
			Status: 404, Code: "ENDPOINT_UNKNOWN"},
		{Name: "ENDPOINT_UNKNOWN, without a token", Method: "GET", Target: "/api/v2/nothing", Status: 401, Code: "TOKEN_MISSING", WWW: `Bearer realm="api"`},
		{Name: "RESOURCE_NOT_FOUND", Method: "GET", Target: "/api/v2/users/u-nobody", Auth: []string{"Bearer " + admin}, Status: 404, Code: "RESOURCE_NOT_FOUND"},
		{Name: "USER_REQUIRED", Method: "GET", Target: "/api/v2/users/me", Auth: []string{"Bearer " + f.Sign(job)}, Status: 403, Code: "USER_REQUIRED"},
		{Name: "SCOPE_INSUFFICIENT", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + f.Token("agent", "conversations:readonly")}, Status: 403,
			Code: "SCOPE_INSUFFICIENT", WWW: `Bearer realm="api", error="insufficient_scope", scope="users users:readonly"`},
		{Name: "PERMISSIONS_INSUFFICIENT, division from the renamed parameter", Method: "GET", Target: "/api/v2/users/u-sales", Auth: []string{"Bearer " + good},
			Status: 403, Code: "PERMISSIONS_INSUFFICIENT",
			Message: "the user lacks directory:user:view. To fix: assign the user a role with directory:user:view."},
		{Name: "SCOPE_AND_PERMISSIONS_INSUFFICIENT", Method: "GET", Target: "/api/v2/schedules", Auth: []string{"Bearer " + good}, Status: 403,
			Code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT", WWW: `Bearer realm="api", error="insufficient_scope", scope="scheduling:readonly"`},
		{Name: "DIVISION_UNRESOLVED", Method: "POST", Target: "/api/v2/users", Auth: []string{"Bearer " + admin}, Status: 403, Code: "DIVISION_UNRESOLVED"},
		{Name: "DIVISION_UNKNOWN", Method: "POST", Target: "/api/v2/users?divisionId=elsewhere", Auth: []string{"Bearer " + admin}, Status: 403, Code: "DIVISION_UNKNOWN"},
		{Name: "UNAVAILABLE", Method: "GET", Target: "/api/v2/users", Auth: []string{"Bearer " + Unavailable}, Status: 503, Code: "UNAVAILABLE"},
	}
}

// Run sends each case to the server at base, over real HTTP, and checks
// the answer: the status, WWW-Authenticate, the error body (the enforcer's
// shape and headers, no token quoted) or what the handler saw. The server
// must log nothing but the UNAVAILABLE case's error.
func (f *Fixture) Run(t *testing.T, base string, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			req, err := http.NewRequest(tc.Method, base+tc.Target, nil)
			require.NoError(t, err)
			for _, a := range tc.Auth {
				req.Header.Add("Authorization", a)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, resp.Body.Close())
			require.NoError(t, err)
			require.Equal(t, tc.Status, resp.StatusCode, "body: %s", body)
			require.Equal(t, tc.WWW, resp.Header.Get("WWW-Authenticate"))
			if tc.Code == "" {
				var got Handled
				require.NoError(t, json.Unmarshal(body, &got), "body: %s", body)
				if diff := cmp.Diff(tc.Handled, got); diff != "" {
					t.Errorf("what the handler saw (-want +got):\n%s", diff)
				}
				return
			}
			require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
			require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			e := DecodeError(t, body)
			require.Equal(t, tc.Code, e.Error.Code)
			require.Equal(t, tc.Status, e.Error.Status)
			if tc.Message != "" {
				require.Equal(t, tc.Message, e.Error.Message)
			}
			for _, a := range tc.Auth {
				if _, tok, ok := strings.Cut(a, " "); ok && len(tok) > 8 {
					require.NotContains(t, string(body), strings.TrimSpace(tok), "the answer must not echo the token")
				}
			}
		})
	}
	logs := f.Logs.String()
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line != "" && !strings.Contains(line, "token verifier unavailable") {
			t.Errorf("unexpected log line: %s", line)
		}
	}
}

// ErrorJSON is an error body, decoded.
type ErrorJSON struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

// DecodeError decodes an error body strictly.
func DecodeError(t testing.TB, body []byte) ErrorJSON {
	t.Helper()
	var e ErrorJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&e), "body: %s", body)
	return e
}

// A Buffer is a bytes.Buffer that servers' goroutines may write to at
// once, for logs.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reset empties the buffer.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
