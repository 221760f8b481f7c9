package enforce_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// TestRootRouteIsExact: an endpoint at the root path serves "/" only.
// Registered under its Route, as the package tells consumers to, it must
// not become http.ServeMux's catch-all, and a catch-all pattern a router
// reports must not be judged as the root endpoint: either would let a
// request for a path the table does not know be allowed.
func TestRootRouteIsExact(t *testing.T) {
	f := newFixture(t)
	p, err := newPolicy(
		ep("GET", "/", "users:readonly", permission.NoneRequired()),
		ep("GET", "/api/v2/users", "users:readonly", viewUsers),
	)
	require.NoError(t, err)
	f.enforcer.Swap(p)
	mux := http.NewServeMux()
	for _, e := range p.Endpoints() {
		mux.HandleFunc(e.Route(), func(http.ResponseWriter, *http.Request) {})
	}
	tok := f.token("agent", "users:readonly")
	for _, tc := range []struct {
		method, path, pattern string // pattern "" asks the mux
		want                  enforce.Code
	}{
		{"GET", "/", "", enforce.CodeAllowed},
		{"HEAD", "/", "", enforce.CodeAllowed},
		{"GET", "/admin/secret", "", enforce.CodeEndpointUnknown},
		{"GET", "/api/v2/users/u-home/roles", "", enforce.CodeEndpointUnknown},
		{"HEAD", "/nope", "", enforce.CodeEndpointUnknown},
		{"GET", "/", "GET /{$}", enforce.CodeAllowed},
		{"GET", "/", "/{$}", enforce.CodeAllowed},
		{"GET", "/admin/secret", "GET /", enforce.CodeEndpointUnknown},
		{"GET", "/admin/secret", "/", enforce.CodeEndpointUnknown},
		{"GET", "/admin/secret", "example.com/", enforce.CodeEndpointUnknown},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.pattern, func(t *testing.T) {
			pattern := tc.pattern
			if pattern == "" {
				_, pattern = mux.Handler(&http.Request{Method: tc.method, URL: &url.URL{Path: tc.path}, Host: "example.com"})
			}
			d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: tc.method, Path: tc.path, Pattern: pattern, Token: tok})
			require.NoError(t, err)
			require.Equal(t, tc.want.String(), d.Code().String(), "pattern %q: %s", pattern, d.Reason())
		})
	}
}

// TestDivisionParamIsReadByPosition: a router's pattern may name the
// parameters otherwise than the table ({id} for {userId}), and the
// endpoint is still found; the division's parameter must then be read
// where the table has it, not by the table's name, which in the router's
// pattern may be another segment or none.
func TestDivisionParamIsReadByPosition(t *testing.T) {
	f := newFixture(t)
	user := ep("GET", "/api/v2/users/{userId}", "users:readonly", viewUsers)
	queue := ep("GET", "/api/v2/users/{userId}/queues/{queueId}", "users:readonly", viewUsers)
	user.Division, queue.Division = "{userId}", "{userId}"
	p, err := enforce.NewPolicy(enforce.Config{Catalog: f.catalog, Endpoints: []enforce.Endpoint{user, queue}})
	require.NoError(t, err)
	f.enforcer.Swap(p)

	mux := http.NewServeMux()
	var got enforce.Decision
	for _, pattern := range []string{"GET /api/v2/users/{id}", "GET /api/v2/users/{queueId}/queues/{userId}"} {
		mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
			var err error
			got, err = f.enforcer.Enforce(ctx, &enforce.Request{Method: r.Method, Path: r.URL.EscapedPath(), Pattern: r.Pattern, Params: r,
				Token: f.token("agent", "users:readonly")})
			require.NoError(t, err)
		})
	}
	for _, tc := range []struct {
		path string
		want enforce.Code
		div  permission.DivisionID
	}{
		{"/api/v2/users/u-home", enforce.CodeAllowed, "home"},
		{"/api/v2/users/u-sales", enforce.CodePermissionMissing, "sales"},
		{"/api/v2/users/u-sales/queues/u-home", enforce.CodePermissionMissing, "sales"},
		{"/api/v2/users/u-home/queues/u-sales", enforce.CodeAllowed, "home"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got = enforce.Decision{}
			mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", tc.path, nil))
			require.Equal(t, tc.want.String(), got.Code().String(), got.Reason())
			require.Equal(t, tc.div, got.Division())
		})
	}
}

// TestPatternWildcardIsAWholeSegment: a segment of a router's pattern is
// a wildcard only when it is exactly "{name}". One that mixes text and
// wildcards ("{id}.{format}", as some routers allow) does not stand for the
// table's parameter: the pattern names no endpoint, and the request is
// denied as unknown rather than judged as another endpoint's.
func TestPatternWildcardIsAWholeSegment(t *testing.T) {
	f := newFixture(t)
	p, err := newPolicy(ep("GET", "/api/v2/users/{userId}", "users:readonly", permission.NoneRequired()))
	require.NoError(t, err)
	f.enforcer.Swap(p)
	tok := f.token("agent", "users:readonly")
	for _, tc := range []struct {
		pattern string
		want    enforce.Code
	}{
		{"GET /api/v2/users/{userId}", enforce.CodeAllowed},
		{"GET /api/v2/users/{id}", enforce.CodeAllowed},
		{"GET /api/v2/users/{id}.{format}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{a}{b}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{id}}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{{id}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/x{id}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{id}x", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{id...}", enforce.CodeEndpointUnknown},
		{"GET /api/v2/users/{$}", enforce.CodeEndpointUnknown},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			for _, params := range []enforce.PathValues{nil, mapParams{"id": "u-home", "userId": "u-home", "a": "u-home"}} {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-home.json", Pattern: tc.pattern, Params: params, Token: tok})
				require.NoError(t, err)
				require.Equal(t, tc.want.String(), d.Code().String(), "params %v: %s", params, d.Reason())
			}
		})
	}
}

// revokedScopes is a ScopeSource that reports the client unauthorized and,
// as a store might, the scopes it was last authorized for.
type revokedScopes struct{}

func (revokedScopes) EffectiveScopes(context.Context, client.OrgID, client.ID) (scope.Set, error) {
	return scope.MustParseSet("users users:readonly"), fmt.Errorf("authorization withdrawn: %w", client.ErrNotAuthorized)
}

// TestLiveScopesWithoutAuthorization: with live scopes, a client the org
// no longer authorizes has no scope left, whatever set the source returns
// next to its error.
func TestLiveScopesWithoutAuthorization(t *testing.T) {
	f := newFixtureWith(t, func(s *enforce.Sources) { s.Scopes = revokedScopes{} })
	for _, path := range []string{"/api/v2/users", "/api/v2/users/me"} {
		d := f.enforce("GET", path, f.token("admin", "users:readonly"))
		require.Equal(t, enforce.CodeScopeMissing.String(), d.Code().String(), d.Reason())
	}
}

// TestEveryRouteFindsItsEndpoint: in a large table, the route of every
// endpoint, as Endpoint.Route writes it and a router reports it, finds
// that endpoint for its own method (and HEAD for GET) and nothing for
// another; the same pattern with other parameter names, with a host or
// without a method finds it too.
func TestEveryRouteFindsItsEndpoint(t *testing.T) {
	eps := benchTable(3000)
	p, err := enforce.NewPolicy(enforce.Config{Catalog: benchCatalog(t), Endpoints: eps})
	require.NoError(t, err)
	f := newFixture(t)
	f.enforcer.Swap(p)
	tok := f.token("agent", "users:readonly")
	renamed := func(path string) string {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = fmt.Sprintf("{p%d}", i)
			}
		}
		return strings.Join(segs, "/")
	}
	for _, e := range eps {
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
			want := ""
			if m == e.Method || m == "HEAD" && e.Method == "GET" {
				want = e.Route()
			}
			for _, pattern := range []string{e.Route(), e.Method + " " + renamed(e.Path), e.Method + " example.com" + e.Path} {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: m, Pattern: pattern, Token: tok})
				require.NoError(t, err)
				require.Equal(t, want, d.Route(), "%s %q", m, pattern)
			}
		}
		d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: e.Method, Pattern: e.Path, Token: tok})
		require.NoError(t, err)
		require.Equal(t, e.Route(), d.Route(), "%s %q", e.Method, e.Path)
	}
}

// mapParams gives path values from a map.
type mapParams map[string]string

func (p mapParams) PathValue(name string) string { return p[name] }
