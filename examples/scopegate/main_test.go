package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
)

const desktopClient = "0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b"

var seedCalls = []string{
	"GET /api/v2/conversations",
	"POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
	"GET /api/v2/users/me",
	"PATCH /api/v2/users/{userId}/presence",
}

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string   // the whole output, when set
		has    []string // lines or fragments the output holds
		errHas []string // fragments of the error output
	}{
		// Usage.
		{name: "no command", args: nil, code: exitUsage, errHas: []string{"usage: scopegate <command>"}},
		{name: "help", args: []string{"-h"}, code: exitOK, has: []string{"Commands:", "Exit status: 0 nothing to report, 1 findings"}},
		{name: "unknown command", args: []string{"audit"}, code: exitUsage, errHas: []string{`unknown command "audit"`, "usage:"}},
		{name: "command help", args: []string{"minimal", "-h"}, code: exitOK, has: []string{"usage: scopegate minimal", "-profile PROFILE"}},
		{name: "unknown flag", args: []string{"minimal", "-frobnicate"}, code: exitUsage, errHas: []string{"flag provided but not defined: -frobnicate"}},
		{name: "flags after the arguments", args: []string{"minimal", "GET /api/v2/users", "-catalog", "testdata/shop-catalog.json", "getUsers"}, code: exitUsage,
			errHas: []string{`unknown scope "users"`}},
		{name: "help after an argument", args: []string{"minimal", "getUsers", "-h"}, code: exitOK, has: []string{"usage: scopegate minimal"}},
		{name: "nothing is a flag after --", args: []string{"minimal", "getUsers", "--", "-json"}, code: exitUsage,
			errHas: []string{`call 1 "-json": no endpoint is named "-json"`}},

		// lint
		{name: "lint: a clean string", args: []string{"lint", "users:readonly conversations:readonly"}, code: exitOK,
			stdout: "ok                        conversations:readonly users:readonly\n" +
				"  conversations:readonly  View conversations\n" +
				"  users:readonly          Read user information\n"},
		{name: "lint: the seed's mistakes", args: []string{"lint", "users :manage conversation:view users-manage"}, code: exitFindings,
			stdout: `error  offset 6: scope starts with ':' (is there a stray space before it?); did you mean "users:manage"?` + "\n" +
				`error  offset 14: unknown scope "conversation:view"; did you mean "conversations:readonly"?` + "\n" +
				`error  offset 32: unknown scope "users-manage"; did you mean "users:manage"?` + "\n"},
		{name: "lint: duplicate and control character", args: []string{"lint", "users:readonly users:readonly\x07"}, code: exitFindings,
			has: []string{"offset 29: control character U+0007"}},
		{name: "lint: empty", args: []string{"lint", ""}, code: exitFindings, has: []string{"offset 0: empty scope string"}},
		{name: "lint: redundant", args: []string{"lint", "users:readonly users:manage"}, code: exitFindings,
			stdout: "redundant  users:readonly is implied by users:manage: drop it\n"},
		{name: "lint: unquoted", args: []string{"lint", "users:readonly", "users:manage"}, code: exitUsage,
			errHas: []string{`give one scope string, quoted: scopegate lint "users:readonly users:manage"`}},
		{name: "lint: nothing", args: []string{"lint"}, code: exitUsage, errHas: []string{"give the scope string to check"}},
		{name: "lint: a flag after the string", args: []string{"lint", "users:readonly", "-catalog", "testdata/shop-catalog.json"}, code: exitFindings,
			has: []string{`unknown scope "users:readonly"`}},
		{name: "lint: own catalog", args: []string{"lint", "-catalog", "testdata/shop-catalog.json", "orders:manage users:readonly"}, code: exitFindings,
			has: []string{`unknown scope "users:readonly"`}},
		{name: "lint: missing catalog", args: []string{"lint", "-catalog", "testdata/nope.json", "users"}, code: exitUsage,
			errHas: []string{"testdata/nope.json"}},

		// minimal
		{name: "minimal: the seed's agent desktop", args: append([]string{"minimal"}, seedCalls...), code: exitOK,
			stdout: "conversations:call:control conversations:readonly presence:manage users:readonly\n\n" +
				"SCOPE                       ENDPOINT                                                                 ACCEPTS\n" +
				"conversations:readonly      GET /api/v2/conversations                                                conversations:readonly\n" +
				"conversations:call:control  POST /api/v2/conversations/{conversationId}/participants/calls/transfer  conversations:call:control\n" +
				"users:readonly              GET /api/v2/users/me                                                     users users:readonly\n" +
				"presence:manage             PATCH /api/v2/users/{userId}/presence                                    presence:manage\n"},
		{name: "minimal: calls from a file", args: []string{"minimal", "-calls", "testdata/calls.txt"}, code: exitOK,
			has: []string{"conversations:call:control conversations:readonly presence:manage users:readonly\n"}},
		{name: "minimal: a profile", args: []string{"minimal", "-profile", "wfm-application"}, code: exitOK,
			has: []string{"adherence:manage forecasting:manage scheduling:manage timeoff:manage users:readonly\n"}},
		{name: "minimal: names and requests", args: []string{"minimal", "getUsersMe", "GET /api/v2/users/42", "POST /api/v2/users"}, code: exitOK,
			has: []string{"users:manage\n", "users:manage  GET /api/v2/users/{userId}"}},
		{name: "minimal: unknown calls", args: []string{"minimal", "GET /v2/users/me", "getUserMe"}, code: exitUsage,
			errHas: []string{`scopegate minimal: review: call 0 "GET /v2/users/me": no endpoint matches this request; did you mean "GET /api/v2/users/me"?`,
				`scopegate minimal: review: call 1 "getUserMe": no endpoint is named "getUserMe"`}},
		{name: "minimal: no calls", args: []string{"minimal"}, code: exitUsage, errHas: []string{"no calls"}},
		{name: "minimal: unknown profile", args: []string{"minimal", "-profile", "desk"}, code: exitUsage, errHas: []string{`unknown profile "desk"`, "agent-desktop"}},
		{name: "minimal: own catalog and table", args: []string{"minimal", "-catalog", "testdata/shop-catalog.json", "-endpoints", "testdata/shop-endpoints.json",
			"GET /v1/orders", "POST /v1/orders", "GET /v1/customers/42"}, code: exitOK,
			has: []string{"customers:readonly orders:manage\n"}},
		{name: "minimal: a table the catalog does not fit", args: []string{"minimal", "-endpoints", "testdata/shop-endpoints.json", "GET /v1/orders"}, code: exitUsage,
			errHas: []string{`unknown scope "orders:readonly"`}},

		// review
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

		// doc
		{name: "doc: a profile with notes", args: []string{"doc", "-profile", "admin-dashboard", "-updated", "2026-03-01", "-notes", "testdata/notes.json"}, code: exitOK,
			has: []string{"# Scopes: Admin Dashboard\n", "- Next review: 2026-06-01\n", "- Rationale: The dashboard shows who is on shift\n",
				"| 2026-03-01 | Initial: analytics:conversationDetail, routing:queue:view, routing:skill:view, scheduling:readonly, users:readonly | Initial scope set |\n"}},
		{name: "doc: minimal scopes for calls", args: []string{"doc", "-app", "Status Board", "-updated", "2026-03-01", "-next", "2026-09-01", "getUsers", "getQueues"}, code: exitOK,
			has: []string{"Scope string: `routing:queue:view users:readonly`", "- Next review: 2026-09-01\n"}},
		{name: "doc: the next version", args: []string{"doc", "-profile", "admin-dashboard", "-updated", "2026-06-01", "-previous", "testdata/admin-dashboard-2026-03.json",
			"-reason", "Queue health panel", "-scopes", "users:readonly routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail analytics:aggregate:view",
			"POST /api/v2/analytics/conversations/aggregates/query"}, code: exitOK,
			has: []string{"| 2026-06-01 | Added: analytics:aggregate:view | Queue health panel |\n", "| 2026-03-01 | Initial: "}},
		{name: "doc: a change without a reason", args: []string{"doc", "-profile", "admin-dashboard", "-updated", "2026-06-01", "-previous", "testdata/admin-dashboard-2026-03.json",
			"-scopes", "users:readonly routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail analytics:aggregate:view",
			"POST /api/v2/analytics/conversations/aggregates/query"}, code: exitUsage,
			errHas: []string{"the scopes changed since 2026-03-01", "say why"}},
		{name: "doc: no date", args: []string{"doc", "-profile", "admin-dashboard"}, code: exitUsage, errHas: []string{"-updated is required"}},
		{name: "doc: no name", args: []string{"doc", "-updated", "2026-03-01", "getUsers"}, code: exitUsage, errHas: []string{"-app is required"}},
		{name: "doc: scopes that do not cover the calls", args: []string{"doc", "-app", "A", "-updated", "2026-03-01", "-scopes", "users:readonly", "POST /api/v2/users"}, code: exitUsage,
			errHas: []string{"review: scopes do not cover the calls: POST /api/v2/users accepts none of the documented scopes"}},
		{name: "doc: bad previous", args: []string{"doc", "-profile", "admin-dashboard", "-updated", "2026-06-01", "-previous", "testdata/notes.json"}, code: exitUsage,
			errHas: []string{"testdata/notes.json: review: invalid input: documentation JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			if tt.stdout != "" {
				require.Equal(t, tt.stdout, stdout.String())
			}
			for _, s := range tt.has {
				require.Contains(t, stdout.String(), s)
			}
			for _, s := range tt.errHas {
				require.Contains(t, stderr.String(), s)
			}
			if tt.code != exitUsage {
				require.Empty(t, stderr.String(), "only errors go to stderr")
			}
		})
	}
}

// -json writes what the library returns, for scripts.
func TestRunJSON(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, out []byte)
	}{
		{"lint", []string{"lint", "-json", "users :manage users:readonly"}, exitFindings, func(t *testing.T, out []byte) {
			var res struct {
				OK       bool
				Problems []struct {
					Offset      int
					Suggestions []string
				}
			}
			require.NoError(t, json.Unmarshal(out, &res))
			require.False(t, res.OK)
			require.Len(t, res.Problems, 1)
			require.Equal(t, 6, res.Problems[0].Offset)
			require.Equal(t, []string{"users:manage"}, res.Problems[0].Suggestions)
		}},
		{"minimal", append(append([]string{"minimal"}, seedCalls...), "-json"), exitOK, func(t *testing.T, out []byte) {
			var sel review.Selection
			require.NoError(t, json.Unmarshal(out, &sel))
			require.Equal(t, "conversations:call:control conversations:readonly presence:manage users:readonly", sel.Scopes.String())
			require.True(t, sel.Exact)
			require.Len(t, sel.Needs, 4)
			require.Equal(t, "presence:manage", sel.Needs[3].Scope.String())
		}},
		{"review", []string{"review", "-json", "-scopes", "users:manage", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "getUsersMe"}, exitFindings, func(t *testing.T, out []byte) {
			var res struct {
				Scopes review.ScopeReview
				Usage  review.UsageReview
			}
			require.NoError(t, json.Unmarshal(out, &res))
			require.Len(t, res.Scopes.Findings, 1)
			require.Equal(t, review.KindBroader, res.Scopes.Findings[0].Kind)
			// users:manage serves the reads the records credit to
			// users:readonly: it is not unused (issue 11). The other
			// scopes the records name are no longer held: their
			// endpoints are unserved, and the review adds them back.
			require.True(t, res.Usage.Unused.IsEmpty(), res.Usage.Unused.String())
			require.Len(t, res.Usage.Unserved, 3)
			require.Equal(t, "conversations:call:control conversations:readonly presence:manage transcripts:readonly", res.Usage.Add.String())
		}},
		{"doc", []string{"doc", "-json", "-profile", "virtual-agent", "-updated", "2026-03-01"}, exitOK, func(t *testing.T, out []byte) {
			d, err := review.ParseDocJSON(out)
			require.NoError(t, err)
			require.Equal(t, "Virtual Agent", d.Application)
			require.Equal(t, "conversations:external:contact:add knowledge:readonly", d.Set().String())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, tt.code, run(tt.args, &stdout, &stderr), stderr.String())
			tt.check(t, stdout.Bytes())
		})
	}
}

// The README's commands print what the README says.
func TestReadme(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readme := string(data)
	for _, tt := range []struct {
		args []string
		code int
	}{
		{append([]string{"minimal"}, seedCalls...), exitOK},
		{[]string{"lint", "users :manage conversation:view users-manage"}, exitFindings},
		{[]string{"review", "-scopes", "conversations:readonly conversations:call:control conversations:call:add users:manage presence:manage", "-calls", "examples/scopegate/testdata/calls.txt"}, exitFindings},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string(nil), tt.args...)
		for i, a := range args {
			args[i] = strings.TrimPrefix(a, "examples/scopegate/")
		}
		require.Equal(t, tt.code, run(args, &stdout, &stderr), stderr.String())
		if !strings.Contains(readme, stdout.String()) {
			t.Errorf("README.md should show the output of scopegate %s:\n%s", strings.Join(tt.args, " "), stdout.String())
		}
	}
}
