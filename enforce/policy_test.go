package enforce_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func ep(method, path, scopes string, req permission.Requirement) enforce.Endpoint {
	e := enforce.Endpoint{Method: method, Path: path, Permissions: req}
	if scopes != "" {
		e.Scopes = scope.MustParseSet(scopes).Scopes()
	}
	return e
}

var viewUsers = permission.MustAllOf(permission.MustParse("directory:user:view"))

func newPolicy(endpoints ...enforce.Endpoint) (*enforce.Policy, error) {
	return enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: endpoints})
}

func TestNewPolicyRejects(t *testing.T) {
	ok := ep("GET", "/api/v2/users", "users:readonly", viewUsers)
	tests := []struct {
		name string
		e    enforce.Endpoint
		err  error
	}{
		{name: "lower-case method", e: ep("get", "/api/v2/users", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "no method", e: ep("", "/api/v2/users", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "relative path", e: ep("GET", "api/v2/users", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "trailing slash", e: ep("GET", "/api/v2/users/", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "empty segment", e: ep("GET", "/api//users", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "dot segment", e: ep("GET", "/api/../users", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "mixed segment", e: ep("GET", "/api/v2/users/{id}.json", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "wildcard parameter", e: ep("GET", "/api/v2/{rest...}", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "repeated parameter", e: ep("GET", "/api/{id}/x/{id}", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "escaped text", e: ep("GET", "/api/v2/us%65rs", "users:readonly", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "no scope", e: ep("GET", "/api/v2/users", "", viewUsers), err: enforce.ErrInvalidEndpoint},
		{name: "unknown scope", e: ep("GET", "/api/v2/users", "users:view", viewUsers), err: scope.ErrUnknown},
		{name: "no requirement", e: ep("GET", "/api/v2/users", "users:readonly", permission.Requirement{}), err: enforce.ErrInvalidEndpoint},
		{name: "division names no parameter", e: func() enforce.Endpoint { e := ok; e.Division = "{userId}"; return e }(), err: enforce.ErrInvalidEndpoint},
		{name: "bad division", e: func() enforce.Endpoint { e := ok; e.Division = "userId"; return e }(), err: enforce.ErrInvalidEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newPolicy(ok, tt.e)
			require.Nil(t, p)
			require.ErrorIs(t, err, tt.err)
			var ee *enforce.EndpointError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, 1, ee.Index, "the error names the entry")
			require.Contains(t, err.Error(), "enforce: endpoint 1 (")
			require.NotContains(t, err.Error(), "NoneRequired", "never advise opening an endpoint")
		})
	}
}

func TestNewPolicyReportsEveryProblem(t *testing.T) {
	_, err := newPolicy(
		ep("GET", "/api/v2/users", "users:view", viewUsers),
		ep("GET", "/api/v2/users/{id}", "users:readonly", permission.Requirement{}),
		ep("PUT", "users", "users", viewUsers),
	)
	var indexes []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ee *enforce.EndpointError
		require.ErrorAs(t, e, &ee)
		indexes = append(indexes, ee.Index)
	}
	require.Equal(t, []int{0, 1, 2}, indexes)
	require.ErrorContains(t, err, `did you mean "users:readonly"?`, "an unknown scope gets a suggestion")
}

func TestOverlapAndConflict(t *testing.T) {
	// Templates that overlap, which http.ServeMux refuses, are fine.
	p, err := newPolicy(
		ep("GET", "/api/v2/users/{userId}/roles", "users:readonly", viewUsers),
		ep("GET", "/api/v2/users/rules/{ruleId}", "users:readonly", viewUsers),
		ep("POST", "/api/v2/users/{userId}/roles", "users:manage", viewUsers), // same shape, other method
	)
	require.NoError(t, err)
	e, ok := p.Match("GET", "/api/v2/users/rules/roles")
	require.True(t, ok)
	require.Equal(t, "/api/v2/users/rules/{ruleId}", e.Path)

	// The same method and shape, even with other parameter names, is a
	// conflict.
	_, err = newPolicy(
		ep("GET", "/api/v2/users/{userId}/roles", "users:readonly", viewUsers),
		ep("GET", "/api/v2/users/{id}/roles", "users:readonly", viewUsers),
	)
	require.ErrorIs(t, err, enforce.ErrInvalidEndpoint)
	require.ErrorContains(t, err, "same method and path shape as endpoint 0 (GET /api/v2/users/{userId}/roles)")

	named := ep("GET", "/a", "users:readonly", viewUsers)
	named.Name = "dup"
	other := ep("GET", "/b", "users:readonly", viewUsers)
	other.Name = "dup"
	_, err = newPolicy(named, other)
	require.ErrorContains(t, err, `name "dup" also used by endpoint 0`)
}

func TestNewPolicyConfig(t *testing.T) {
	cat := sample.Catalog()
	_, err := enforce.NewPolicy(enforce.Config{})
	require.ErrorContains(t, err, "no scope catalog")
	p, err := enforce.NewPolicy(enforce.Config{Catalog: cat})
	require.NoError(t, err, "a policy is data: it needs no source to be built")
	require.Empty(t, p.Endpoints())
	_, err = enforce.NewPolicy(enforce.Config{Catalog: cat, Orgs: []enforce.Org{{ID: "a"}, {ID: "a"}}})
	require.ErrorContains(t, err, "listed twice")
}

func TestPolicyAccessors(t *testing.T) {
	users := ep("GET", "/api/v2/users", "users:readonly users", viewUsers)
	users.Name = "getUsers"
	root := ep("GET", "/", "users:readonly", permission.NoneRequired())
	p, err := newPolicy(users, root)
	require.NoError(t, err)
	require.NotNil(t, p.Catalog())
	got := p.Endpoints()
	require.Len(t, got, 2)
	require.Equal(t, "GET /api/v2/users", got[0].Route())
	got[0].Scopes[0] = scope.MustParse("users:manage")
	require.Equal(t, "users", p.Endpoints()[0].Scopes[0].String(), "Endpoints returns copies")
	e, ok := p.Match("GET", "/")
	require.True(t, ok)
	require.Equal(t, "/", e.Path)
	_, ok = p.Match("GET", "/nope")
	require.False(t, ok)
}

func TestParseEndpointsJSON(t *testing.T) {
	good := `{"endpoints":[{"method":"GET","path":"/a","scopes":["users"],"permissions":{"none":true},"user_required":true}]}`
	eps, err := enforce.ParseEndpointsJSON([]byte(good))
	require.NoError(t, err)
	require.Len(t, eps, 1)
	require.True(t, eps[0].UserRequired)
	require.Equal(t, permission.None, eps[0].Permissions.Kind())

	for _, bad := range []struct{ name, in, contains string }{
		{"not JSON", `{`, "reading endpoints JSON"},
		{"unknown field", `{"endpoints":[],"x":1}`, "unknown field"},
		{"no list", `{}`, `no "endpoints" list`},
		{"trailing data", `{"endpoints":[]} []`, "data after"},
		{"bad scope", `{"endpoints":[{"method":"GET","path":"/a","scopes":["users::x"],"permissions":{"none":true}}]}`, "endpoint 0 (GET /a)"},
		{"bad permission", `{"endpoints":[{"method":"GET","path":"/a","scopes":["users"],"permissions":{"all":["x:y"]}}]}`, "endpoint 0 (GET /a)"},
		{"unknown endpoint field", `{"endpoints":[{"method":"GET","path":"/a","scope":["users"]}]}`, "unknown field"},
	} {
		_, err := enforce.ParseEndpointsJSON([]byte(bad.in))
		require.ErrorContains(t, err, bad.contains, bad.name)
	}
	_, err = enforce.ParseEndpointsJSON([]byte(`{"endpoints":[{"method":"GET","path":"/a","scopes":["users::x"],"permissions":{"none":true}}]}`))
	require.True(t, errors.Is(err, scope.ErrColon), "the scope's own error is kept")
}

// TestPrecedenceBacktracks: a static segment beats a parameter at the
// first position where two templates differ, and when the static branch
// dead-ends deeper down, the parameter branches are tried, deepest first.
func TestPrecedenceBacktracks(t *testing.T) {
	var eps []enforce.Endpoint
	for _, path := range []string{"/a/b/c/d", "/a/{p}/c/e", "/a/b/{q}/f", "/a/{p}/{q}/g"} {
		eps = append(eps, ep("GET", path, "users:readonly", viewUsers))
	}
	p, err := newPolicy(eps...)
	require.NoError(t, err)
	for _, tc := range []struct{ path, want string }{
		{"/a/b/c/d", "/a/b/c/d"},
		{"/a/b/c/e", "/a/{p}/c/e"},
		{"/a/b/c/f", "/a/b/{q}/f"},
		{"/a/b/c/g", "/a/{p}/{q}/g"},
		{"/a/b/x/g", "/a/{p}/{q}/g"},
		{"/a/x/c/e", "/a/{p}/c/e"},
		{"/a/b/c/h", ""},
		{"/a/b/c", ""},
		{"/a/b/c/d/e", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			e, ok := p.Match("GET", tc.path)
			require.Equal(t, tc.want != "", ok)
			require.Equal(t, tc.want, e.Path)
		})
	}
}

// TestHeadPatternFallsBackToGet: a HEAD request whose router pattern has
// no method reaches the GET endpoint, even when the table has other HEAD
// endpoints, as a raw HEAD path does.
func TestHeadPatternFallsBackToGet(t *testing.T) {
	f := newFixture(t)
	eps := append(f.policy.Endpoints(), ep("HEAD", "/api/v2/ping", "users:readonly", permission.NoneRequired()))
	p, err := enforce.NewPolicy(enforce.Config{Catalog: f.catalog, Endpoints: eps})
	require.NoError(t, err)
	f.enforcer.Swap(p)
	for _, req := range []enforce.Request{
		{Method: "HEAD", Pattern: "/api/v2/users/me", Path: "/api/v2/users/me"},
		{Method: "HEAD", Path: "/api/v2/users/me"},
	} {
		req.Token = f.token("agent", "users:readonly")
		d, err := f.enforcer.Enforce(ctx, &req)
		require.NoError(t, err)
		require.Equal(t, "GET /api/v2/users/me", d.Route(), "pattern %q", req.Pattern)
	}
}

// TestPolicyRoute: a policy finds an endpoint by its route, whatever the
// route names its parameters, and HEAD finds GET; it also gives the
// endpoint's compiled accepted scopes, so that reviews need no catalog
// compilation of their own.
func TestPolicyRoute(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		route, want string
	}{
		{"GET /api/v2/users/{userId}", "GET /api/v2/users/{userId}"},
		{"GET /api/v2/users/{id}", "GET /api/v2/users/{userId}"},
		{"HEAD /api/v2/users/{id}", "GET /api/v2/users/{userId}"},
		{"GET /api/v2/users/me", "GET /api/v2/users/me"},
		{"POST /api/v2/users/{id}", ""},
		{"get /api/v2/users/me", ""},
		{"GET /api/v2/users/me/", ""},
		{"/api/v2/users/me", ""},
		{"", ""},
	} {
		e, ok := f.policy.Route(tt.route)
		require.Equal(t, tt.want != "", ok, tt.route)
		if ok {
			require.Equal(t, tt.want, e.Route(), tt.route)
			acc, ok := f.policy.Accepted(tt.route)
			require.True(t, ok)
			require.Equal(t, scope.MustParseSet(joinScopes(e.Scopes)), acc.Scopes())
		} else {
			_, ok := f.policy.Accepted(tt.route)
			require.False(t, ok)
		}
	}
}

func joinScopes(ss []scope.Scope) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.String()
	}
	return strings.Join(names, " ")
}
