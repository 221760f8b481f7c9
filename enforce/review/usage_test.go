package review_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

const (
	org       client.OrgID = "org-1"
	otherOrg  client.OrgID = "org-2"
	openOrg   client.OrgID = "org-open" // scope enforcement off
	rollOrg   client.OrgID = "org-roll" // scope enforcement report-only
	agentUser              = "agent"
)

var quarterStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// allHome puts every resource in the Home division.
type allHome struct{}

func (allHome) ResolveDivision(context.Context, client.OrgID, string, string, string) (permission.DivisionID, error) {
	return "home", nil
}

// recorder runs an enforcer over the sample table and keeps the records
// its hook receives: the usage log a quarterly review reads.
type recorder struct {
	t        *testing.T
	now      time.Time
	enforcer *enforce.Enforcer
	clients  *client.MemStore
	records  []enforce.Record
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	perms := permission.NewMemStore()
	home, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	for _, o := range []client.OrgID{org, otherOrg, openOrg, rollOrg} {
		require.NoError(t, perms.PutDivisions(o, home))
		for _, r := range esample.Roles() {
			require.NoError(t, perms.PutRole(o, r))
		}
		require.NoError(t, perms.AddGrant(o, permission.Grant{Subject: permission.User(agentUser), Role: "agent", AllDivisions: true}))
	}
	rec := &recorder{t: t, clients: client.NewMemStore()}
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog:   sample.Catalog(),
		Endpoints: esample.Endpoints(),
		Orgs:      []enforce.Org{{ID: openOrg, DisableScopeEnforcement: true}, {ID: rollOrg, ScopeReportOnly: true}},
	})
	require.NoError(t, err)
	rec.enforcer, err = enforce.New(policy,
		enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: rec.clients, Divisions: allHome{}},
		enforce.WithClock(func() time.Time { return rec.now }),
		enforce.WithHook(func(_ context.Context, r enforce.Record) { rec.records = append(rec.records, r) }))
	require.NoError(t, err)
	return rec
}

// client registers an authorization-code app with scopes.
func (r *recorder) client(name string, o client.OrgID, scopes string) client.Client {
	r.t.Helper()
	c := client.Client{ID: client.NewID(), Org: o, Name: name, GrantType: client.AuthorizationCode, State: client.Active,
		Scopes: scope.MustParseSet(scopes), RedirectURIs: []string{"https://app.example.com/cb"}, TokenLifetime: time.Hour}
	require.NoError(r.t, r.clients.CreateClient(context.Background(), c))
	return c
}

// call makes a request at the given day and hour with a token of c that
// carries scopes, and returns the decision's code.
func (r *recorder) call(at time.Time, c client.Client, o client.OrgID, scopes, method, path string) enforce.Code {
	r.t.Helper()
	r.now = at
	tok := grant.Token{ID: grant.NewTokenID(), Client: c.ID, Org: o, GrantType: client.AuthorizationCode, User: agentUser,
		Scopes: scope.MustParseSet(scopes), IssuedAt: at.Add(-time.Minute), ExpiresAt: at.Add(time.Hour)}
	d, err := r.enforcer.Enforce(context.Background(), &enforce.Request{Method: method, Path: path, Token: tok})
	require.NoError(r.t, err)
	return d.Code()
}

func day(month time.Month, d, hour int) time.Time {
	return time.Date(2026, month, d, hour, 0, 0, 0, time.UTC)
}

// The guide's quarterly review of an agent desktop: it holds
// conversations:call:add and recordings:view but never used them; it was
// refused transcripts, which it lacks the scope for; and some of its users
// still had tokens from before presence:manage was added.
func TestReviewUsageQuarter(t *testing.T) {
	rec := newRecorder(t)
	const held = "conversations:readonly conversations:call:control conversations:call:add users:readonly presence:manage recordings:view"
	desktop := rec.client("Agent Desktop", org, held)
	other := rec.client("Salesforce Sync", org, "users:readonly")
	const oldToken = "conversations:readonly conversations:call:control users:readonly" // before presence:manage

	for _, c := range []struct {
		at           time.Time
		scopes       string
		method, path string
		want         enforce.Code
	}{
		{day(1, 5, 9), held, "GET", "/api/v2/conversations", enforce.CodeAllowed},
		{day(1, 5, 9), held, "GET", "/api/v2/users/me", enforce.CodeAllowed},
		{day(1, 20, 14), held, "POST", "/api/v2/conversations/c-1/participants/calls/transfer", enforce.CodeAllowed},
		{day(2, 3, 10), held, "PATCH", "/api/v2/users/u-1/presence", enforce.CodeAllowed},
		{day(2, 3, 11), oldToken, "PATCH", "/api/v2/users/u-1/presence", enforce.CodeScopeMissing},
		{day(2, 4, 11), oldToken, "PATCH", "/api/v2/users/u-2/presence", enforce.CodeScopeMissing},
		{day(2, 10, 16), held, "GET", "/api/v2/conversations/c-2/transcripts", enforce.CodeScopeMissing},
		{day(2, 11, 16), held, "GET", "/api/v2/conversations/c-2/recordings/r-1/media", enforce.CodeScopeAndPermissionMissing},
		{day(3, 2, 8), held, "GET", "/api/v2/users/{nope}", enforce.CodeEndpointUnknown},
		{day(3, 30, 17), held, "GET", "/api/v2/conversations/c-3", enforce.CodeAllowed},
		// Outside the quarter.
		{day(4, 1, 0), held, "GET", "/api/v2/conversations/c-3/recordings", enforce.CodeAllowed},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), held, "POST", "/api/v2/conversations/calls", enforce.CodePermissionMissing},
	} {
		require.Equal(t, c.want, rec.call(c.at, desktop, org, c.scopes, c.method, c.path), "%s %s", c.method, c.path)
	}
	// Another client's calls are not the desktop's.
	require.Equal(t, enforce.CodeScopeMissing, rec.call(day(2, 1, 9), other, org, "users:readonly", "GET", "/api/v2/conversations"))

	ix := sampleIndex(t)
	got, err := ix.ReviewUsage(review.UsageQuery{Client: desktop.ID, Org: org, Held: scope.MustParseSet(held), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	want := review.UsageReview{
		Client: desktop.ID, Org: org, From: quarterStart, To: day(4, 1, 0),
		Records: 10,
		Used: []review.ScopeUse{
			{Scope: scope.MustParse("conversations:call:control"), Held: true, Calls: 1,
				Routes: []string{"POST /api/v2/conversations/{conversationId}/participants/calls/transfer"}, First: day(1, 20, 14), Last: day(1, 20, 14)},
			{Scope: scope.MustParse("conversations:readonly"), Held: true, Calls: 2,
				Routes: []string{"GET /api/v2/conversations", "GET /api/v2/conversations/{conversationId}"}, First: day(1, 5, 9), Last: day(3, 30, 17)},
			{Scope: scope.MustParse("presence:manage"), Held: true, Calls: 1,
				Routes: []string{"PATCH /api/v2/users/{userId}/presence"}, First: day(2, 3, 10), Last: day(2, 3, 10)},
			{Scope: scope.MustParse("users:readonly"), Held: true, Calls: 1,
				Routes: []string{"GET /api/v2/users/me"}, First: day(1, 5, 9), Last: day(1, 5, 9)},
		},
		Unused: scope.MustParseSet("conversations:call:add recordings:view"),
		Denied: []review.Denial{
			{Route: "PATCH /api/v2/users/{userId}/presence", Endpoint: "patchUserPresence", Count: 2, First: day(2, 3, 11), Last: day(2, 4, 11),
				Accepts: scope.MustParseSet("presence:manage"), Add: scope.MustParse("presence:manage"), Reauthenticate: true},
			{Route: "GET /api/v2/conversations/{conversationId}/recordings/{recordingId}/media", Endpoint: "getRecordingMedia", Count: 1, First: day(2, 11, 16), Last: day(2, 11, 16),
				Accepts: scope.MustParseSet("recordings:download"), Add: scope.MustParse("recordings:download")},
			{Route: "GET /api/v2/conversations/{conversationId}/transcripts", Endpoint: "getTranscripts", Count: 1, First: day(2, 10, 16), Last: day(2, 10, 16),
				Accepts: scope.MustParseSet("transcripts:readonly"), Add: scope.MustParse("transcripts:readonly")},
		},
		Add: scope.MustParseSet("recordings:download transcripts:readonly"),
	}
	if diff := cmp.Diff(want, got, setText, scopeText, cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
		t.Errorf("usage review (-want +got):\n%s", diff)
	}

	t.Run("the other client", func(t *testing.T) {
		got, err := ix.ReviewUsage(review.UsageQuery{Client: other.ID, Held: other.Scopes, From: quarterStart, To: day(4, 1, 0)}, rec.records)
		require.NoError(t, err)
		require.Equal(t, 1, got.Records)
		require.Equal(t, "users:readonly", got.Unused.String())
		require.Equal(t, "conversations:readonly", got.Add.String())
	})
	t.Run("a shorter period", func(t *testing.T) {
		got, err := ix.ReviewUsage(review.UsageQuery{Client: desktop.ID, Held: scope.MustParseSet(held), From: day(3, 1, 0), To: day(4, 1, 0)}, rec.records)
		require.NoError(t, err)
		require.Equal(t, 2, got.Records)
		require.Equal(t, "conversations:call:add conversations:call:control presence:manage recordings:view users:readonly", got.Unused.String())
		require.Empty(t, got.Denied)
		require.True(t, got.Add.IsEmpty())
	})
}

// Allowed calls in an org with scope enforcement off name no scope: the
// review counts them as unattributed, since their scopes are unknown.
// Records from another org are left out when the query names one, and
// routes the table does not have are listed as stale.
func TestReviewUsageOrgsAndStaleRecords(t *testing.T) {
	rec := newRecorder(t)
	open := rec.client("Agent Desktop", openOrg, "users:readonly")
	require.Equal(t, enforce.CodeAllowed, rec.call(day(2, 1, 9), open, openOrg, "users:readonly", "GET", "/api/v2/conversations"))
	require.Equal(t, enforce.CodeAllowed, rec.call(day(2, 1, 10), open, otherOrg, "users:readonly", "GET", "/api/v2/users/me"))
	records := append(rec.records,
		enforce.Record{Time: day(2, 2, 9), Allowed: true, Status: 200, Code: enforce.CodeAllowed, Org: openOrg, Client: open.ID,
			Method: "GET", Route: "GET /api/v2/legacy/users", Scope: scope.MustParse("users:readonly")},
		enforce.Record{Time: day(2, 2, 9), Status: 403, Code: enforce.CodeScopeMissing, Org: openOrg, Client: open.ID,
			Method: "GET", Route: "GET /api/v2/legacy/groups"})

	ix := sampleIndex(t)
	got, err := ix.ReviewUsage(review.UsageQuery{Client: open.ID, Org: openOrg, Held: open.Scopes, From: quarterStart, To: day(4, 1, 0)}, records)
	require.NoError(t, err)
	require.Equal(t, 3, got.Records)
	require.Equal(t, 1, got.Unattributed)
	require.Equal(t, []string{"GET /api/v2/legacy/groups", "GET /api/v2/legacy/users"}, got.Stale)
	require.True(t, got.Unused.IsEmpty(), got.Unused.String())
	require.Equal(t, []review.Denial{{Route: "GET /api/v2/legacy/groups", Count: 1, First: day(2, 2, 9), Last: day(2, 2, 9)}}, got.Denied)
	require.True(t, got.Add.IsEmpty())

	all, err := ix.ReviewUsage(review.UsageQuery{Client: open.ID, Held: open.Scopes, From: quarterStart, To: day(4, 1, 0)}, records)
	require.NoError(t, err)
	require.Equal(t, 4, all.Records)
}

// A call refused for want of a permission still used its scope: removing
// the scope would not fix it, and the scope stays.
func TestReviewUsagePermissionDenialUsesTheScope(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client("Dialer", org, "conversations:call:add")
	require.Equal(t, enforce.CodePermissionMissing, rec.call(day(2, 1, 9), c, org, "conversations:call:add", "POST", "/api/v2/conversations/calls"))
	got, err := sampleIndex(t).ReviewUsage(review.UsageQuery{Client: c.ID, Held: c.Scopes, From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	require.True(t, got.Unused.IsEmpty())
	require.Len(t, got.Used, 1)
	require.Equal(t, 1, got.Used[0].Calls)
	require.Empty(t, got.Denied)
}

// A token with users:manage and users:readonly reads users: the enforcer
// names the narrower users:readonly. A token from before users:readonly
// was added names users:manage, though users:readonly, held now, serves
// the call: the review credits the narrowest held scope, so that the one
// it calls unused, and to remove, is the broader; as the scope review
// says. So does a token with users, which the client no longer holds.
func TestReviewUsageCreditsTheNarrowestHeldScope(t *testing.T) {
	rec := newRecorder(t)
	const held = "users:manage users:readonly"
	c := rec.client("Dashboard", org, held)
	require.Equal(t, enforce.CodeAllowed, rec.call(day(1, 5, 9), c, org, held, "GET", "/api/v2/users/me"))
	require.Equal(t, "users:readonly", rec.records[0].Scope.String(), "the enforcer names the narrowest scope that served")
	// A token from before users:readonly was added names users:manage
	// too: users:readonly serves the call now, so it is credited.
	require.Equal(t, enforce.CodeAllowed, rec.call(day(1, 6, 9), c, org, "users:manage", "GET", "/api/v2/users/me"))
	// A scope the client no longer holds: the narrowest held scope that
	// serves the call is credited.
	require.Equal(t, enforce.CodeAllowed, rec.call(day(1, 7, 9), c, org, "users", "GET", "/api/v2/users/me"))
	require.Equal(t, "users", rec.records[2].Scope.String())

	ix := sampleIndex(t)
	got, err := ix.ReviewUsage(review.UsageQuery{Client: c.ID, Held: scope.MustParseSet(held), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	require.Equal(t, "users:manage", got.Unused.String())
	var used []string
	for _, u := range got.Used {
		used = append(used, fmt.Sprintf("%s held=%t calls=%d", u.Scope, u.Held, u.Calls))
	}
	require.Equal(t, []string{"users:readonly held=true calls=3"}, used)

	sr, err := ix.ReviewScopes(scope.MustParseSet(held), []string{"GET /api/v2/users/me"})
	require.NoError(t, err)
	require.Equal(t, got.Unused.String(), sr.Remove.String(), "the two reviews agree")

	// Held alone, users:manage is what the calls used.
	got, err = ix.ReviewUsage(review.UsageQuery{Client: c.ID, Held: scope.MustParseSet("users:manage"), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	require.True(t, got.Unused.IsEmpty(), got.Unused.String())
}

// Issue 11: a client held users:readonly and read GET /api/v2/users/me;
// its scope was then changed to users:manage. The record names
// users:readonly, which the client no longer holds: the call is credited
// to users:manage, which serves it now, so the review does not call it
// unused and advise removing it, which would refuse the call.
func TestReviewUsageDoesNotRemoveTheOnlyScopeThatServesACall(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client("Dashboard", org, "users:readonly")
	require.Equal(t, enforce.CodeAllowed, rec.call(day(1, 5, 9), c, org, "users:readonly", "GET", "/api/v2/users/me"))
	require.Equal(t, "users:readonly", rec.records[0].Scope.String())

	ix := sampleIndex(t)
	got, err := ix.ReviewUsage(review.UsageQuery{Client: c.ID, Org: org, Held: scope.MustParseSet("users:manage"), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	want := review.UsageReview{
		Client: c.ID, Org: org, From: quarterStart, To: day(4, 1, 0),
		Records: 1,
		Used: []review.ScopeUse{{Scope: scope.MustParse("users:manage"), Held: true, Calls: 1,
			Routes: []string{"GET /api/v2/users/me"}, First: day(1, 5, 9), Last: day(1, 5, 9)}},
	}
	if diff := cmp.Diff(want, got, setText, scopeText, cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
		t.Errorf("usage review (-want +got):\n%s", diff)
	}
}

// The same client, its scope changed to conversations:readonly instead:
// no held scope serves GET /api/v2/users/me any more. The review says so,
// and adds the narrowest scope that does, as for a refused call.
func TestReviewUsageAddsAScopeForCallsNoHeldScopeServes(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client("Dashboard", org, "users:readonly")
	require.Equal(t, enforce.CodeAllowed, rec.call(day(1, 5, 9), c, org, "users:readonly", "GET", "/api/v2/users/me"))
	require.Equal(t, enforce.CodeAllowed, rec.call(day(2, 5, 9), c, org, "users", "GET", "/api/v2/users/me"))
	require.Equal(t, enforce.CodePermissionMissing, rec.call(day(2, 6, 9), c, org, "users", "PUT", "/api/v2/users/u-1"))

	ix := sampleIndex(t)
	got, err := ix.ReviewUsage(review.UsageQuery{Client: c.ID, Org: org, Held: scope.MustParseSet("conversations:readonly"), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	want := review.UsageReview{
		Client: c.ID, Org: org, From: quarterStart, To: day(4, 1, 0),
		Records: 3,
		Used: []review.ScopeUse{
			{Scope: scope.MustParse("users"), Held: false, Calls: 2,
				Routes: []string{"GET /api/v2/users/me", "PUT /api/v2/users/{userId}"}, First: day(2, 5, 9), Last: day(2, 6, 9)},
			{Scope: scope.MustParse("users:readonly"), Held: false, Calls: 1,
				Routes: []string{"GET /api/v2/users/me"}, First: day(1, 5, 9), Last: day(1, 5, 9)},
		},
		Unused: scope.MustParseSet("conversations:readonly"),
		Unserved: []review.Unserved{
			{Route: "GET /api/v2/users/me", Endpoint: "getUsersMe", Scopes: scope.MustParseSet("users users:readonly"), Count: 2, First: day(1, 5, 9), Last: day(2, 5, 9),
				Accepts: scope.MustParseSet("users users:readonly"), Add: scope.MustParse("users:manage")},
			{Route: "PUT /api/v2/users/{userId}", Endpoint: "putUser", Scopes: scope.MustParseSet("users"), Count: 1, First: day(2, 6, 9), Last: day(2, 6, 9),
				Accepts: scope.MustParseSet("users users:manage"), Add: scope.MustParse("users:manage")},
		},
		Add: scope.MustParseSet("users:manage"),
	}
	if diff := cmp.Diff(want, got, setText, scopeText, cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
		t.Errorf("usage review (-want +got):\n%s", diff)
	}

	// Without the write, users:readonly is the narrowest that serves the
	// read.
	got, err = ix.ReviewUsage(review.UsageQuery{Client: c.ID, Held: scope.MustParseSet("conversations:readonly"), From: quarterStart, To: day(2, 6, 0)}, rec.records)
	require.NoError(t, err)
	require.Equal(t, "users:readonly", got.Add.String())
	require.Len(t, got.Unserved, 1)
	require.Equal(t, "users:readonly", got.Unserved[0].Add.String())
}

// A call refused because the token predates the scope the client holds
// now needs that scope once the user signs in again: the review does not
// call it unused, though no record of the period shows it in use.
func TestReviewUsageKeepsTheScopeARefusedCallNeeds(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client("Dashboard", org, "users:readonly")
	require.Equal(t, enforce.CodeScopeMissing, rec.call(day(1, 5, 9), c, org, "conversations:readonly", "GET", "/api/v2/users/me"))

	got, err := sampleIndex(t).ReviewUsage(review.UsageQuery{Client: c.ID, Held: scope.MustParseSet("users:manage users:readonly"), From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	require.Equal(t, "users:manage", got.Unused.String(), "the narrowest held scope that serves the call is kept")
	require.Len(t, got.Denied, 1)
	require.True(t, got.Denied[0].Reauthenticate)
	require.Equal(t, "users:readonly", got.Denied[0].Add.String())
	require.True(t, got.Add.IsEmpty(), got.Add.String())
}

// usageRecord is a record of a call to ep by a token with the given
// scopes, as the enforcer writes it: the narrowest token scope that
// satisfies the endpoint, or a refusal for want of one. Permission
// checks pass or fail at random.
func usageRecord(t *testing.T, rng *rand.Rand, cat *scope.Catalog, ep enforce.Endpoint, id client.ID, at time.Time, token scope.Set) enforce.Record {
	acc, err := cat.Accept(ep.Scopes...)
	require.NoError(t, err)
	r := enforce.Record{Time: at, Org: org, Client: id, User: agentUser, GrantType: client.AuthorizationCode, Method: ep.Method, Route: ep.Route()}
	s, ok := acc.Match(token)
	switch {
	case ok && rng.IntN(5) == 0:
		r.Status, r.Code, r.Scope = 403, enforce.CodePermissionMissing, s
	case ok:
		r.Allowed, r.Status, r.Code, r.Scope = true, 200, enforce.CodeAllowed, s
	case rng.IntN(5) == 0:
		r.Status, r.Code = 403, enforce.CodeScopeAndPermissionMissing
	default:
		r.Status, r.Code = 403, enforce.CodeScopeMissing
	}
	return r
}

// The review's advice never refuses a call of the period: after removing
// the Unused scopes and adding the Add ones, every call that passed the
// scope check, and every call refused for want of a scope, is served by a
// scope of the recommended set. Random catalogs and tables (those
// Minimal is checked on), random held sets, and random histories: tokens
// with random scopes, issued before or after the client's scopes changed,
// and records from before the table changed, naming a scope that may no
// longer satisfy their endpoint.
func TestReviewUsageAdviceServesEveryCallOfThePeriod(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	app := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	other := client.MustParseID("0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3")
	for trial := range 400 {
		cat, eps := randomInstance(t, rng, 10, 10, trial%2 == 1)
		ix := newIndex(t, cat, eps)
		var all []scope.Scope
		for e := range cat.All() {
			all = append(all, e.Scope)
		}
		subset := func(oneIn int) scope.Set {
			var out []scope.Scope
			for _, s := range all {
				if rng.IntN(oneIn) == 0 {
					out = append(out, s)
				}
			}
			return mustSet(out)
		}
		held := subset(3)
		var records []enforce.Record
		for i := range 1 + rng.IntN(15) {
			at := quarterStart.Add(time.Duration(i) * 24 * time.Hour)
			r := usageRecord(t, rng, cat, eps[rng.IntN(len(eps))], app, at, subset(3))
			if rng.IntN(8) == 0 {
				// From before the table changed: the scope may not
				// satisfy the endpoint now.
				r.Allowed, r.Status, r.Code, r.Scope = true, 200, enforce.CodeAllowed, all[rng.IntN(len(all))]
			}
			records = append(records, r)
			// Another client's calls, and the app's outside the period,
			// are not reviewed.
			records = append(records, usageRecord(t, rng, cat, eps[rng.IntN(len(eps))], other, at, subset(2)))
			records = append(records, usageRecord(t, rng, cat, eps[rng.IntN(len(eps))], app, quarterStart.Add(-time.Hour), subset(2)))
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			u, err := ix.ReviewUsage(review.UsageQuery{Client: app, Held: held, From: quarterStart, To: day(4, 1, 0)}, records)
			require.NoError(t, err)
			require.True(t, u.Unused.SubsetOf(held), "unused %s, held %s", u.Unused, held)
			require.True(t, u.Add.Intersect(held).IsEmpty(), "add %s, held %s", u.Add, held)
			advised := held.Difference(u.Unused).Union(u.Add)
			g := cat.Grant(advised)
			accepts := func(route string) scope.Accepted {
				i := slices.IndexFunc(eps, func(e enforce.Endpoint) bool { return e.Route() == route })
				require.GreaterOrEqual(t, i, 0, route)
				acc, err := cat.Accept(eps[i].Scopes...)
				require.NoError(t, err)
				return acc
			}
			for _, x := range u.Unserved {
				require.False(t, cat.Grant(held).Satisfies(accepts(x.Route)), "%s is unserved, but held %s serves it", x.Route, held)
				require.True(t, u.Add.Contains(x.Add), "%s: add %s, not in %s", x.Route, x.Add, u.Add)
				require.True(t, cat.Grant(mustSet([]scope.Scope{x.Add})).Satisfies(accepts(x.Route)), "%s: add %s does not serve it", x.Route, x.Add)
			}
			for _, d := range u.Denied {
				if d.Reauthenticate {
					require.True(t, held.Contains(d.Add) && !u.Unused.Contains(d.Add), "%s: re-authenticate for %s, held %s, unused %s", d.Route, d.Add, held, u.Unused)
				}
			}
			for _, r := range records {
				if r.Client != app || r.Time.Before(quarterStart) {
					continue
				}
				if !r.Scope.IsValid() && r.Code != enforce.CodeScopeMissing && r.Code != enforce.CodeScopeAndPermissionMissing {
					continue
				}
				require.True(t, g.Satisfies(accepts(r.Route)), "%s (%s, scope %q) is not served by the advice: held %s, remove %s, add %s",
					r.Route, r.Code, r.Scope, held, u.Unused, u.Add)
			}
		})
	}
}

func TestReviewUsageErrors(t *testing.T) {
	ix := sampleIndex(t)
	id := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	tests := []struct {
		name string
		q    review.UsageQuery
		err  error
	}{
		{"no client", review.UsageQuery{From: quarterStart, To: day(4, 1, 0)}, review.ErrInvalid},
		{"no period", review.UsageQuery{Client: id}, review.ErrInvalid},
		{"no end", review.UsageQuery{Client: id, From: quarterStart}, review.ErrInvalid},
		{"backwards", review.UsageQuery{Client: id, From: day(4, 1, 0), To: quarterStart}, review.ErrInvalid},
		{"empty", review.UsageQuery{Client: id, From: quarterStart, To: quarterStart}, review.ErrInvalid},
		{"unknown held scope", review.UsageQuery{Client: id, Held: scope.MustParseSet("users-manage"), From: quarterStart, To: day(4, 1, 0)}, scope.ErrUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.ReviewUsage(tt.q, nil)
			require.ErrorIs(t, err, tt.err)
			require.Contains(t, err.Error(), "review: ")
		})
	}
}
