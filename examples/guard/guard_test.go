package guard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

var ctx = context.Background()

func TestColonRoute(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/api/v2/users", "/api/v2/users"},
		{"/api/v2/users/:userId", "/api/v2/users/{userId}"},
		{"/api/v2/users/:id/presence", "/api/v2/users/{id}/presence"},
		{"/a/:x/b/:y", "/a/{x}/b/{y}"},
		{"/files/*filepath", "/files/{filepath...}"},
		{"/files/*", "/files/{...}"},
		{"/files/v:version", "/files/v{version}"},
		{"/users/{userId}", guard.NoRoute}, // plain text to gin and echo
		{"", ""},
		{"/", "/"},
	} {
		require.Equal(t, tc.want, guard.ColonRoute(tc.in), tc.in)
	}
}

func TestBraceRoute(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/api/v2/users", "/api/v2/users"},
		{"/api/v2/users/{userId}", "/api/v2/users/{userId}"},
		{"/api/v2/users/{id:[0-9]+}", "/api/v2/users/{id}"},
		{"/api/v2/users/{id:[0-9]{3}}/roles", "/api/v2/users/{id}/roles"},
		{"/static/*", "/static/{...}"},
		{"/a/{x:[a-z]+", guard.NoRoute},
		{"/a/}{x}", guard.NoRoute},
		{"/v1/things:batchGet", "/v1/things:batchGet"},
		{"/a/{x:[a-z/]+}/b", "/a/{x}/b"},
		// A parameter that is not a whole segment matches no endpoint.
		{"/api/v2/conversations/{id}.{format}", guard.NoRoute},
		{"/api/v2/conversations/{id:[a-z]+}.{format}", guard.NoRoute},
		{"/api/v2/conversations/{id}{format}", guard.NoRoute},
		{"/files/v{version}", guard.NoRoute},
		{"/files/{version}.json", guard.NoRoute},
		{"/files/a*", guard.NoRoute},
		// Nor do names that http.ServeMux reads otherwise, or none.
		{"/{$}", guard.NoRoute},
		{"/files/{path...}", guard.NoRoute},
		{"/files/{}", guard.NoRoute},
		{"/files/{:[0-9]+}", guard.NoRoute},
	} {
		require.Equal(t, tc.want, guard.BraceRoute(tc.in), tc.in)
	}
}

// Translated routes reach the table's endpoints, whatever the parameter
// names, and wildcards reach none.
func TestTranslatedRoutesReachTheTable(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	tok := "Bearer " + f.Token("agent", "users:readonly")
	for _, tc := range []struct{ route, want string }{
		{guard.ColonRoute("/api/v2/users/:id"), "GET /api/v2/users/{userId}"},
		{guard.BraceRoute("/api/v2/users/{id:u-.+}"), "GET /api/v2/users/{userId}"},
		{guard.ColonRoute("/api/v2/users/*rest"), ""},
		{guard.BraceRoute("/api/v2/users/*"), ""},
		{guard.ColonRoute("/api/v2/users/u:id"), ""},
	} {
		o := f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users/u-home", Route: tc.route, Authorization: []string{tok}})
		require.Equal(t, tc.want, o.Route(), tc.route)
		require.Equal(t, tc.want != "", o.Decision().Route() != "")
	}
}

// A nil guard, and one without an enforcer or a verifier, refuse.
func TestMisconfiguredGuardRefuses(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	for _, g := range []*guard.Guard{nil, guard.New(nil, f.Verifier), guard.New(f.Enforcer, nil), {}} {
		o := g.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users", Route: "GET /api/v2/users"})
		require.False(t, o.Allowed())
		require.Equal(t, 500, o.Status())
		require.Equal(t, guard.CodeMisconfigured, o.Code())
		w := httptest.NewRecorder()
		o.WriteHTTP(w)
		require.Equal(t, 500, w.Code)
		require.Equal(t, guard.CodeMisconfigured, adaptertest.DecodeError(t, w.Body.Bytes()).Error.Code)
	}
	var zero guard.Outcome
	require.False(t, zero.Allowed())
	require.Equal(t, 503, zero.Status())
}

// The route is unknown when the framework matched none.
func TestNoRouteIsUnknown(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	tok := "Bearer " + f.Token("agent", "users:readonly")
	for _, route := range []string{"", guard.NoRoute} {
		o := f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users", Route: route, Authorization: []string{tok}})
		require.Equal(t, "ENDPOINT_UNKNOWN", o.Code(), "the path alone never picks an endpoint")
	}
}

// Explain splits what the body says: the reason, and the remedy.
func TestExplainMatchesTheBody(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	for _, auth := range [][]string{nil, {"Basic abc"}, {"Bearer " + f.Token("agent", "conversations:readonly")}} {
		o := f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users", Route: "GET /api/v2/users", Authorization: auth})
		reason, remedy := o.Explain()
		e := adaptertest.DecodeError(t, o.Body())
		require.Equal(t, reason+". To fix: "+remedy+".", e.Error.Message)
		require.Equal(t, o.Code(), e.Error.Code)
		require.Equal(t, o.Status(), e.Error.Status)
	}
}

// recorder is an Observer that keeps what it saw.
type recorder struct{ seen []guard.Observation }

func (r *recorder) Observe(_ context.Context, o guard.Observation) { r.seen = append(r.seen, o) }

// Observers see each outcome, with the table's route, never the path,
// and the time it took.
func TestObservers(t *testing.T) {
	var a, b recorder
	f := adaptertest.New(t, adaptertest.Options{Guard: []guard.Option{guard.WithObserver(&a), guard.WithObserver(nil), guard.WithObserver(&b)}})
	claims := f.Claims("agent", "users:readonly")
	tok := "Bearer " + f.Sign(claims)
	f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users/u-home", Route: "/api/v2/users/{id}", Authorization: []string{tok},
		Params: params{"id": "u-home"}})
	f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/nothing/123", Route: guard.NoRoute})
	f.Guard.RouteMissing(ctx, &guard.Request{Method: "GET", Path: "/x"}, "wire it right")

	require.Len(t, a.seen, 3)
	require.Positive(t, a.seen[0].Elapsed)
	require.Positive(t, a.seen[1].Elapsed)
	for i := range a.seen {
		a.seen[i].Elapsed = 0
	}
	want := []guard.Observation{
		{Route: "GET /api/v2/users/{userId}", Code: "ALLOWED", Status: 200, Allowed: true, Org: adaptertest.Org, Client: f.App.ID,
			GrantType: client.AuthorizationCode, Scope: scope.MustParse("users:readonly")},
		{Code: "TOKEN_MISSING", Status: 401},
		{Code: guard.CodeRouteMissing, Status: 500},
	}
	if diff := cmp.Diff(want, a.seen, cmp.Comparer(func(x, y scope.Scope) bool { return x == y }),
		cmp.Comparer(func(x, y client.ID) bool { return x == y })); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
	require.Len(t, b.seen, 3, "every observer sees every outcome")
}

type params map[string]string

func (p params) PathValue(name string) string { return p[name] }

// The outcome's context carries the decision and the token, for handlers.
func TestContext(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	o := f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users", Route: "GET /api/v2/users",
		Authorization: []string{"Bearer " + f.Token("agent", "users:readonly")}})
	require.True(t, o.Allowed())
	c := o.Context(ctx)
	d, ok := guard.DecisionFrom(c)
	require.True(t, ok)
	require.Equal(t, "GET /api/v2/users", d.Route())
	tok, ok := guard.TokenFrom(c)
	require.True(t, ok)
	require.Equal(t, "agent", tok.User)
	_, ok = guard.DecisionFrom(ctx)
	require.False(t, ok)
	_, ok = guard.TokenFrom(ctx)
	require.False(t, ok)

	w := httptest.NewRecorder()
	o.WriteHTTP(w)
	require.Equal(t, 200, w.Code)
	require.Empty(t, w.Body.String(), "an allowed outcome writes nothing")
}

// A store that fails: 503, logged without the token.
func TestUndecidableIsLogged(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{Access: failingAccess{}})
	tok := f.Token("agent", "users:readonly")
	o := f.Guard.Check(ctx, &guard.Request{Method: "GET", Path: "/api/v2/users", Route: "GET /api/v2/users", Authorization: []string{"Bearer " + tok}})
	require.Equal(t, 503, o.Status())
	require.Error(t, o.Err())
	require.Contains(t, f.Logs.String(), "connection refused")
	require.NotContains(t, f.Logs.String(), tok)
	require.False(t, strings.Contains(string(o.Body()), "connection refused"), "the caller is not told why")
}

func BenchmarkCheck(b *testing.B) {
	var rec countObserver
	for _, bc := range []struct {
		name string
		opts []guard.Option
	}{
		{"no observer", nil},
		{"observer", []guard.Option{guard.WithObserver(&rec)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := adaptertest.New(b, adaptertest.Options{Guard: bc.opts})
			req := &guard.Request{Method: "GET", Path: "/api/v2/users", Route: "GET /api/v2/users",
				Authorization: []string{"Bearer " + f.Token("agent", "users:readonly")}}
			b.ReportAllocs()
			for b.Loop() {
				if o := f.Guard.Check(ctx, req); !o.Allowed() {
					b.Fatal(o.Code())
				}
			}
		})
	}
}

type countObserver struct{ n time.Duration }

func (c *countObserver) Observe(_ context.Context, o guard.Observation) { c.n += o.Elapsed }

// failingAccess is an AccessSource whose store is down.
type failingAccess struct{}

func (failingAccess) Access(context.Context, permission.OrgID, permission.Subject) (*permission.Access, error) {
	return nil, errors.New("permission store: connection refused")
}

// A token the verifier refused (expired, not yet valid: refusals that
// come with the claims read) gives its claims to no one: not the
// outcome, so not the handler, and not the observers.
func TestRefusedTokenClaimsReachNoOne(t *testing.T) {
	var obs recorder
	f := adaptertest.New(t, adaptertest.Options{Guard: []guard.Option{guard.WithObserver(&obs)}})
	tokens := make(chan grant.Token, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := f.Guard.Check(r.Context(), &guard.Request{Method: r.Method, Path: r.URL.Path, Route: "GET /api/v2/users",
			Authorization: r.Header.Values("Authorization")})
		tokens <- o.Token()
		if o.Allowed() {
			adaptertest.WriteHandled(w, o.Context(r.Context()))
			return
		}
		o.WriteHTTP(w)
	}))
	defer srv.Close()

	expired := f.Claims("agent", "users:readonly")
	expired.IssuedAt, expired.ExpiresAt = adaptertest.Now.Add(-2*time.Hour), adaptertest.Now.Add(-time.Hour)
	early := f.Claims("agent", "users:readonly")
	early.IssuedAt, early.ExpiresAt = adaptertest.Now.Add(time.Hour), adaptertest.Now.Add(2*time.Hour)
	for _, tc := range []struct {
		name   string
		claims grant.Token
		code   string
	}{
		{"expired", expired, "TOKEN_EXPIRED"},
		{"not yet valid", early, "TOKEN_INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs.seen = nil
			_, err := f.JWT.VerifyToken(ctx, f.Sign(tc.claims))
			require.Error(t, err)
			req, err := http.NewRequest("GET", srv.URL+"/api/v2/users", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+f.Sign(tc.claims))
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, 401, resp.StatusCode)

			require.Zero(t, <-tokens, "the outcome holds no refused claims")
			require.Len(t, obs.seen, 1)
			require.Equal(t, tc.code, obs.seen[0].Code)
			require.Empty(t, obs.seen[0].Org, "the observers see no refused claims")
			require.Empty(t, obs.seen[0].Client.String(), "the observers see no refused claims")
			require.Empty(t, obs.seen[0].GrantType, "the observers see no refused claims")
		})
	}
}
