package enforce_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestSwapNeverMixes proves that a decision sees one policy or the other.
// Policy A accepts users:readonly and needs directory:user:view; policy B
// accepts presence:manage and needs presence:userPresence:edit. The token
// has users:readonly, and its user holds only presence:userPresence:edit.
// Under A the scope is there and the permission is not; under B the
// reverse. A mix would allow the request, or find both missing.
func TestSwapNeverMixes(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.perms.PutRole(org, role("presence", "presence:userPresence:edit")))
	require.NoError(t, f.perms.AddGrant(org, permission.Grant{Subject: permission.User("p"), Role: "presence", AllDivisions: true}))
	build := func(scopes string, perm string) *enforce.Policy {
		p, err := enforce.NewPolicy(enforce.Config{
			Catalog:   f.catalog,
			Endpoints: []enforce.Endpoint{ep("GET", "/x", scopes, permission.MustAllOf(permission.MustParse(perm)))},
		})
		require.NoError(t, err)
		return p
	}
	a, b := build("users:readonly", "directory:user:view"), build("presence:manage", "presence:userPresence:edit")
	f.enforcer.Swap(a)
	tok := f.token("p", "users:readonly")

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			if i%2 == 0 {
				f.enforcer.Swap(b)
			} else {
				f.enforcer.Swap(a)
			}
		}
	}()
	var sawA, sawB atomic.Int64
	var workers sync.WaitGroup
	for range 4 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			// Run until both policies were seen, at least 2,000 times,
			// and at most 1,000,000: the swapper needs to be scheduled.
			for i := 0; i < 1_000_000 && (i < 2000 || sawA.Load() == 0 || sawB.Load() == 0); i++ {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/x", Token: tok})
				if err != nil {
					t.Error(err)
					return
				}
				switch d.Code() {
				case enforce.CodePermissionMissing:
					sawA.Add(1)
				case enforce.CodeScopeMissing:
					sawB.Add(1)
				default:
					t.Errorf("a mixed decision: %v", d)
					return
				}
			}
		}()
	}
	workers.Wait()
	stop.Store(true)
	wg.Wait()
	require.Positive(t, sawA.Load(), "decisions under policy A")
	require.Positive(t, sawB.Load(), "decisions under policy B")
	last := f.enforcer.Swap(a)
	require.True(t, last == a || last == b)
}

func TestLiveScopes(t *testing.T) {
	clients := client.NewMemStore()
	authorizer := client.NewAuthorizer(clients, clients)
	f := newFixtureWith(t, func(s *enforce.Sources) { s.Scopes = authorizer })
	// The desktop app is authorized in org-1 for users:readonly only.
	desktop := f.desktop
	require.NoError(t, clients.CreateClient(ctx, desktop))
	require.NoError(t, clients.PutAuthorization(ctx, client.Authorization{Org: org, Client: desktop.ID, Granted: scope.MustParseSet("users:readonly")}))

	tok := f.token("admin", "users:readonly conversations:readonly")
	require.True(t, f.enforce("GET", "/api/v2/users", tok).Allowed())
	d := f.enforce("GET", "/api/v2/conversations", tok)
	require.Equal(t, enforce.CodeScopeMissing, d.Code(), "conversations:readonly is in the token but no longer authorized")

	// Revoking the authorization takes every scope away at once.
	require.NoError(t, clients.DeleteAuthorization(ctx, org, desktop.ID))
	require.Equal(t, enforce.CodeScopeMissing, f.enforce("GET", "/api/v2/users", tok).Code())

	// Without the option, the token keeps its scopes until it expires.
	plain := newFixture(t)
	require.True(t, plain.enforce("GET", "/api/v2/conversations", plain.token("admin", "users:readonly conversations:readonly")).Allowed())
}

type failingScopes struct{}

func (failingScopes) EffectiveScopes(context.Context, client.OrgID, client.ID) (scope.Set, error) {
	return scope.Set{}, errors.New("authorization store down")
}

type failingAccess struct{}

func (failingAccess) Access(context.Context, permission.OrgID, permission.Subject) (*permission.Access, error) {
	return nil, errors.New("directory down")
}

type failingRevocations struct{}

func (failingRevocations) IsRevoked(context.Context, grant.Token) (bool, error) {
	return false, errors.New("cache down")
}

type failingResolver struct{}

func (failingResolver) ResolveDivision(context.Context, client.OrgID, string, string, string) (permission.DivisionID, error) {
	return "", errors.New("lookup failed")
}

func TestCouldNotDecide(t *testing.T) {
	f := newFixture(t)
	tok := f.token("admin", "users")
	check := func(e *enforce.Enforcer, path string) {
		t.Helper()
		d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: path, Token: tok})
		require.Error(t, err)
		require.False(t, d.Allowed())
		require.Equal(t, enforce.CodeUnavailable, d.Code())
		require.Equal(t, 503, d.Status())
	}
	with := func(change func(*enforce.Sources)) *enforce.Enforcer {
		src := f.sources
		change(&src)
		return f.newEnforcer(src)
	}
	check(with(func(s *enforce.Sources) { s.Revocations = failingRevocations{} }), "/api/v2/users")
	check(with(func(s *enforce.Sources) { s.Scopes = failingScopes{} }), "/api/v2/users")
	check(with(func(s *enforce.Sources) { s.Divisions = failingResolver{} }), "/api/v2/users/u-home")
	check(with(func(s *enforce.Sources) { s.Access = failingAccess{} }), "/api/v2/users")

	// A verifier that could not decide.
	down := fmt.Errorf("jwks: fetching keys: %w", enforce.ErrVerifierUnavailable)
	d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", TokenErr: down})
	require.ErrorIs(t, err, enforce.ErrVerifierUnavailable)
	require.Equal(t, enforce.CodeUnavailable, d.Code())
	require.Equal(t, 503, d.Status())

	// No policy: every request is denied.
	e, err := enforce.New(nil, f.sources, enforce.WithClock(f.clock.now))
	require.NoError(t, err)
	d, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
	require.ErrorIs(t, err, enforce.ErrNoPolicy)
	require.False(t, d.Allowed())
	require.Equal(t, enforce.CodeUnavailable, d.Code())
	require.Nil(t, e.Policy())
	e.Swap(f.policy)
	d, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
	require.NoError(t, err)
	require.True(t, d.Allowed())
}

func TestZeroDecisionDenies(t *testing.T) {
	var d enforce.Decision
	require.False(t, d.Allowed())
	require.Equal(t, enforce.CodeUnavailable, d.Code())
	require.Equal(t, 503, d.Status())
	require.Equal(t, "no decision was made", d.Reason())
	require.Empty(t, d.Route())
	require.True(t, d.AcceptedScopes().IsEmpty())
	require.Nil(t, d.MissingPermissions())
	require.Empty(t, d.WWWAuthenticate())
	require.JSONEq(t, `{"error":{"message":"no decision was made","code":"UNAVAILABLE","status":503}}`, string(d.ErrorBody()))
}

func TestErrorBodyIsReadable(t *testing.T) {
	f := newFixture(t)
	d := f.enforce("GET", "/api/v2/users", grant.Token{})
	require.Equal(t, `{"error":{"message":"the request carries no access token. To fix: send an access token in the Authorization header: Authorization: Bearer <token>.","code":"TOKEN_MISSING","status":401}}`,
		string(d.ErrorBody()), "no \\u003c escapes")
}

func TestUnknownEndpointStatus(t *testing.T) {
	f := newFixture(t, enforce.WithUnknownEndpointStatus(403))
	d := f.enforce("GET", "/api/v2/nope", f.token("admin", "users"))
	require.Equal(t, 403, d.Status())
	require.Equal(t, enforce.CodeEndpointUnknown, d.Code())
	g := newFixture(t, enforce.WithUnknownEndpointStatus(500)) // ignored
	require.Equal(t, 404, g.enforce("GET", "/api/v2/nope", g.token("admin", "users")).Status())
}

func TestDivisionWithoutResolverAndFromParams(t *testing.T) {
	f := newFixture(t)
	src := f.sources
	src.Divisions = nil
	plain := f.newEnforcer(src)
	d, err := plain.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: f.token("admin", "users")})
	require.NoError(t, err)
	require.Equal(t, enforce.CodeDivisionUnresolved, d.Code(), "no resolver: the division stays unknown, and the request is denied")

	// With a router's pattern, parameters come from Params.
	d, err = f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Pattern: "GET /api/v2/users/{userId}", Params: params{"userId": "u-sales"},
		Token: f.token("salesAdmin", "users")})
	require.NoError(t, err)
	require.True(t, d.Allowed(), d.Reason())
	require.Equal(t, permission.DivisionID("sales"), d.Division())

	// With a pattern and no Params, they come from the path.
	d, err = f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Pattern: "GET /api/v2/users/{userId}", Path: "/api/v2/users/u-sales",
		Token: f.token("salesAdmin", "users")})
	require.NoError(t, err)
	require.True(t, d.Allowed(), d.Reason())
	d, err = f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Pattern: "GET /api/v2/users/{userId}", Path: "/elsewhere",
		Token: f.token("salesAdmin", "users")})
	require.NoError(t, err)
	require.Equal(t, enforce.CodeDivisionUnresolved, d.Code(), "a path that does not fit the pattern gives no parameter")
}

type params map[string]string

func (p params) PathValue(name string) string { return p[name] }

func TestHook(t *testing.T) {
	var records []enforce.Record
	f := newFixture(t, enforce.WithHook(func(_ context.Context, r enforce.Record) { records = append(records, r) }))
	tok := f.token("agent", "users:readonly presence:manage")
	f.enforce("GET", "/api/v2/users", tok)
	f.enforce("GET", "/api/v2/schedules", f.token("admin", "users:readonly"))
	f.enforce("GET", "/nope", tok)
	require.Len(t, records, 3)

	require.Equal(t, enforce.Record{Time: f.clock.now(), Allowed: true, Status: 200, Code: enforce.CodeAllowed, Org: org, Client: f.desktop.ID,
		User: "agent", GrantType: client.AuthorizationCode, Method: "GET", Route: "GET /api/v2/users", Endpoint: "getUsers",
		Scope: scope.MustParse("users:readonly")}, records[0], "which client used which scope on which endpoint")
	require.False(t, records[1].Allowed)
	require.Equal(t, enforce.CodeScopeMissing, records[1].Code)
	require.Equal(t, "/nope", records[2].Path)
	require.Empty(t, records[2].Route)
}

func TestSlogHook(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, enforce.WithHook(enforce.SlogHook(logger)))
	tok := f.token("agent", "users:readonly")
	f.enforce("GET", "/api/v2/users", tok)
	f.enforce("GET", "/api/v2/schedules", f.token("admin", "users:readonly"))
	out := buf.String()
	require.Contains(t, out, `"level":"DEBUG","msg":"scopegate decision","allowed":true,"status":200,"code":"ALLOWED"`)
	require.Contains(t, out, `"level":"INFO","msg":"scopegate decision","allowed":false,"status":403,"code":"SCOPE_INSUFFICIENT"`)
	require.Contains(t, out, `"scope":"users:readonly"`)
	require.Contains(t, out, `"client":"`+f.desktop.ID.String()+`"`)
	require.NotContains(t, out, tok.ID.String(), "never the token")

	var quiet bytes.Buffer
	g := newFixture(t, enforce.WithHook(enforce.SlogHook(slog.New(slog.NewJSONHandler(&quiet, nil)))))
	g.enforce("GET", "/api/v2/users", g.token("agent", "users:readonly"))
	require.Empty(t, quiet.String(), "allowed requests log at debug level")
}

func TestCodes(t *testing.T) {
	require.Equal(t, "SCOPE_AND_PERMISSIONS_INSUFFICIENT", enforce.CodeScopeAndPermissionMissing.String())
	require.Equal(t, "Code(99)", enforce.Code(99).String())
	text, err := enforce.CodeTokenExpired.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "TOKEN_EXPIRED", string(text))
	causes := enforce.Causes(1<<enforce.CodeScopeMissing | 1<<enforce.CodePermissionMissing)
	require.Equal(t, "SCOPE_INSUFFICIENT,PERMISSIONS_INSUFFICIENT", causes.String())
}

func TestDecisionsDoNotAllocate(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		req  enforce.Request
		code enforce.Code
	}{
		{"allowed", enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: f.token("agent", "conversations:readonly users:readonly presence:manage")}, enforce.CodeAllowed},
		{"allowed by pattern", enforce.Request{Method: "GET", Pattern: "GET /api/v2/users", Token: f.token("agent", "users:readonly")}, enforce.CodeAllowed},
		{"client credentials", enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: f.ccToken()}, enforce.CodeAllowed},
		{"scope missing", enforce.Request{Method: "GET", Path: "/api/v2/schedules", Token: f.token("admin", "users:readonly")}, enforce.CodeScopeMissing},
		{"permission missing", enforce.Request{Method: "GET", Path: "/api/v2/users/u-sales", Token: f.token("agent", "users:readonly")}, enforce.CodePermissionMissing},
		{"both missing", enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("viewer", "conversations:readonly")}, enforce.CodeScopeAndPermissionMissing},
		{"user required", enforce.Request{Method: "GET", Path: "/api/v2/users/me", Token: f.ccToken()}, enforce.CodeUserRequired},
		{"unknown endpoint", enforce.Request{Method: "GET", Path: "/api/v2/nope", Token: f.token("agent", "users:readonly")}, enforce.CodeEndpointUnknown},
		{"token missing", enforce.Request{Method: "GET", Path: "/api/v2/users"}, enforce.CodeTokenMissing},
		{"token expired", enforce.Request{Method: "GET", Path: "/api/v2/users", Token: func() grant.Token { t := f.token("agent", "users"); t.ExpiresAt = f.clock.now(); return t }()}, enforce.CodeTokenExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			var d enforce.Decision
			allocs := testing.AllocsPerRun(100, func() { d, _ = f.enforcer.Enforce(ctx, &req) })
			require.Equal(t, tc.code, d.Code(), d.Reason())
			require.Zero(t, allocs)
		})
	}
}

func TestEveryCatalogScopeCanBeAccepted(t *testing.T) {
	// A policy over the whole sample catalog builds: one endpoint per
	// scope, org-wide, nothing required.
	var eps []enforce.Endpoint
	for e := range sample.Catalog().All() {
		eps = append(eps, enforce.Endpoint{Method: "GET", Path: "/" + e.Scope.Resource() + "/" + e.Scope.String(), Scopes: []scope.Scope{e.Scope}, Permissions: permission.NoneRequired()})
	}
	_, err := newPolicy(eps...)
	require.NoError(t, err)
}

// TestTokenClaimsAreChecked: a token whose claims do not fit together is
// refused before its scopes or permissions are looked at. A
// client-credentials token that names a user must not act as that user.
func TestTokenClaimsAreChecked(t *testing.T) {
	f := newFixture(t)
	forged := f.ccToken()
	forged.User = "admin"
	noOrg := f.token("admin", "users")
	noOrg.Org = ""
	tooLong := f.token("admin", "users")
	tooLong.ExpiresAt = tooLong.IssuedAt.Add(client.MaxTokenLifetime + time.Second)
	for name, tok := range map[string]grant.Token{"client credentials naming a user": forged, "no org": noOrg, "outlives any client": tooLong} {
		t.Run(name, func(t *testing.T) {
			d := f.enforce("GET", "/api/v2/users", tok)
			require.Equal(t, enforce.CodeTokenInvalid, d.Code(), d.Reason())
			require.Equal(t, 401, d.Status())
		})
	}
}

// TestClockSkewIsCapped: a skew beyond grant.MaxClockSkew is cut to it, so
// that a revoked token cannot come back once its revocation is forgotten.
func TestClockSkewIsCapped(t *testing.T) {
	f := newFixture(t, enforce.WithClockSkew(time.Hour))
	tok := f.token("admin", "users")
	tok.IssuedAt = f.clock.now().Add(-time.Hour)
	tok.ExpiresAt = f.clock.now().Add(-grant.MaxClockSkew + time.Second)
	require.True(t, f.enforce("GET", "/api/v2/users", tok).Allowed(), "within the skew")
	tok.ExpiresAt = f.clock.now().Add(-grant.MaxClockSkew)
	require.Equal(t, enforce.CodeTokenExpired, f.enforce("GET", "/api/v2/users", tok).Code(), "beyond grant.MaxClockSkew")
}

// TestRequiredSources: an enforcer is not built without the sources it
// needs; the error names each one missing.
func TestRequiredSources(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name    string
		change  func(*enforce.Sources)
		missing string
	}{
		{"no access", func(s *enforce.Sources) { s.Access = nil }, "Access"},
		{"no revocations", func(s *enforce.Sources) { s.Revocations = nil }, "Revocations"},
		{"no clients", func(s *enforce.Sources) { s.Clients = nil }, "Clients"},
		{"none", func(s *enforce.Sources) { *s = enforce.Sources{} }, "Access, Revocations, Clients"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := f.sources
			tt.change(&src)
			e, err := enforce.New(f.policy, src)
			require.ErrorIs(t, err, enforce.ErrSourceMissing)
			require.ErrorContains(t, err, tt.missing)
			require.Nil(t, e)
		})
	}
	e, err := enforce.New(f.policy, enforce.Sources{Access: f.sources.Access, Revocations: f.grants, Clients: f.clients})
	require.NoError(t, err, "the division resolver and live scopes are optional")
	require.NotNil(t, e)
}
