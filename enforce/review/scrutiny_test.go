package review_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// An app asks for more than an agent desktop needs, and declares no
// calls: the summary shows what each scope reaches, the admin-grade
// endpoints, the bare scope with a read-only form, and the scope another
// one implies.
func TestScrutinizeWithoutCalls(t *testing.T) {
	ix := sampleIndex(t)
	got, err := ix.Scrutinize(review.AppRequest{Application: "Desk Pro", Scopes: scope.MustParseSet("users users:readonly oauth:client:manage conversations:readonly")})
	require.NoError(t, err)
	oauth := []string{"GET /api/v2/oauth/clients", "POST /api/v2/oauth/clients"}
	want := review.Scrutiny{
		Application: "Desk Pro",
		Requested:   scope.MustParseSet("conversations:readonly oauth:client:manage users users:readonly"),
		Reach:       review.Breadth{Writes: 5, Endpoints: 12, Grants: 5},
		Admin:       oauth,
		Scopes: []review.ScopeRisk{
			{Scope: scope.MustParse("conversations:readonly"), Description: "View conversations", Reach: review.Breadth{Endpoints: 3, Grants: 1}},
			{Scope: scope.MustParse("oauth:client:manage"), Description: "Create and edit OAuth clients", Reach: review.Breadth{Writes: 1, Endpoints: 2, Grants: 2}, Admin: oauth},
			{Scope: scope.MustParse("users"), Description: "Read and write users", Reach: review.Breadth{Writes: 4, Endpoints: 7, Grants: 2}, ReadOnly: scope.MustParse("users:readonly")},
			{Scope: scope.MustParse("users:readonly"), Description: "Read user information", Reach: review.Breadth{Endpoints: 3, Grants: 1}, ImpliedBy: []scope.Scope{scope.MustParse("users")}},
		},
		Findings: []review.Finding{
			{Kind: review.KindRedundant, Scope: scope.MustParse("users:readonly"), Instead: []scope.Scope{scope.MustParse("users")},
				Reason: "users, which the app also requests, implies it: the app asks for the broader scope and the narrower one"},
			{Kind: review.KindAdmin, Scope: scope.MustParse("oauth:client:manage"), Routes: oauth,
				Reason: "unlocks 2 admin-grade endpoints, on who may do what or on the org itself: GET /api/v2/oauth/clients, POST /api/v2/oauth/clients"},
			{Kind: review.KindBare, Scope: scope.MustParse("users"), Instead: []scope.Scope{scope.MustParse("users:readonly")},
				Reason: "a bare read-write scope: it unlocks 7 endpoints, 4 of which write, and whatever the API adds to users later; users:readonly unlocks 3 endpoints, none that writes, if the app only reads"},
		},
	}
	if diff := cmp.Diff(want, got, setText, scopeText); diff != "" {
		t.Errorf("scrutiny (-want +got):\n%s", diff)
	}
	require.Equal(t, "Desk Pro requests 4 scopes, which unlock 12 endpoints, 5 of which write, 2 admin-grade; 3 findings: redundant users:readonly, admin oauth:client:manage, bare users", got.Summary())
	require.Equal(t, `Desk Pro requests 4 scopes, which unlock 12 endpoints, 5 of which write, 2 admin-grade; 3 findings: redundant users:readonly, admin oauth:client:manage, bare users

SCOPE                   UNLOCKS                         ADMIN-GRADE  DESCRIPTION
conversations:readonly  3 endpoints, none that writes   0            View conversations
oauth:client:manage     2 endpoints, 1 of which writes  2            Create and edit OAuth clients
users                   7 endpoints, 4 of which write   0            Read and write users
users:readonly          3 endpoints, none that writes   0            Read user information

redundant  users:readonly: users, which the app also requests, implies it: the app asks for the broader scope and the narrower one
admin      oauth:client:manage: unlocks 2 admin-grade endpoints, on who may do what or on the org itself: GET /api/v2/oauth/clients, POST /api/v2/oauth/clients
bare       users: a bare read-write scope: it unlocks 7 endpoints, 4 of which write, and whatever the API adds to users later; users:readonly unlocks 3 endpoints, none that writes, if the app only reads

The vendor declares no calls: ask which endpoints the app calls to tell the scopes it needs from the others.
`, got.Text())
}

// With the calls declared, the review against them says which scopes no
// call needs and which are broader than needed; a scope it advises to
// remove is not flagged again as bare or implied, and admin-grade reach
// is always shown.
func TestScrutinizeWithCalls(t *testing.T) {
	ix := sampleIndex(t)
	got, err := ix.Scrutinize(review.AppRequest{Application: "Desk Pro",
		Scopes: scope.MustParseSet("users users:readonly oauth:client:manage conversations:readonly conversations:call:control presence:manage"), Calls: agentDesktopCalls})
	require.NoError(t, err)
	require.True(t, got.Declared)
	require.NotNil(t, got.Review)
	require.Equal(t, "conversations:call:control conversations:readonly presence:manage users:readonly", got.Review.Recommended.String())
	type finding struct{ Kind, Scope string }
	var kinds []finding
	for _, f := range got.Findings {
		kinds = append(kinds, finding{f.Kind.String(), f.Scope.String()})
	}
	require.Equal(t, []finding{{"unneeded", "oauth:client:manage"}, {"broader", "users"}, {"admin", "oauth:client:manage"}}, kinds)
	require.NotContains(t, got.Text(), "declares no calls")

	missing, err := ix.Scrutinize(review.AppRequest{Scopes: scope.MustParseSet("users:readonly"), Calls: []string{"getUsersMe", "POST /api/v2/users"}})
	require.NoError(t, err)
	require.Equal(t, "the app requests 1 scope, which unlocks 3 endpoints, none that writes, 0 admin-grade; 2 findings: replaced users:readonly, missing users:manage", missing.Summary())
}

// The guide's scope combinations, with their own calls, raise nothing.
func TestScrutinizeProfilesAreClean(t *testing.T) {
	ix := sampleIndex(t)
	for _, p := range esample.Profiles() {
		if p.Scopes.IsEmpty() {
			continue
		}
		got, err := ix.Scrutinize(review.AppRequest{Application: p.Name, Scopes: p.Scopes, Calls: p.Calls})
		require.NoError(t, err, p.Name)
		require.Empty(t, got.Findings, p.Name)
		require.Contains(t, got.Summary(), "no findings")
	}
}

func TestScrutinizeErrors(t *testing.T) {
	ix := sampleIndex(t)
	_, err := ix.Scrutinize(review.AppRequest{Application: "Nightly job"})
	require.ErrorIs(t, err, review.ErrInvalid)
	require.ErrorContains(t, err, "a client-credentials app's reach is its roles")
	_, err = ix.Scrutinize(review.AppRequest{Scopes: scope.MustParseSet("users:frobnicate")})
	require.ErrorIs(t, err, scope.ErrUnknown)
	_, err = ix.Scrutinize(review.AppRequest{Scopes: scope.MustParseSet("users:readonly"), Calls: []string{"getUserMe"}})
	var ce *review.CallError
	require.ErrorAs(t, err, &ce)
}

func TestDefaultAdminGrade(t *testing.T) {
	none := permission.NoneRequired()
	for _, tt := range []struct {
		name string
		ep   enforce.Endpoint
		want bool
	}{
		{"roles, by permission", enforce.Endpoint{Method: "PUT", Path: "/api/v2/users/{userId}/roles", Permissions: permission.MustAllOf(permission.MustParse("authorization:grant:add"))}, true},
		{"oauth clients, by permission", enforce.Endpoint{Method: "GET", Path: "/x", Permissions: permission.MustAllOf(permission.MustParse("oauth:client:view"))}, true},
		{"org settings, by permission", enforce.Endpoint{Method: "GET", Path: "/x", Permissions: permission.MustAnyOf(permission.MustParse("routing:queue:view"), permission.MustParse("admin:organization:view"))}, true},
		{"the organization entity", enforce.Endpoint{Method: "GET", Path: "/x", Permissions: permission.MustAllOf(permission.MustParse("directory:organization:admin"))}, true},
		{"organizations, by path", enforce.Endpoint{Method: "GET", Path: "/api/v2/organizations/me", Permissions: none}, true},
		{"authorization, by path", enforce.Endpoint{Method: "GET", Path: "/api/v2/authorization/roles", Permissions: none}, true},
		{"users", enforce.Endpoint{Method: "POST", Path: "/api/v2/users", Permissions: permission.MustAllOf(permission.MustParse("directory:user:add"))}, false},
		{"a parameter is not a segment name", enforce.Endpoint{Method: "GET", Path: "/api/v2/things/{oauth}", Permissions: none}, false},
	} {
		require.Equal(t, tt.want, review.DefaultAdminGrade(tt.ep), tt.name)
	}
}

// WithAdminGrade replaces the default rule.
func TestWithAdminGrade(t *testing.T) {
	ix := sampleIndex(t, review.WithAdminGrade(func(e enforce.Endpoint) bool { return e.Path == "/api/v2/users" }), review.WithAdminGrade(nil))
	got, err := ix.Scrutinize(review.AppRequest{Scopes: scope.MustParseSet("users:readonly oauth:client:manage")})
	require.NoError(t, err)
	require.Equal(t, []string{"GET /api/v2/users"}, got.Admin)
}
