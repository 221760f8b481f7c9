package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope/sample"
)

// byID resolves each resource to the division its ID starts with:
// home-1 is in home, sales-7 in sales.
type byID struct{}

func (byID) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	for _, d := range []permission.DivisionID{"home", "sales", "support"} {
		if len(value) > len(d) && value[:len(d)] == string(d) && value[len(d)] == '-' {
			return d, nil
		}
	}
	return "", enforce.ErrNoResource
}

// ccRecorder runs an enforcer over the sample table for a
// client-credentials job, and keeps the records its hook receives.
type ccRecorder struct {
	t        *testing.T
	now      time.Time
	enforcer *enforce.Enforcer
	clients  *client.MemStore
	job      client.Client
	records  []enforce.Record
}

func newCCRecorder(t *testing.T, roles []client.RoleAssignment) *ccRecorder {
	t.Helper()
	perms := permission.NewMemStore()
	d, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true},
		permission.Division{ID: "sales", Name: "Sales"}, permission.Division{ID: "support", Name: "Support"})
	require.NoError(t, err)
	require.NoError(t, perms.PutDivisions(org, d))
	for _, r := range esample.Roles() {
		require.NoError(t, perms.PutRole(org, r))
	}
	rec := &ccRecorder{t: t, clients: client.NewMemStore()}
	rec.job = client.Client{ID: client.NewID(), Org: org, Name: "Nightly sync", GrantType: client.ClientCredentials, State: client.Active,
		Roles: roles, TokenLifetime: time.Hour}
	require.NoError(t, rec.clients.CreateClient(context.Background(), rec.job))
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: esample.Endpoints()})
	require.NoError(t, err)
	rec.enforcer, err = enforce.New(policy,
		enforce.Sources{Access: permission.NewCache(client.PermissionStore{Users: perms, Clients: rec.clients}, 0),
			Revocations: grant.NewMemStore(nil), Clients: rec.clients, Divisions: byID{}},
		enforce.WithClock(func() time.Time { return rec.now }),
		enforce.WithHook(func(_ context.Context, r enforce.Record) { rec.records = append(rec.records, r) }))
	require.NoError(t, err)
	return rec
}

// setRoles changes the job's roles.
func (r *ccRecorder) setRoles(roles []client.RoleAssignment) {
	r.t.Helper()
	c, err := r.clients.Client(context.Background(), r.job.ID)
	require.NoError(r.t, err)
	c.Roles = roles
	require.NoError(r.t, r.clients.UpdateClient(context.Background(), c))
}

func (r *ccRecorder) call(at time.Time, method, path string, div permission.DivisionID) enforce.Code {
	r.t.Helper()
	r.now = at
	tok := grant.Token{ID: grant.NewTokenID(), Client: r.job.ID, Org: org, GrantType: client.ClientCredentials,
		IssuedAt: at.Add(-time.Minute), ExpiresAt: at.Add(time.Hour)}
	d, err := r.enforcer.Enforce(context.Background(), &enforce.Request{Method: method, Path: path, Token: tok, Division: div})
	require.NoError(r.t, err)
	return d.Code()
}

type ccCall struct {
	at           time.Time
	method, path string
	div          permission.DivisionID
	want         enforce.Code
}

// The quarterly review of a job's roles: automation, held in all
// divisions, read users in Home and Sales only; the analyst role, held in
// Home and Sales, served org-wide queries only; the chatbot role served
// nothing; and creating users in Sales was refused. Following the advice,
// every call of the quarter passes.
func TestReviewRoleUsageQuarter(t *testing.T) {
	held := []client.RoleAssignment{
		{Role: "automation", AllDivisions: true},
		{Role: "chatbot", Divisions: divs("home")},
		{Role: "analyst", Divisions: divs("home", "sales")},
	}
	rec := newCCRecorder(t, held)
	calls := []ccCall{
		{day(1, 5, 9), "GET", "/api/v2/users", "", enforce.CodeAllowed},
		{day(1, 6, 9), "GET", "/api/v2/users/home-1", "", enforce.CodeAllowed},
		{day(2, 6, 9), "GET", "/api/v2/users/sales-1", "", enforce.CodeAllowed},
		{day(2, 7, 9), "GET", "/api/v2/users/sales-2", "", enforce.CodeAllowed},
		{day(2, 8, 9), "POST", "/api/v2/analytics/conversations/details/query", "", enforce.CodeAllowed},
		{day(3, 8, 9), "POST", "/api/v2/analytics/conversations/details/query", "", enforce.CodeAllowed},
		{day(3, 9, 9), "POST", "/api/v2/users", "sales", enforce.CodePermissionMissing},
		{day(3, 10, 9), "POST", "/api/v2/users", "sales", enforce.CodePermissionMissing},
		{day(3, 11, 9), "GET", "/api/v2/users/me", "", enforce.CodeUserRequired},
	}
	for _, c := range calls {
		require.Equal(t, c.want, rec.call(c.at, c.method, c.path, c.div), "%s %s", c.method, c.path)
	}
	// Another client's records, and a user token's, are not the job's.
	rec.records = append(rec.records,
		enforce.Record{Time: day(2, 1, 0), Allowed: true, Code: enforce.CodeAllowed, Org: org, Client: client.NewID(), GrantType: client.ClientCredentials,
			Route: "GET /api/v2/knowledge/knowledgebases", Endpoint: "getKnowledgeBases"},
		enforce.Record{Time: day(2, 1, 0), Allowed: true, Code: enforce.CodeAllowed, Org: org, Client: rec.job.ID, GrantType: client.AuthorizationCode,
			Route: "GET /api/v2/knowledge/knowledgebases", Endpoint: "getKnowledgeBases"})

	rx := sampleRoles(t)
	q := review.RoleUsageQuery{Client: rec.job.ID, Org: org, Held: held, From: quarterStart, To: day(4, 1, 0)}
	got, err := rx.ReviewUsage(q, rec.records)
	require.NoError(t, err)
	createUser := permission.MustAllOf(permission.MustParse("directory:user:add"))
	want := review.RoleUsageReview{
		Client: rec.job.ID, Org: org, From: quarterStart, To: day(4, 1, 0), Records: 9,
		Used: []review.RoleUse{
			{Role: "analyst", Calls: 2, Routes: []string{"POST /api/v2/analytics/conversations/details/query"}, OrgWide: 2, First: day(2, 8, 9), Last: day(3, 8, 9)},
			{Role: "automation", Calls: 4, Routes: []string{"GET /api/v2/users", "GET /api/v2/users/{userId}"}, Divisions: divs("home", "sales"), OrgWide: 1,
				First: day(1, 5, 9), Last: day(2, 7, 9)},
		},
		Unused: []permission.RoleID{"chatbot"},
		Narrow: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}, {Role: "analyst", Divisions: divs("home")}},
		Denied: []review.RoleDenial{{Route: "POST /api/v2/users", Endpoint: "postUsers", Division: "sales", Count: 2, First: day(3, 9, 9), Last: day(3, 10, 9),
			Requires: createUser, Add: []client.RoleAssignment{{Role: "admin", Divisions: divs("sales")}}}},
		Add: []client.RoleAssignment{{Role: "admin", Divisions: divs("sales")}},
	}
	reqText := cmp.Transformer("requirement", func(r permission.Requirement) string { return r.String() })
	if diff := cmp.Diff(want, got, reqText, cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
		t.Errorf("role usage review (-want +got):\n%s", diff)
	}

	// Follow the advice, and replay the quarter: every call that passed
	// passes, and so does every call refused for want of a permission.
	advised := []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}, {Role: "analyst", Divisions: divs("home")},
		{Role: "admin", Divisions: divs("sales")}}
	rec.setRoles(advised)
	for _, c := range calls {
		code := rec.call(c.at, c.method, c.path, c.div)
		if c.want == enforce.CodeAllowed || c.want == enforce.CodePermissionMissing {
			require.Equal(t, enforce.CodeAllowed, code, "%s %s", c.method, c.path)
		}
	}

	t.Run("roles removed since", func(t *testing.T) {
		got, err := rx.ReviewUsage(review.RoleUsageQuery{Client: rec.job.ID, Held: []client.RoleAssignment{{Role: "chatbot", Divisions: divs("home")}},
			From: quarterStart, To: day(4, 1, 0)}, rec.records[:len(calls)])
		require.NoError(t, err)
		require.Equal(t, []permission.RoleID{"chatbot"}, got.Unused)
		var unserved []string
		for _, u := range got.Unserved {
			unserved = append(unserved, u.Route+" "+string(u.Division))
		}
		require.Equal(t, []string{"GET /api/v2/users/{userId} sales", "POST /api/v2/analytics/conversations/details/query ",
			"GET /api/v2/users ", "GET /api/v2/users/{userId} home"}, unserved)
		require.Equal(t, []client.RoleAssignment{{Role: "admin", Divisions: divs("sales")}, {Role: "analyst", Divisions: divs("home")},
			{Role: "automation", Divisions: divs("home", "sales")}}, got.Add)
	})
	t.Run("granted since", func(t *testing.T) {
		got, err := rx.ReviewUsage(review.RoleUsageQuery{Client: rec.job.ID, Held: advised, From: quarterStart, To: day(4, 1, 0)}, rec.records[:len(calls)])
		require.NoError(t, err)
		require.True(t, got.Denied[0].Served)
		require.Empty(t, got.Add)
	})
}

func TestReviewRoleUsageErrors(t *testing.T) {
	rx := sampleRoles(t)
	id := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	for _, tt := range []struct {
		name string
		q    review.RoleUsageQuery
		err  error
	}{
		{"no client", review.RoleUsageQuery{From: quarterStart, To: day(4, 1, 0)}, review.ErrInvalid},
		{"no period", review.RoleUsageQuery{Client: id}, review.ErrInvalid},
		{"backwards", review.RoleUsageQuery{Client: id, From: day(4, 1, 0), To: quarterStart}, review.ErrInvalid},
		{"unknown role", review.RoleUsageQuery{Client: id, From: quarterStart, To: day(4, 1, 0), Held: []client.RoleAssignment{{Role: "janitor", AllDivisions: true}}}, review.ErrUnknownRole},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rx.ReviewUsage(tt.q, nil)
			require.ErrorIs(t, err, tt.err)
		})
	}
}
