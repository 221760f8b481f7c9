package enforce_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// countingResolver counts the lookups of the resolver it wraps.
type countingResolver struct {
	resolver
	calls atomic.Int64
}

func (r *countingResolver) ResolveDivision(ctx context.Context, org client.OrgID, route, param, value string) (permission.DivisionID, error) {
	r.calls.Add(1)
	return r.resolver.ResolveDivision(ctx, org, route, param, value)
}

// answer is what a caller sees of a decision.
type answer struct {
	Code   enforce.Code
	Status int
	Body   string
	WWW    string
}

func answerOf(d enforce.Decision) answer {
	return answer{Code: d.Code(), Status: d.Status(), Body: string(d.ErrorBody()), WWW: d.WWWAuthenticate()}
}

// TestNoScopeNoLookup: a token without an accepted scope learns nothing
// of a resource from the answer: the resource is not looked up (the
// resolver is never called), and the answer is the same, byte for byte,
// for a resource in a division where the caller holds the permission, one
// where it does not, and one that does not exist. The permission counts as
// held only when it is held in all divisions.
func TestNoScopeNoLookup(t *testing.T) {
	res := &countingResolver{resolver: resolver{"u-home": "home", "u-sales": "sales"}}
	f := newFixtureWith(t, func(s *enforce.Sources) { s.Divisions = res })
	tests := []struct {
		name   string
		user   string
		method string
		want   enforce.Code
	}{
		{name: "the permission in Home only", user: "agent", method: "GET", want: enforce.CodeScopeAndPermissionMissing},
		{name: "no permission at all", user: "viewer", method: "GET", want: enforce.CodeScopeAndPermissionMissing},
		{name: "the permission in Sales only", user: "salesAdmin", method: "PATCH", want: enforce.CodeScopeAndPermissionMissing},
		{name: "the permission in all divisions", user: "admin", method: "GET", want: enforce.CodeScopeMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := f.token(tt.user, "conversations:readonly") // no users scope
			var first answer
			for i, path := range []string{"/api/v2/users/u-home", "/api/v2/users/u-sales", "/api/v2/users/u-nobody"} {
				d := f.enforce(tt.method, path, tok)
				got := answerOf(d)
				require.Equal(t, tt.want, got.Code, "%s: %s", path, d.Reason())
				if i == 0 {
					first = got
					continue
				}
				if diff := cmp.Diff(first, got); diff != "" {
					t.Fatalf("%s answers otherwise than /api/v2/users/u-home (-home +%s):\n%s", path, path, diff)
				}
			}
			require.Zero(t, res.calls.Load(), "the resolver was asked")
		})
	}

	// With the scope, the resource is looked up as before.
	d := f.enforce("GET", "/api/v2/users/u-home", f.token("agent", "users:readonly"))
	require.True(t, d.Allowed(), d.Reason())
	require.Equal(t, int64(1), res.calls.Load())
}

// TestRequirementMessageDoesNotLeak: what a caller is told of an ALL
// requirement on an endpoint whose division is the resource's is the
// same whether the resource exists, and wherever it lives, though what
// the caller lacks differs: in Home the agent lacks only the second
// permission, in Sales both, and a resource that does not exist is
// checked in all divisions. The operator's reason tells them apart.
func TestRequirementMessageDoesNotLeak(t *testing.T) {
	f := newFixture(t)
	endpoints, err := enforce.ParseEndpointsJSON([]byte(`{"endpoints": [
		{"name": "moveUser", "method": "POST", "path": "/api/v2/users/{userId}/move", "scopes": ["users:manage"],
		 "permissions": {"all": ["directory:user:view", "directory:user:edit"]}, "division": "{userId}"}]}`))
	require.NoError(t, err)
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(t, err)
	p, err := enforce.NewPolicy(enforce.Config{Catalog: f.catalog, Endpoints: endpoints, Orgs: []enforce.Org{{ID: org, Divisions: divs}}})
	require.NoError(t, err)
	e, err := enforce.New(p, f.sources, enforce.WithClock(f.clock.now))
	require.NoError(t, err)

	tok := f.token("agent", "users:manage") // directory:user:view in Home only
	decide := func(path string) enforce.Decision {
		d, err := e.Enforce(ctx, &enforce.Request{Method: "POST", Path: path, Token: tok})
		require.NoError(t, err)
		require.Equal(t, enforce.CodePermissionMissing, d.Code(), d.Reason())
		return d
	}
	home, sales, nobody := decide("/api/v2/users/u-home/move"), decide("/api/v2/users/u-sales/move"), decide("/api/v2/users/u-nobody/move")
	for name, d := range map[string]enforce.Decision{"Sales": sales, "nowhere": nobody} {
		if diff := cmp.Diff(answerOf(home), answerOf(d)); diff != "" {
			t.Fatalf("a resource in %s answers otherwise than one in Home (-home +other):\n%s", name, diff)
		}
	}
	require.Equal(t, "the user does not hold all of directory:user:view, directory:user:edit. To fix: assign the user a role with directory:user:view and directory:user:edit.", home.Message())
	require.Equal(t, "the user lacks directory:user:edit in division Home", home.Reason())
	require.Contains(t, nobody.Reason(), "no resource matches")
}

// notAuthorized is a ScopeSource for an org that withdrew its
// authorization of every client.
type notAuthorized struct{}

func (notAuthorized) EffectiveScopes(context.Context, client.OrgID, client.ID) (scope.Set, error) {
	return scope.MustParseSet("users:readonly"), client.ErrNotAuthorized
}

// TestReportOnlyRefusesUnauthorizedClients: report-only scope enforcement
// lets a token without an accepted scope through, but never one of a
// client the org no longer authorizes: that is refused as without any
// scope, whatever the source returned with the error, and reported as
// nothing let through.
func TestReportOnlyRefusesUnauthorizedClients(t *testing.T) {
	f := newFixture(t)
	p := f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil)
	src := f.sources
	src.Scopes = notAuthorized{}
	var records []enforce.Record
	e, err := enforce.New(p, src, enforce.WithClock(f.clock.now), enforce.WithHook(func(_ context.Context, r enforce.Record) { records = append(records, r) }))
	require.NoError(t, err)
	for _, tok := range []grant.Token{f.token("admin", "users:readonly"), f.token("admin", "conversations:readonly")} {
		d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
		require.NoError(t, err)
		require.Equal(t, enforce.CodeScopeMissing, d.Code(), d.Reason())
		require.Equal(t, 403, d.Status())
		require.Zero(t, d.Unenforced())
		require.Zero(t, records[len(records)-1].Unenforced)
	}
}
