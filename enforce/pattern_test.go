package enforce_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
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
