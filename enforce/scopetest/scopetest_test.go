package scopetest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/enforce/scopetest"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

func sampleTable() scopetest.Table {
	return scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()}
}

func role(id string, perms ...string) permission.Role {
	r := permission.Role{ID: permission.RoleID(id), Name: id}
	for _, p := range perms {
		r.Policies = append(r.Policies, permission.MustParse(p))
	}
	return r
}

// codes keeps what a test compares: route and code.
func codes(m scopetest.Matrix) map[string]enforce.Code {
	out := map[string]enforce.Code{}
	for _, r := range m.Rows {
		out[r.Route] = r.Code
	}
	return out
}

// Every profile of the guide may make every call it makes.
func TestSampleProfilesAllowed(t *testing.T) {
	for _, p := range sample.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			want := scopetest.Want{}
			for _, call := range p.Calls {
				want[call] = enforce.CodeAllowed
			}
			m := scopetest.Expect(t, sampleTable(), scopetest.Profile{Name: p.Name, GrantType: p.GrantType, Scopes: p.Scopes,
				Roles: []scopetest.RoleGrant{{Role: sampleRole(p.Role)}}}, want)
			require.Len(t, m.Rows, len(p.Calls))
		})
	}
}

// Each cause a profile can meet, route by route.
func TestMatrix(t *testing.T) {
	viewUsers := role("view-users", "directory:user:view")
	for _, tc := range []struct {
		name    string
		profile scopetest.Profile
		routes  []string
		want    map[string]enforce.Code
	}{
		{
			name: "the guide's scope testing matrix",
			profile: scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("conversations:readonly users:readonly"),
				Roles: []scopetest.RoleGrant{{Role: sampleRole("admin"), AllDivisions: true}}},
			routes: []string{"GET /api/v2/conversations", "GET /api/v2/users", "GET /api/v2/schedules",
				"DELETE /api/v2/conversations/{conversationId}", "DELETE /api/v2/users/{userId}"},
			want: map[string]enforce.Code{
				"GET /api/v2/conversations":                     enforce.CodeAllowed,
				"GET /api/v2/users":                             enforce.CodeAllowed,
				"GET /api/v2/schedules":                         enforce.CodeScopeMissing,
				"DELETE /api/v2/conversations/{conversationId}": enforce.CodeScopeMissing,
				"DELETE /api/v2/users/{userId}":                 enforce.CodeScopeMissing,
			},
		},
		{
			name: "scope, no permission",
			profile: scopetest.Profile{GrantType: client.Implicit, Scopes: scope.MustParseSet("users:readonly"),
				Roles: []scopetest.RoleGrant{{Role: role("nothing-useful", "knowledge:knowledgebase:view")}}},
			routes: []string{"GET /api/v2/users", "GET /api/v2/users/me"},
			want:   map[string]enforce.Code{"GET /api/v2/users": enforce.CodePermissionMissing, "GET /api/v2/users/me": enforce.CodeAllowed},
		},
		{
			name: "permission, no scope",
			profile: scopetest.Profile{GrantType: client.SAML2Bearer, Scopes: scope.MustParseSet("conversations:readonly"),
				Roles: []scopetest.RoleGrant{{Role: viewUsers}}},
			routes: []string{"GET /api/v2/users"},
			want:   map[string]enforce.Code{"GET /api/v2/users": enforce.CodeScopeMissing},
		},
		{
			name:    "neither, and no role at all",
			profile: scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("conversations:readonly")},
			routes:  []string{"GET /api/v2/users", "GET /api/v2/conversations"},
			want:    map[string]enforce.Code{"GET /api/v2/users": enforce.CodeScopeAndPermissionMissing, "GET /api/v2/conversations": enforce.CodePermissionMissing},
		},
		{
			name: "a bare scope implies its readonly form",
			profile: scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("users"),
				Roles: []scopetest.RoleGrant{{Role: viewUsers}}},
			routes: []string{"GET /api/v2/users/{userId}", "POST /api/v2/users"},
			want:   map[string]enforce.Code{"GET /api/v2/users/{userId}": enforce.CodeAllowed, "POST /api/v2/users": enforce.CodePermissionMissing},
		},
		{
			name: "role in Home, resource in Sales",
			profile: scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("users:readonly"),
				Roles: []scopetest.RoleGrant{{Role: viewUsers}}, Division: "sales"},
			routes: []string{"GET /api/v2/users/{userId}", "GET /api/v2/users"},
			// The list is not division-aware: the permission in any division suffices.
			want: map[string]enforce.Code{"GET /api/v2/users/{userId}": enforce.CodePermissionMissing, "GET /api/v2/users": enforce.CodeAllowed},
		},
		{
			name: "role in Sales, resource in Sales",
			profile: scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("users:readonly"),
				Roles: []scopetest.RoleGrant{{Role: viewUsers, Divisions: []permission.DivisionID{"sales"}}}, Division: "sales"},
			routes: []string{"GET /api/v2/users/{userId}"},
			want:   map[string]enforce.Code{"GET /api/v2/users/{userId}": enforce.CodeAllowed},
		},
		{
			name: "client credentials: its own roles, and no user",
			profile: scopetest.Profile{GrantType: client.ClientCredentials,
				Roles: []scopetest.RoleGrant{{Role: sampleRole("automation")}}},
			routes: []string{"GET /api/v2/users", "GET /api/v2/users/me", "POST /api/v2/users"},
			want: map[string]enforce.Code{"GET /api/v2/users": enforce.CodeAllowed, "GET /api/v2/users/me": enforce.CodeUserRequired,
				"POST /api/v2/users": enforce.CodePermissionMissing},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := sampleTable().Matrix(tc.profile, tc.routes...)
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, codes(m)); diff != "" {
				t.Errorf("matrix (-want +got):\n%s", diff)
			}
			for i, r := range m.Rows {
				require.Equal(t, tc.routes[i], r.Route, "rows in the order asked")
				if r.Code == enforce.CodeAllowed {
					require.Equal(t, 200, r.Status)
					require.Empty(t, r.Remedy)
				} else {
					require.NotEmpty(t, r.Reason)
					require.NotEmpty(t, r.Remedy)
				}
			}
		})
	}
}

func TestMatrixWholeTable(t *testing.T) {
	table := sampleTable()
	p := scopetest.Profile{Name: "Reporter", GrantType: client.Implicit, Scopes: scope.MustParseSet("analytics:conversationDetail"),
		Roles: []scopetest.RoleGrant{{Role: sampleRole("analyst")}}}
	m, err := table.Matrix(p)
	require.NoError(t, err)
	require.Len(t, m.Rows, len(table.Endpoints))
	for i, r := range m.Rows {
		require.Equal(t, table.Endpoints[i].Route(), r.Route, "rows in the table's order")
	}
	require.Equal(t, []string{"POST /api/v2/analytics/conversations/details/query"}, m.Allowed())
	row, ok := m.Row("GET /api/v2/users/me")
	require.True(t, ok)
	require.Equal(t, enforce.CodeScopeMissing, row.Code)
	_, ok = m.Row("GET /nowhere")
	require.False(t, ok)
	lines := strings.Split(strings.TrimSuffix(m.String(), "\n"), "\n")
	require.Equal(t, "Reporter", lines[0])
	require.Len(t, lines, 1+len(table.Endpoints))
	require.Contains(t, lines, "  ALLOWED                             POST /api/v2/analytics/conversations/details/query")
}

func TestMatrixString(t *testing.T) {
	m := scopetest.Matrix{Profile: "App", Rows: []scopetest.Row{
		{Route: "GET /a", Code: enforce.CodeAllowed},
		{Route: "POST /a", Code: enforce.CodeScopeMissing},
	}}
	require.Equal(t, "App\n  ALLOWED             GET /a\n  SCOPE_INSUFFICIENT  POST /a\n", m.String())
}

func TestMatrixErrors(t *testing.T) {
	readonly := scope.MustParseSet("users:readonly")
	for _, tc := range []struct {
		name    string
		table   scopetest.Table
		profile scopetest.Profile
		routes  []string
		want    []error
	}{
		{"no grant type", sampleTable(), scopetest.Profile{Scopes: readonly}, nil, []error{scopetest.ErrProfile}},
		{"client credentials with scopes", sampleTable(), scopetest.Profile{GrantType: client.ClientCredentials, Scopes: readonly}, nil,
			[]error{scopetest.ErrProfile}},
		{"user grant without scopes", sampleTable(), scopetest.Profile{GrantType: client.AuthorizationCode}, nil, []error{scopetest.ErrProfile}},
		{"unknown scope", sampleTable(), scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: scope.MustParseSet("users:view")}, nil,
			[]error{scopetest.ErrProfile, scope.ErrUnknown}},
		{"invalid role", sampleTable(), scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: readonly,
			Roles: []scopetest.RoleGrant{{Role: permission.Role{ID: "nameless"}}}}, nil, []error{scopetest.ErrProfile, permission.ErrInvalid}},
		{"unknown route", sampleTable(), scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: readonly},
			[]string{"GET /api/v2/users", "GET /api/v2/users/{id}"}, []error{scopetest.ErrUnknownRoute}},
		{"no catalog", scopetest.Table{Endpoints: sample.Endpoints()}, scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: readonly}, nil,
			[]error{scopetest.ErrTable}},
		{"invalid table", scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: []enforce.Endpoint{{Method: "GET", Path: "users"}}},
			scopetest.Profile{GrantType: client.AuthorizationCode, Scopes: readonly}, nil, []error{scopetest.ErrTable, enforce.ErrInvalidEndpoint}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.table.Matrix(tc.profile, tc.routes...)
			require.Error(t, err)
			for _, want := range tc.want {
				require.ErrorIs(t, err, want)
			}
			require.Empty(t, m.Rows)
		})
	}
}

func TestDiff(t *testing.T) {
	got := scopetest.Matrix{Profile: "App", Rows: []scopetest.Row{
		{Route: "GET /a", Code: enforce.CodeAllowed, Status: 200},
		{Route: "POST /a", Code: enforce.CodeScopeMissing, Status: 403, Reason: "no scope", Remedy: "add it"},
		{Route: "PUT /a", Code: enforce.CodeUserRequired, Status: 403, Reason: "no user"},
	}}
	for _, tc := range []struct {
		name string
		want scopetest.Want
		diff string
	}{
		{"equal", scopetest.Want{"GET /a": enforce.CodeAllowed, "POST /a": enforce.CodeScopeMissing, "PUT /a": enforce.CodeUserRequired}, ""},
		{"denied where allowed was expected",
			scopetest.Want{"GET /a": enforce.CodeAllowed, "POST /a": enforce.CodeAllowed, "PUT /a": enforce.CodeUserRequired},
			"POST /a\n    want ALLOWED\n    got  SCOPE_INSUFFICIENT: no scope\n         to fix: add it\n"},
		{"allowed where denied was expected",
			scopetest.Want{"GET /a": enforce.CodePermissionMissing, "POST /a": enforce.CodeScopeMissing, "PUT /a": enforce.CodeUserRequired},
			"GET /a\n    want PERMISSIONS_INSUFFICIENT\n    got  ALLOWED\n"},
		{"a route the matrix lacks, and routes the expectation lacks",
			scopetest.Want{"GET /a": enforce.CodeAllowed, "DELETE /a": enforce.CodeScopeMissing},
			"POST /a\n    want (not expected: add the route to the expected matrix)\n    got  SCOPE_INSUFFICIENT: no scope\n         to fix: add it\n" +
				"PUT /a\n    want (not expected: add the route to the expected matrix)\n    got  USER_REQUIRED: no user\n" +
				"DELETE /a\n    want SCOPE_INSUFFICIENT\n    got  nothing: the route is not in the endpoint table\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.diff, scopetest.Diff(got, tc.want))
		})
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
}

func TestExpect(t *testing.T) {
	desktop := scopetest.Profile{Name: "Agent Desktop", GrantType: client.AuthorizationCode,
		Scopes: scope.MustParseSet("conversations:readonly users:readonly"), Roles: []scopetest.RoleGrant{{Role: sampleRole("agent")}}}
	for _, tc := range []struct {
		name    string
		profile scopetest.Profile
		want    scopetest.Want
		fatal   bool
		message string // the failure, "" when the expectation holds
	}{
		{name: "holds", profile: desktop, want: scopetest.Want{"GET /api/v2/conversations": enforce.CodeAllowed,
			"POST /api/v2/conversations": enforce.CodeScopeAndPermissionMissing}},
		{name: "drifted", profile: desktop, want: scopetest.Want{"GET /api/v2/conversations": enforce.CodeAllowed,
			"POST /api/v2/conversations/{conversationId}/participants/calls/transfer": enforce.CodeAllowed,
			"GET /api/v2/users/{userId}/presencee":                                    enforce.CodeAllowed},
			message: "scopetest: Agent Desktop: the allow/deny matrix is not the expected one:\n" +
				"POST /api/v2/conversations/{conversationId}/participants/calls/transfer\n" +
				"    want ALLOWED\n" +
				"    got  SCOPE_INSUFFICIENT: the token has none of the scopes POST /api/v2/conversations/{conversationId}/participants/calls/transfer accepts: conversations:call:control\n" +
				"         to fix: add scope conversations:call:control to the OAuth client, have the org authorize it, then re-authenticate\n" +
				"GET /api/v2/users/{userId}/presencee\n" +
				"    want ALLOWED\n" +
				"    got  nothing: the route is not in the endpoint table\n"},
		{name: "nothing to check", profile: desktop, want: scopetest.Want{}, fatal: true,
			message: "scopetest: Agent Desktop: no expected decisions: a check of nothing cannot fail"},
		{name: "invalid profile", profile: scopetest.Profile{Name: "Broken"}, want: scopetest.Want{"GET /api/v2/users": enforce.CodeAllowed}, fatal: true,
			message: "scopetest: invalid profile: Broken: no valid grant type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			scopetest.Expect(rec, sampleTable(), tc.profile, tc.want)
			require.Equal(t, tc.fatal, rec.fatal)
			if tc.message == "" {
				require.Empty(t, rec.errors)
				return
			}
			require.Equal(t, []string{tc.message}, rec.errors)
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	table := sampleTable()
	var wg sync.WaitGroup
	errs := make(chan error, len(sample.Profiles()))
	for _, p := range sample.Profiles() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := table.Matrix(scopetest.Profile{Name: p.Name, GrantType: p.GrantType, Scopes: p.Scopes,
				Roles: []scopetest.RoleGrant{{Role: sampleRole(p.Role)}}}, p.Calls...)
			if err == nil && len(m.Allowed()) != len(p.Calls) {
				err = fmt.Errorf("%s: allowed %v", p.Name, m.Allowed())
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
