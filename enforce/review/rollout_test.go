package review_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// rolloutCall is one call of the period: which client, with which scopes
// in its token.
type rolloutCall struct {
	at           time.Time
	client       *client.Client
	scopes       string
	method, path string
	want         enforce.Code // under report-only
	unenforced   enforce.Code
}

// A month of an org in report-only mode, reviewed before enforcement:
// the agent desktop was never given the scopes for transfers and
// recordings, and some of its tokens predate presence:manage, which it
// holds now; the dashboard lacks a scope for queues, whose permission
// its user lacks too (that refusal is enforced); the sync app is ready.
// Adding what the review advises, then enforcing, lets every call of the
// month through the scope check.
func TestReviewRollout(t *testing.T) {
	rec := newRecorder(t)
	desktop := rec.client("Agent Desktop", rollOrg, "conversations:readonly users:readonly presence:manage")
	dashboard := rec.client("Admin Dashboard", rollOrg, "users:readonly")
	sync := rec.client("Salesforce Sync", rollOrg, "users:readonly conversations:readonly")
	const old = "conversations:readonly users:readonly" // the desktop's tokens from before presence:manage
	const now = "conversations:readonly users:readonly presence:manage"
	calls := []rolloutCall{
		{day(3, 2, 9), &desktop, now, "GET", "/api/v2/conversations", enforce.CodeAllowed, 0},
		{day(3, 2, 9), &desktop, now, "POST", "/api/v2/conversations/c-1/participants/calls/transfer", enforce.CodeAllowed, enforce.CodeScopeMissing},
		{day(3, 3, 9), &desktop, now, "POST", "/api/v2/conversations/c-2/participants/calls/transfer", enforce.CodeAllowed, enforce.CodeScopeMissing},
		{day(3, 3, 10), &desktop, now, "GET", "/api/v2/conversations/c-2/recordings", enforce.CodeAllowed, enforce.CodeScopeMissing},
		{day(3, 4, 10), &desktop, old, "PATCH", "/api/v2/users/u-1/presence", enforce.CodeAllowed, enforce.CodeScopeMissing},
		{day(3, 4, 11), &desktop, now, "PATCH", "/api/v2/users/u-1/presence", enforce.CodeAllowed, 0},
		{day(3, 5, 9), &dashboard, "users:readonly", "GET", "/api/v2/users", enforce.CodeAllowed, 0},
		{day(3, 5, 9), &dashboard, "users:readonly", "GET", "/api/v2/routing/queues", enforce.CodePermissionMissing, enforce.CodeScopeAndPermissionMissing},
		{day(3, 6, 9), &sync, "users:readonly conversations:readonly", "GET", "/api/v2/conversations", enforce.CodeAllowed, 0},
		// Outside the month, and another org.
		{day(4, 1, 9), &desktop, now, "GET", "/api/v2/conversations/c-3/transcripts", enforce.CodeAllowed, enforce.CodeScopeMissing},
		{day(3, 7, 9), &desktop, now, "GET", "/api/v2/conversations/c-3/transcripts", enforce.CodeScopeMissing, 0},
	}
	calls[len(calls)-1].client = func() *client.Client { c := desktop; return &c }()
	for i, c := range calls {
		o := rollOrg
		if i == len(calls)-1 {
			o = org
		}
		n := len(rec.records)
		require.Equal(t, c.want, rec.call(c.at, *c.client, o, c.scopes, c.method, c.path), "%s %s", c.method, c.path)
		require.Equal(t, c.unenforced, rec.records[n].Unenforced, "%s %s", c.method, c.path)
	}
	job := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	records := append(rec.records,
		// Client credentials carry no scopes: not the review's concern.
		enforce.Record{Time: day(3, 8, 9), Status: 200, Allowed: true, Code: enforce.CodeAllowed, Org: rollOrg, Client: job,
			GrantType: client.ClientCredentials, Method: "GET", Route: "GET /api/v2/users", Endpoint: "getUsers"},
		// A route the table does not have any more.
		enforce.Record{Time: day(3, 8, 10), Status: 200, Allowed: true, Code: enforce.CodeAllowed, Unenforced: enforce.CodeScopeMissing, Org: rollOrg,
			Client: sync.ID, GrantType: client.AuthorizationCode, Method: "GET", Route: "GET /api/v2/legacy/contacts"})

	ix := sampleIndex(t)
	q := review.RolloutQuery{Org: rollOrg, From: day(3, 1, 0), To: day(4, 1, 0),
		Held: map[client.ID]scope.Set{desktop.ID: desktop.Scopes, dashboard.ID: dashboard.Scopes}}
	got, err := ix.ReviewRollout(q, records)
	require.NoError(t, err)
	want := review.RolloutReview{
		Org: rollOrg, From: day(3, 1, 0), To: day(4, 1, 0), Records: 11,
		Clients: []review.RolloutClient{
			{Client: desktop.ID, Records: 6, Exact: true, Add: scope.MustParseSet("conversations:call:control recordings:view"), Refused: []review.Denial{
				{Route: "POST /api/v2/conversations/{conversationId}/participants/calls/transfer", Endpoint: "postCallTransfer", Count: 2, First: day(3, 2, 9), Last: day(3, 3, 9),
					Accepts: scope.MustParseSet("conversations:call:control"), Add: scope.MustParse("conversations:call:control")},
				{Route: "GET /api/v2/conversations/{conversationId}/recordings", Endpoint: "getRecordings", Count: 1, First: day(3, 3, 10), Last: day(3, 3, 10),
					Accepts: scope.MustParseSet("recordings:download recordings:view"), Add: scope.MustParse("recordings:view")},
				{Route: "PATCH /api/v2/users/{userId}/presence", Endpoint: "patchUserPresence", Count: 1, First: day(3, 4, 10), Last: day(3, 4, 10),
					Accepts: scope.MustParseSet("presence:manage"), Add: scope.MustParse("presence:manage"), Reauthenticate: true},
			}},
			{Client: sync.ID, Records: 2, Exact: true, Refused: []review.Denial{
				{Route: "GET /api/v2/legacy/contacts", Count: 1, First: day(3, 8, 10), Last: day(3, 8, 10)},
			}},
			{Client: dashboard.ID, Records: 2, Exact: true, Add: scope.MustParseSet("routing:queue:view"), Refused: []review.Denial{
				{Route: "GET /api/v2/routing/queues", Endpoint: "getQueues", Count: 1, First: day(3, 5, 9), Last: day(3, 5, 9),
					Accepts: scope.MustParseSet("routing:queue:view"), Add: scope.MustParse("routing:queue:view")},
			}},
		},
		Stale: []string{"GET /api/v2/legacy/contacts"},
	}
	// The dashboard and the sync app have one refusal each: by ID.
	if dashboard.ID.String() < sync.ID.String() {
		want.Clients[1], want.Clients[2] = want.Clients[2], want.Clients[1]
	}
	if diff := cmp.Diff(want, got, setText, scopeText, cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
		t.Errorf("rollout review (-want +got):\n%s", diff)
	}
	require.False(t, got.Ready())

	// Add the scopes, sign in again, enforce: every call of the month
	// passes the scope check.
	enforced, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: esample.Endpoints()})
	require.NoError(t, err)
	rec.enforcer.Swap(enforced)
	adds := map[client.ID]scope.Set{}
	for _, c := range got.Clients {
		adds[c.Client] = c.Add
	}
	for _, c := range calls[:9] {
		scopes := scope.MustParseSet(c.scopes).Union(adds[c.client.ID])
		if c.client.ID == desktop.ID {
			scopes = scopes.Union(desktop.Scopes) // signed in again
		}
		code := rec.call(c.at, *c.client, rollOrg, scopes.String(), c.method, c.path)
		require.NotContains(t, []enforce.Code{enforce.CodeScopeMissing, enforce.CodeScopeAndPermissionMissing}, code, "%s %s", c.method, c.path)
	}

	t.Run("without the held scopes", func(t *testing.T) {
		got, err := ix.ReviewRollout(review.RolloutQuery{Org: rollOrg, From: day(3, 1, 0), To: day(4, 1, 0)}, records)
		require.NoError(t, err)
		require.Equal(t, desktop.ID, got.Clients[0].Client)
		require.Equal(t, "conversations:call:control presence:manage recordings:view", got.Clients[0].Add.String())
	})
	t.Run("a ready org", func(t *testing.T) {
		got, err := ix.ReviewRollout(review.RolloutQuery{Org: rollOrg, From: day(3, 6, 0), To: day(3, 7, 0)}, records)
		require.NoError(t, err)
		require.Len(t, got.Clients, 1)
		require.True(t, got.Ready())
	})
	t.Run("a period with scope enforcement off", func(t *testing.T) {
		rec := newRecorder(t)
		open := rec.client("Agent Desktop", openOrg, "users:readonly")
		rec.call(day(3, 2, 9), open, openOrg, "users:readonly", "GET", "/api/v2/conversations")
		got, err := ix.ReviewRollout(review.RolloutQuery{Org: openOrg, From: day(3, 1, 0), To: day(4, 1, 0)}, rec.records)
		require.NoError(t, err)
		require.Equal(t, 1, got.Unchecked)
		require.False(t, got.Ready(), "calls made without scope checks cannot be judged")
	})
}

func TestReviewRolloutErrors(t *testing.T) {
	ix := sampleIndex(t)
	for _, tt := range []struct {
		name string
		q    review.RolloutQuery
		err  string
	}{
		{"no org", review.RolloutQuery{From: day(3, 1, 0), To: day(4, 1, 0)}, "review: invalid input: rollout query has no org"},
		{"no period", review.RolloutQuery{Org: rollOrg}, "review: invalid input: rollout query needs a period: From and To"},
		{"backwards", review.RolloutQuery{Org: rollOrg, From: day(4, 1, 0), To: day(3, 1, 0)}, "review: invalid input: rollout period ends"},
		{"unknown held scope", review.RolloutQuery{Org: rollOrg, From: day(3, 1, 0), To: day(4, 1, 0),
			Held: map[client.ID]scope.Set{client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566"): scope.MustParseSet("users:frobnicate")}}, `unknown scope "users:frobnicate"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.ReviewRollout(tt.q, nil)
			require.ErrorContains(t, err, tt.err)
		})
	}
}

// The quarterly review counts a scope refusal that the org's report-only
// mode let through as a refusal: its scope is to add, and the call is
// not unattributed.
func TestReviewUsageCountsUnenforcedRefusals(t *testing.T) {
	rec := newRecorder(t)
	desktop := rec.client("Agent Desktop", rollOrg, "users:readonly")
	require.Equal(t, enforce.CodeAllowed, rec.call(day(2, 1, 9), desktop, rollOrg, "users:readonly", "GET", "/api/v2/conversations"))
	require.Equal(t, enforce.CodeScopeMissing, rec.records[0].Unenforced)
	got, err := sampleIndex(t).ReviewUsage(review.UsageQuery{Client: desktop.ID, Held: desktop.Scopes, From: quarterStart, To: day(4, 1, 0)}, rec.records)
	require.NoError(t, err)
	require.Zero(t, got.Unattributed)
	require.Len(t, got.Denied, 1)
	require.Equal(t, "GET /api/v2/conversations", got.Denied[0].Route)
	require.Equal(t, "conversations:readonly", got.Add.String())
}
