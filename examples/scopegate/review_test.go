package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

func TestReview(t *testing.T) {
	checkRun(t, []runCase{
		{name: "review: a clean profile", args: []string{"review", "-profile", "admin-dashboard"}, code: exitOK,
			has: []string{"findings     none: the client holds what its calls need, and no more"}},
		{name: "review: the guide's too permissive desktop", args: []string{"review", "-scopes",
			"conversations:readonly conversations:call:control conversations:call:add users:manage presence:manage", "-calls", "testdata/calls.txt"}, code: exitFindings,
			has: []string{
				"remove       conversations:call:add users:manage\n",
				"add          users:readonly\n",
				"unneeded     conversations:call:add: no call needs it",
				"broader      users:manage: broader than needed: GET /api/v2/users/me needs only users:readonly.",
			}},
		{name: "review: a missing scope", args: []string{"review", "-scopes", "users:readonly", "GET /api/v2/users", "POST /api/v2/users"}, code: exitFindings,
			has: []string{"missing      users:manage: the client holds none of the scopes"}},
		{name: "review: usage records", args: []string{"review", "-profile", "agent-desktop", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient,
			"-from", "2026-01-01", "-to", "2026-03-31"}, code: exitFindings,
			has: []string{
				"usage    client " + desktopClient + ", 2026-01-01 to 2026-03-31: 9 records\n",
				"used     presence:manage: 1 call, last 2026-01-05: PATCH /api/v2/users/{userId}/presence\n",
				"unused   recordings:view: no call used it in the period: remove it\n",
				"refused  GET /api/v2/conversations/{conversationId}/transcripts: 2 times, last 2026-02-11: add transcripts:readonly\n",
			}},
		{name: "review: usage only, period from the records", args: []string{"review", "-scopes", "conversations:readonly users:readonly",
			"-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient}, code: exitFindings,
			has: []string{"2026-01-05 to 2026-03-27: 9 records"}},
		{name: "review: calls no held scope serves any more", args: []string{"review", "-scopes", "users:readonly",
			"-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-01-05", "-to", "2026-01-05"}, code: exitFindings,
			has: []string{
				"unserved  GET /api/v2/conversations: 1 call, last 2026-01-05, with conversations:readonly: no held scope serves it now: add conversations:readonly\n",
				"unserved  PATCH /api/v2/users/{userId}/presence: 1 call, last 2026-01-05, with presence:manage: no held scope serves it now: add presence:manage\n",
			}},
		{name: "review: a quiet month", args: []string{"review", "-scopes", "conversations:readonly users:readonly",
			"-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-03-20", "-to", "2026-03-31"}, code: exitFindings,
			has: []string{"unused  conversations:readonly: no call used it in the period: remove it\n"}},
		{name: "review: two clients in the records", args: []string{"review", "-profile", "agent-desktop", "-records", "testdata/agent-desktop-q1.jsonl"}, code: exitUsage,
			errHas: []string{"the records hold 2 clients, 0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b, 5d2c9a41-7e3b-4f60-8a1d-2b3c4d5e6f70; pick one with -client ID"}},
		{name: "review: a client-credentials profile", args: []string{"review", "-profile", "api-automation"}, code: exitUsage,
			errHas: []string{"api-automation uses client_credentials: its access comes from roles, not scopes"}},
		{name: "review: nothing to review", args: []string{"review", "-scopes", "users:readonly"}, code: exitUsage, errHas: []string{"nothing to review"}},
		{name: "review: whose scopes", args: []string{"review", "getUsers"}, code: exitUsage, errHas: []string{"whose scopes?"}},
		{name: "review: malformed scopes", args: []string{"review", "-scopes", "users :manage", "getUsers"}, code: exitUsage,
			errHas: []string{`-scopes: scope: parsing "users :manage" at offset 6`}},
		{name: "review: unknown scope", args: []string{"review", "-scopes", "users-manage", "getUsers"}, code: exitUsage,
			errHas: []string{`unknown scope "users-manage"; did you mean "users:manage"?`}},
		{name: "review: bad client", args: []string{"review", "-scopes", "users:readonly", "-records", "testdata/agent-desktop-q1.jsonl", "-client", "42"}, code: exitUsage,
			errHas: []string{"-client:"}},
		{name: "review: the last day is in the period", args: []string{"review", "-scopes", "users:readonly",
			"-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-03-27", "-to", "2026-03-27"}, code: exitOK,
			has: []string{"2026-03-27 to 2026-03-27: 1 record\n", "used   users:readonly: 1 call, last 2026-03-27"}},
		{name: "review: a period that ends before it starts", args: []string{"review", "-scopes", "users:readonly",
			"-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-03-27", "-to", "2026-03-26"}, code: exitUsage,
			errHas: []string{"-to 2026-03-26 is before -from 2026-03-27"}},
		{name: "review: bad day", args: []string{"review", "-scopes", "users:readonly", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-13-01"}, code: exitUsage,
			errHas: []string{`-from: review: invalid input: date "2026-13-01"`}},
		{name: "review: bad records", args: []string{"review", "-scopes", "users:readonly", "-records", "testdata/bad-records.jsonl"}, code: exitUsage,
			errHas: []string{"testdata/bad-records.jsonl:2:", "unknown decision code"}},
	})
}

// review's two values: what parseReview reads (the held scopes, the calls
// and the usage query, whose To is midnight after the last day), and the
// result reviewClient computes from it, before any text.
func TestReviewResult(t *testing.T) {
	type input struct {
		Held               string
		Calls              int
		Client, From, Till string // the usage query; Till is its To
	}
	type scopes struct {
		Remove, Add string
		Kinds       []review.Kind
	}
	type usage struct {
		Records          int
		Used             []string
		Unused           string
		Denied, Unserved []string
	}
	type result struct {
		Scopes   *scopes
		Usage    *usage
		Findings bool
	}
	agentDesktop := "conversations:call:control conversations:readonly presence:manage recordings:view users:readonly"
	used := []string{"conversations:call:control", "conversations:readonly", "presence:manage", "users:readonly"}
	transcripts := "GET /api/v2/conversations/{conversationId}/transcripts"
	tests := []struct {
		name string
		args []string
		in   input
		want result
	}{
		{"calls only, nothing to change", []string{"-profile", "admin-dashboard"},
			input{Held: "analytics:conversationDetail routing:queue:view routing:skill:view scheduling:readonly users:readonly", Calls: 5},
			result{Scopes: &scopes{}}},
		{"calls only, too permissive", []string{"-scopes", "conversations:readonly conversations:call:control conversations:call:add users:manage presence:manage", "-calls", "testdata/calls.txt"},
			input{Held: "conversations:call:add conversations:call:control conversations:readonly presence:manage users:manage", Calls: 4},
			result{Scopes: &scopes{Remove: "conversations:call:add users:manage", Add: "users:readonly", Kinds: []review.Kind{review.KindUnneeded, review.KindBroader}}, Findings: true}},
		{"calls and a quarter's records", []string{"-profile", "agent-desktop", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-01-01", "-to", "2026-03-31"},
			input{Held: agentDesktop, Calls: 5, Client: desktopClient, From: "2026-01-01", Till: "2026-04-01"},
			result{Scopes: &scopes{}, Usage: &usage{Records: 9, Used: used, Unused: "recordings:view", Denied: []string{transcripts}}, Findings: true}},
		{"records only, the period from the records", []string{"-scopes", "conversations:readonly users:readonly", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient},
			input{Held: "conversations:readonly users:readonly", Client: desktopClient, From: "2026-01-05", Till: "2026-03-28"},
			result{Usage: &usage{Records: 9, Used: used, Denied: []string{transcripts},
				Unserved: []string{"POST /api/v2/conversations/{conversationId}/participants/calls/transfer", "PATCH /api/v2/users/{userId}/presence"}}, Findings: true}},
		{"records only, calls no held scope serves any more", []string{"-scopes", "users:readonly", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-01-05", "-to", "2026-01-05"},
			input{Held: "users:readonly", Client: desktopClient, From: "2026-01-05", Till: "2026-01-06"},
			result{Usage: &usage{Records: 3, Used: []string{"conversations:readonly", "presence:manage", "users:readonly"},
				Unserved: []string{"GET /api/v2/conversations", "PATCH /api/v2/users/{userId}/presence"}}, Findings: true}},
		{"records only, one quiet day", []string{"-scopes", "users:readonly", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "-from", "2026-03-27", "-to", "2026-03-27"},
			input{Held: "users:readonly", Client: desktopClient, From: "2026-03-27", Till: "2026-03-28"},
			result{Usage: &usage{Records: 1, Used: []string{"users:readonly"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{name: "review", stdout: io.Discard, stderr: io.Discard}
			in, err := e.parseReview(tt.args)
			require.NoError(t, err)
			gotIn := input{Held: in.Held.String(), Calls: len(in.Calls)}
			if u := in.Usage; u != nil {
				require.Equal(t, in.Held, u.Query.Held)
				gotIn.Client, gotIn.From, gotIn.Till = u.Query.Client.String(), u.Query.From.Format(time.DateOnly), u.Query.To.Format(time.DateOnly)
			}
			if diff := cmp.Diff(tt.in, gotIn); diff != "" {
				t.Fatalf("parseReview (-want +got):\n%s", diff)
			}

			res, err := reviewClient(e.index, in)
			require.NoError(t, err)
			got := result{Findings: res.findings()}
			if r := res.Scopes; r != nil {
				got.Scopes = &scopes{Remove: r.Remove.String(), Add: r.Add.String()}
				for _, f := range r.Findings {
					got.Scopes.Kinds = append(got.Scopes.Kinds, f.Kind)
				}
			}
			if u := res.Usage; u != nil {
				got.Usage = &usage{Records: u.Records, Unused: u.Unused.String()}
				for _, s := range u.Used {
					got.Usage.Used = append(got.Usage.Used, s.Scope.String())
				}
				for _, d := range u.Denied {
					got.Usage.Denied = append(got.Usage.Denied, d.Route)
				}
				for _, x := range u.Unserved {
					got.Usage.Unserved = append(got.Usage.Unserved, x.Route)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reviewClient (-want +got):\n%s", diff)
			}
		})
	}
}

// writeReviewText writes every kind of usage line, including those the
// sample records do not produce: a refusal that a sign-in fixes, one for
// a route the table lost, calls that name no scope, stale routes.
func TestWriteReviewText(t *testing.T) {
	id, err := client.ParseID(desktopClient)
	require.NoError(t, err)
	day := func(d int) time.Time { return time.Date(2026, time.April, d, 9, 30, 0, 0, time.UTC) }
	res := reviewResult{Usage: &review.UsageReview{
		Client: id, From: time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, time.May, 1, 0, 0, 0, 0, time.UTC),
		Records: 1,
		Used: []review.ScopeUse{
			{Scope: scope.MustParse("a"), Held: true, Calls: 1, Routes: []string{"GET /a"}, Last: day(2)},
			{Scope: scope.MustParse("b"), Calls: 3, Routes: []string{"GET /b", "GET /b/{id}"}, Last: day(3)},
		},
		Unused: scope.MustParseSet("c d"),
		Denied: []review.Denial{
			{Route: "GET /e", Count: 1, Last: day(4), Add: scope.MustParse("a"), Reauthenticate: true},
			{Route: "GET /f", Count: 2, Last: day(5), Add: scope.MustParse("f")},
			{Route: "GET /g", Count: 1, Last: day(6)},
		},
		Unserved:     []review.Unserved{{Route: "GET /h", Scopes: scope.MustParseSet("h"), Count: 1, Last: day(7), Add: scope.MustParse("h:readonly")}},
		Unattributed: 4,
		Stale:        []string{"GET /i"},
	}}
	var out strings.Builder
	writeReviewText(&out, res)
	require.Equal(t, "usage     client "+desktopClient+", 2026-04-01 to 2026-04-30: 1 record\n"+
		"used      a: 1 call, last 2026-04-02: GET /a\n"+
		"used      b: 3 calls, last 2026-04-03: GET /b, GET /b/{id} (no longer held)\n"+
		"unused    c: no call used it in the period: remove it\n"+
		"unused    d: no call used it in the period: remove it\n"+
		"refused   GET /e: 1 time, last 2026-04-04: the client holds a now; its users must sign in again\n"+
		"refused   GET /f: 2 times, last 2026-04-05: add f\n"+
		"refused   GET /g: 1 time, last 2026-04-06: the endpoint table no longer has it\n"+
		"unserved  GET /h: 1 call, last 2026-04-07, with h: no held scope serves it now: add h:readonly\n"+
		"warning   4 allowed calls name no scope (scope enforcement off): some unused scopes may be needed\n"+
		"stale     GET /i: in the records, not in the endpoint table\n", out.String())
}
