package enforce_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// patternMethods are the methods crossed with each other in
// TestPatternMethodMustMatchRequest. The fixture's table has GET and POST
// /api/v2/users, and GET, PATCH and DELETE /api/v2/users/{userId}.
var patternMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// TestPatternMethodMustMatchRequest: a router's pattern names the endpoint,
// but the request's method is what the handler serves. A pattern whose
// method is not the request's (a GET pattern serving HEAD aside, as in
// http.ServeMux) matches nothing: judged as the pattern's endpoint, a POST
// would be allowed on the strength of the GET endpoint's scopes.
func TestPatternMethodMustMatchRequest(t *testing.T) {
	f := newFixture(t)
	tok := f.token("admin", "users")
	table := map[string][]string{
		"/api/v2/users":          {"GET", "POST"},
		"/api/v2/users/{userId}": {"GET", "PATCH", "DELETE"},
	}
	decide := func(t *testing.T, method, pattern string) enforce.Decision {
		t.Helper()
		d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: method, Pattern: pattern, Path: "/api/v2/users", Token: tok,
			Params: params{"userId": "u-home"}})
		require.NoError(t, err)
		return d
	}
	for path, methods := range table {
		for _, pm := range methods {
			for _, rm := range append(patternMethods, "", "get") {
				pattern := pm + " " + path
				want := ""
				if rm == pm || rm == "HEAD" && pm == "GET" {
					want = pm + " " + path
				}
				t.Run(rm+" on "+pattern, func(t *testing.T) {
					d := decide(t, rm, pattern)
					if want == "" {
						require.Equal(t, enforce.CodeEndpointUnknown.String(), d.Code().String(), d.Reason())
						require.Empty(t, d.Route())
						return
					}
					require.Equal(t, want, d.Route(), d.Reason())
					require.True(t, d.Allowed(), d.Reason())
				})
			}
		}
		// Without a method, the pattern takes the request's; HEAD falls
		// back to GET.
		for _, rm := range patternMethods {
			want := ""
			switch {
			case rm == "HEAD":
				want = "GET " + path
			case slices.Contains(methods, rm):
				want = rm + " " + path
			}
			t.Run(rm+" on "+path, func(t *testing.T) {
				d := decide(t, rm, path)
				require.Equal(t, want, d.Route(), d.Reason())
				if want == "" {
					require.Equal(t, enforce.CodeEndpointUnknown.String(), d.Code().String())
				}
			})
		}
	}
	// The method is read as http.ServeMux reads it, with a host or not,
	// after spaces or a tab.
	for _, pattern := range []string{"GET\t/api/v2/users", "GET  /api/v2/users", "GET example.com/api/v2/users", "GET \texample.com/api/v2/users"} {
		t.Run("POST on "+pattern, func(t *testing.T) {
			require.Equal(t, enforce.CodeEndpointUnknown.String(), decide(t, "POST", pattern).Code().String())
			require.Equal(t, "GET /api/v2/users", decide(t, "GET", pattern).Route())
		})
	}
}

// TestTokenErrWinsOverToken: a verifier's error denies the request even
// when a valid token comes with it, as a consumer may fill both (claims
// parsed, then the signature found bad). The request is never decided as
// if the token were fine.
func TestTokenErrWinsOverToken(t *testing.T) {
	f := newFixture(t)
	tok := f.token("admin", "users")
	d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
	require.NoError(t, err)
	require.True(t, d.Allowed(), "the token alone is allowed: %s", d.Reason())

	for _, tc := range []struct {
		name    string
		err     error
		code    enforce.Code
		status  int
		errIs   error // what Enforce returns, if anything
		invalid bool  // WWW-Authenticate says invalid_token
	}{
		{"bad signature", errors.New("jwt: bad signature"), enforce.CodeTokenInvalid, 401, nil, true},
		{"expired", fmt.Errorf("jwt: %w", grant.ErrExpired), enforce.CodeTokenExpired, 401, nil, true},
		{"revoked", fmt.Errorf("introspection: %w", grant.ErrRevoked), enforce.CodeTokenRevoked, 401, nil, true},
		{"client disabled", fmt.Errorf("introspection: %w", grant.ErrClientDisabled), enforce.CodeClientDisabled, 401, nil, true},
		{"verifier unavailable", fmt.Errorf("jwks: fetching keys: %w", enforce.ErrVerifierUnavailable), enforce.CodeUnavailable, 503, enforce.ErrVerifierUnavailable, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, req := range []enforce.Request{
				{Method: "GET", Path: "/api/v2/users", Token: tok, TokenErr: tc.err},
				{Method: "GET", Pattern: "GET /api/v2/users", Path: "/api/v2/users", Token: tok, TokenErr: tc.err},
			} {
				d, err := f.enforcer.Enforce(ctx, &req)
				if tc.errIs != nil {
					require.ErrorIs(t, err, tc.errIs)
				} else {
					require.NoError(t, err)
				}
				require.False(t, d.Allowed())
				require.Equal(t, tc.code.String(), d.Code().String(), d.Reason())
				require.Equal(t, tc.status, d.Status())
				require.False(t, d.Causes().Has(enforce.CodeAllowed))
				if tc.invalid {
					require.Contains(t, d.WWWAuthenticate(), `error="invalid_token"`)
				}
			}
		})
	}
}

// anyResource resolves every resource to the home division, and notes
// the values it was asked about.
type anyResource struct {
	mu     *sync.Mutex
	values *[]string
}

func (a anyResource) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	*a.values = append(*a.values, value)
	return "home", nil
}

// TestDotSegmentsAreNoParameter: "." and ".." are not parameter values,
// even at a depth where templates have a parameter (the table has
// /api/v2/users/{userId} and /api/v2/users/{userId}/roles): a router
// resolves them before it dispatches, so the request is for another path,
// which the table may not have. Escaped, they are no different.
func TestDotSegmentsAreNoParameter(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	f := newFixtureWith(t, func(s *enforce.Sources) { s.Divisions = anyResource{&mu, &asked} })
	tok := f.token("admin", "users authorization:grant:readonly presence:manage conversations:manage")

	// The templates are there: a plain value reaches them.
	for _, path := range []string{"/api/v2/users/x", "/api/v2/users/x/roles", "/api/v2/users/.x", "/api/v2/users/...", "/api/v2/users/x../roles"} {
		_, ok := f.policy.Match("GET", path)
		require.True(t, ok, path)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v2/users/.."},
		{"GET", "/api/v2/users/."},
		{"GET", "/api/v2/users/../roles"},
		{"GET", "/api/v2/users/./roles"},
		{"PATCH", "/api/v2/users/.."},
		{"DELETE", "/api/v2/users/."},
		{"PATCH", "/api/v2/users/../presence"},
		{"DELETE", "/api/v2/conversations/.."},
		{"GET", "/api/v2/users/%2E%2E"},
		{"GET", "/api/v2/users/%2e%2e/roles"},
		{"GET", "/api/v2/users/.%2E"},
		{"GET", "/api/v2/users/%2E."},
		{"GET", "/api/v2/users/%2E"},
		{"GET", "/api/v2/users/%2e/roles"},
		{"HEAD", "/api/v2/users/.."},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			_, ok := f.policy.Match(tc.method, tc.path)
			require.False(t, ok)
			d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: tc.method, Path: tc.path, Token: tok})
			require.NoError(t, err)
			require.Equal(t, enforce.CodeEndpointUnknown.String(), d.Code().String(), d.Reason())
		})
	}

	// With a router's pattern and no Params, the division's parameter is
	// read from the path: a dot segment is no value for it.
	for _, path := range []string{"/api/v2/users/..", "/api/v2/users/.", "/api/v2/users/%2E%2E"} {
		t.Run("pattern "+path, func(t *testing.T) {
			d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Pattern: "GET /api/v2/users/{userId}", Path: path, Token: tok})
			require.NoError(t, err)
			require.Equal(t, enforce.CodeDivisionUnresolved.String(), d.Code().String(), d.Reason())
		})
	}
	require.Empty(t, asked, "the resolver is never asked about a dot segment")
}

// TestScopeCheckedForEveryUserGrant: the scope check applies to every
// grant type that acts for a user, not to authorization-code tokens only.
// A token from the implicit grant or a SAML2 bearer assertion without an
// accepted scope is denied like one from an authorization code.
func TestScopeCheckedForEveryUserGrant(t *testing.T) {
	f := newFixture(t)
	implicit := f.addClient(client.Client{Name: "Browser app", GrantType: client.Implicit, State: client.Active,
		Scopes: scope.MustParseSet("users:readonly conversations:readonly"), RedirectURIs: []string{"https://b.example.com/cb"}})
	saml := f.addClient(client.Client{Name: "SSO bridge", GrantType: client.SAML2Bearer, State: client.Active,
		Scopes: scope.MustParseSet("users:readonly conversations:readonly")})
	for _, tc := range []struct {
		grant  client.GrantType
		client client.ID
	}{
		{client.AuthorizationCode, f.desktop.ID},
		{client.Implicit, implicit.ID},
		{client.SAML2Bearer, saml.ID},
	} {
		t.Run(tc.grant.String(), func(t *testing.T) {
			token := func(scopes string) grant.Token {
				tok := f.token("admin", scopes)
				tok.Client, tok.GrantType = tc.client, tc.grant
				return tok
			}
			for _, path := range []string{"/api/v2/users", "/api/v2/users/me", "/api/v2/users/u-home"} {
				d := f.enforce("GET", path, token("conversations:readonly"))
				require.Equal(t, enforce.CodeScopeMissing.String(), d.Code().String(), "%s: %s", path, d.Reason())
				require.Equal(t, 403, d.Status())
				require.Equal(t, enforce.Causes(1<<enforce.CodeScopeMissing), d.Causes(), path)
				require.Contains(t, d.WWWAuthenticate(), `error="insufficient_scope"`)

				d = f.enforce("GET", path, token("users:readonly"))
				require.True(t, d.Allowed(), "%s: %s", path, d.Reason())
				require.Equal(t, scope.MustParse("users:readonly"), d.MatchedScope())
			}
		})
	}
}

// TestTokenErrKeepsTheTokensTimes: a verifier that refuses an expired or
// not-yet-valid token may pass its claims beside the error, and the reason
// then says when the token expired or was issued, as it does when the
// enforcer finds it; a verifier that passes no claims gets a reason
// without a time, never the zero time (issue 13).
func TestTokenErrKeepsTheTokensTimes(t *testing.T) {
	f := newFixture(t)
	tok := f.token("admin", "users")
	expiredAt := time.Date(2026, 2, 28, 9, 30, 0, 0, time.UTC)
	issuedAt := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		token  grant.Token
		err    error
		code   enforce.Code
		reason string
	}{
		{"expired, with its claims", withTimes(tok, tok.IssuedAt, expiredAt), fmt.Errorf("jwt: %w", grant.ErrExpired), enforce.CodeTokenExpired,
			"the access token expired at 2026-02-28T09:30:00Z"},
		{"expired, without claims", grant.Token{}, fmt.Errorf("jwt: %w", grant.ErrExpired), enforce.CodeTokenExpired,
			"the access token expired"},
		{"not yet valid, with its claims", withTimes(tok, issuedAt, issuedAt.Add(time.Hour)), fmt.Errorf("jwt: %w", grant.ErrNotYetValid), enforce.CodeTokenInvalid,
			"the access token is not valid yet: it was issued at 2026-03-02T08:00:00Z"},
		{"not yet valid, without claims", grant.Token{}, fmt.Errorf("jwt: %w", grant.ErrNotYetValid), enforce.CodeTokenInvalid,
			"the access token is not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tc.token, TokenErr: tc.err})
			require.NoError(t, err)
			require.Equal(t, tc.code.String(), d.Code().String())
			require.Equal(t, tc.reason, d.Reason())
		})
	}
}

func withTimes(t grant.Token, issued, expires time.Time) grant.Token {
	t.IssuedAt, t.ExpiresAt = issued, expires
	return t
}
