package main

import (
	"testing"
)

func TestReview(t *testing.T) {
	checkRun(t, []runCase{
		{name: "review: a clean profile", args: []string{"review", "-profile", "admin-dashboard"}, code: exitOK,
			has: []string{"findings     none: the client holds what its calls need, and no more"}},
		{name: "review: the seed's too permissive desktop", args: []string{"review", "-scopes",
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
			errHas: []string{"the records hold 2 clients; pick one with -client"}},
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
