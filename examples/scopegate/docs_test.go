package main

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
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

// doc's two values: the review.DocInput parseDoc reads from the flags,
// the profile, the previous version and the notes, and the review.Doc
// computed from it, before any Markdown.
func TestDocResult(t *testing.T) {
	type input struct {
		Application, Scopes, Updated, NextReview, Reason string
		Calls                                            int
		Notes                                            map[string]review.Note
		Previous                                         string // its Updated day
	}
	type change struct {
		Date           string
		Initial        bool
		Added, Removed string
		Reason         string
	}
	type doc struct {
		Application, Scopes, Updated, NextReview string
		Mapping                                  int
		Changes                                  []change
	}
	dashboard := "analytics:conversationDetail routing:queue:view routing:skill:view scheduling:readonly users:readonly"
	initial := change{Date: "2026-03-01", Initial: true, Added: dashboard, Reason: "Initial scope set"}
	tests := []struct {
		name    string
		args    []string
		in      input
		want    doc
		usedFor map[string]string // for the scopes the notes name
	}{
		{"a profile with notes", []string{"-profile", "admin-dashboard", "-updated", "2026-03-01", "-notes", "testdata/notes.json"},
			input{Application: "Admin Dashboard", Scopes: dashboard, Updated: "2026-03-01", Calls: 5,
				Notes: map[string]review.Note{"users:readonly": {UsedFor: "List agents", Rationale: "The dashboard shows who is on shift"}}},
			doc{Application: "Admin Dashboard", Scopes: dashboard, Updated: "2026-03-01", NextReview: "2026-06-01", Mapping: 5, Changes: []change{initial}},
			map[string]string{"users:readonly": "List agents"}},
		{"minimal scopes for calls", []string{"-app", "Status Board", "-updated", "2026-03-01", "-next", "2026-09-01", "getUsers", "getQueues"},
			input{Application: "Status Board", Updated: "2026-03-01", NextReview: "2026-09-01", Calls: 2},
			doc{Application: "Status Board", Scopes: "routing:queue:view users:readonly", Updated: "2026-03-01", NextReview: "2026-09-01", Mapping: 2,
				Changes: []change{{Date: "2026-03-01", Initial: true, Added: "routing:queue:view users:readonly", Reason: "Initial scope set"}}}, nil},
		{"the next version", []string{"-profile", "admin-dashboard", "-updated", "2026-06-01", "-previous", "testdata/admin-dashboard-2026-03.json",
			"-reason", "Queue health panel", "-scopes", "users:readonly routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail analytics:aggregate:view",
			"POST /api/v2/analytics/conversations/aggregates/query"},
			input{Application: "Admin Dashboard", Scopes: "analytics:aggregate:view " + dashboard, Updated: "2026-06-01", Reason: "Queue health panel", Calls: 6, Previous: "2026-03-01"},
			doc{Application: "Admin Dashboard", Scopes: "analytics:aggregate:view " + dashboard, Updated: "2026-06-01", NextReview: "2026-09-01", Mapping: 6,
				Changes: []change{{Date: "2026-06-01", Added: "analytics:aggregate:view", Reason: "Queue health panel"}, initial}}, nil},
	}
	join := func(ss []scope.Scope) string {
		names := make([]string, len(ss))
		for i, s := range ss {
			names[i] = s.String()
		}
		return strings.Join(names, " ")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{name: "doc", stdout: io.Discard, stderr: io.Discard}
			in, err := e.parseDoc(tt.args)
			require.NoError(t, err)
			gotIn := input{Application: in.Application, Scopes: in.Scopes.String(), Updated: in.Updated.String(), Reason: in.Reason, Calls: len(in.Calls)}
			if !in.NextReview.IsZero() {
				gotIn.NextReview = in.NextReview.String()
			}
			for s, n := range in.Notes {
				if gotIn.Notes == nil {
					gotIn.Notes = map[string]review.Note{}
				}
				gotIn.Notes[s.String()] = n
			}
			if in.Previous != nil {
				gotIn.Previous = in.Previous.Updated.String()
			}
			if diff := cmp.Diff(tt.in, gotIn); diff != "" {
				t.Fatalf("parseDoc (-want +got):\n%s", diff)
			}

			d, err := e.index.Document(in)
			require.NoError(t, err)
			got := doc{Application: d.Application, Scopes: d.Set().String(), Updated: d.Updated.String(), NextReview: d.NextReview.String(), Mapping: len(d.Mapping)}
			for _, c := range d.Changes {
				got.Changes = append(got.Changes, change{Date: c.Date.String(), Initial: c.Initial, Added: join(c.Added), Removed: join(c.Removed), Reason: c.Reason})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Document (-want +got):\n%s", diff)
			}
			for _, s := range d.Scopes {
				if want, ok := tt.usedFor[s.Scope.String()]; ok {
					require.Equal(t, want, s.UsedFor, s.Scope.String())
				}
			}
		})
	}
}
