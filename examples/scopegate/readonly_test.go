package main

import "testing"

// The analytics query is sent with POST and only reads: the sample table
// marks it read-only, and the documentation says so (issue 17).
func TestDocReadOnlyQuery(t *testing.T) {
	checkRun(t, []runCase{
		{name: "doc: a query sent with POST reads", args: []string{"doc", "-profile", "admin-dashboard", "-updated", "2026-03-01"}, code: exitOK,
			has: []string{"- Rationale: the only scope POST /api/v2/analytics/conversations/details/query accepts; read-only: unlocks 1 endpoint, none that writes\n"}},
	})
}
