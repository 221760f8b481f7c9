package main

import (
	"testing"
)

func TestDoc(t *testing.T) {
	checkRun(t, []runCase{
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
	})
}
