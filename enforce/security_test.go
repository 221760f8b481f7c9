package enforce_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
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
