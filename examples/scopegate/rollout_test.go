package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope"
)

const (
	dashboardClient = "5d2c9e1f-7a3b-4c6d-8e9f-0a1b2c3d4e5f"
	syncClient      = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

func TestRollout(t *testing.T) {
	checkRun(t, []runCase{
		{name: "rollout: a month in report-only mode", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-roll", "-authorized", "testdata/authorized.json"},
			code: exitFindings,
			stdout: "rollout  org org-roll, 2026-03-02 to 2026-03-08: 8 records\n" +
				"client   " + desktopClient + ": 4 calls, 3 refused for want of a scope: add conversations:call:control\n" +
				"refused  POST /api/v2/conversations/{conversationId}/participants/calls/transfer: 2 times, last 2026-03-03: add conversations:call:control\n" +
				"refused  PATCH /api/v2/users/{userId}/presence: 1 time, last 2026-03-04: the client holds presence:manage now; its users must sign in again\n" +
				"client   " + dashboardClient + ": 2 calls, 1 refused for want of a scope: add routing:queue:view\n" +
				"refused  GET /api/v2/routing/queues: 1 time, last 2026-03-05: add routing:queue:view\n" +
				"ready    " + syncClient + ": 1 call, none refused for want of a scope\n" +
				"verdict  not ready: 2 clients to change first\n"},
		{name: "rollout: without the authorized scopes", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-roll"}, code: exitFindings,
			has: []string{"4 calls, 3 refused for want of a scope: add conversations:call:control presence:manage\n"}},
		{name: "rollout: a ready week", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-roll", "-from", "2026-03-06", "-to", "2026-03-08"}, code: exitOK,
			has: []string{"verdict  ready: no call of the period would be refused for want of a scope\n"}},
		{name: "rollout: records of enforced scopes, refused", args: []string{"rollout", "-records", "testdata/agent-desktop-q1.jsonl", "-org", "org-1", "-from", "2026-02-01", "-to", "2026-02-28"}, code: exitFindings,
			has: []string{"refused  GET /api/v2/conversations/{conversationId}/transcripts: 2 times, last 2026-02-11: add transcripts:readonly\n"}},
		{name: "rollout: no org", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl"}, code: exitUsage, errHas: []string{"-records and -org are required"}},
		{name: "rollout: calls are not its input", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-roll", "getUsers"}, code: exitUsage,
			errHas: []string{`unexpected arguments ["getUsers"]`}},
		{name: "rollout: an org without records", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-9"}, code: exitUsage,
			errHas: []string{"no records of org org-9 to take the period from"}},
		{name: "rollout: bad authorized scopes", args: []string{"rollout", "-records", "testdata/rollout-march.jsonl", "-org", "org-roll", "-authorized", "testdata/notes.json"}, code: exitUsage,
			errHas: []string{"testdata/notes.json: reading the authorized scopes:"}},
	})
}

// rollout's input: the org, the period from its records, and the scopes
// each client may use.
func TestRolloutInput(t *testing.T) {
	e := &env{name: "rollout", stdout: io.Discard, stderr: io.Discard}
	in, err := e.parseRollout([]string{"-records", "testdata/rollout-march.jsonl", "-org", "org-roll", "-authorized", "testdata/authorized.json", "-json"})
	require.NoError(t, err)
	require.True(t, e.asJSON)
	require.Equal(t, client.OrgID("org-roll"), in.Query.Org)
	require.Equal(t, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), in.Query.From)
	require.Equal(t, time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), in.Query.To, "midnight after the org's last record; org-1's is later")
	require.Len(t, in.Records, 9)
	require.Equal(t, map[client.ID]scope.Set{
		client.MustParseID(desktopClient):   scope.MustParseSet("conversations:readonly users:readonly presence:manage"),
		client.MustParseID(dashboardClient): scope.MustParseSet("users:readonly"),
	}, in.Query.Held)
	r, err := e.index.ReviewRollout(in.Query, in.Records)
	require.NoError(t, err)
	require.False(t, r.Ready())
	require.Len(t, r.Clients, 3)
}

func TestParseAuthorized(t *testing.T) {
	for _, bad := range []string{`{"42": "users:readonly"}`, `{"` + desktopClient + `": "users :manage"}`, `{} {}`, `[]`} {
		_, err := parseAuthorized([]byte(bad))
		require.Error(t, err, bad)
	}
}

func FuzzParseAuthorized(f *testing.F) {
	f.Add([]byte(`{"` + desktopClient + `": "users:readonly presence:manage"}`))
	f.Add([]byte(`{"x": ""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		held, err := parseAuthorized(data)
		if err != nil {
			return
		}
		for id := range held {
			if !id.IsValid() {
				t.Fatalf("an invalid client ID accepted: %q", data)
			}
		}
	})
}
