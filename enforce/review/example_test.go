package review_test

import (
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// exampleIndex indexes the sample table. A review needs the policy
// alone: its table and its catalog.
func exampleIndex() *review.Index {
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog:   sample.Catalog(),
		Endpoints: esample.Endpoints(),
	})
	if err != nil {
		panic(err)
	}
	ix, err := review.New(policy)
	if err != nil {
		panic(err)
	}
	return ix
}

// The guide's agent desktop: the minimum scopes for its four calls.
func ExampleIndex_Minimal() {
	ix := exampleIndex()
	sel, err := ix.Minimal([]string{
		"GET /api/v2/conversations",
		"POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
		"GET /api/v2/users/me",
		"PATCH /api/v2/users/{id}/presence",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.Scopes)
	for _, n := range sel.Needs {
		fmt.Printf("%-26s %s\n", n.Scope, n.Route)
	}
	// Output:
	// conversations:call:control conversations:readonly presence:manage users:readonly
	// conversations:readonly     GET /api/v2/conversations
	// conversations:call:control POST /api/v2/conversations/{conversationId}/participants/calls/transfer
	// users:readonly             GET /api/v2/users/me
	// presence:manage            PATCH /api/v2/users/{userId}/presence
}

// A call that reaches no endpoint is an error that says what was probably
// meant.
func ExampleIndex_Minimal_unknownCall() {
	ix := exampleIndex()
	_, err := ix.Minimal([]string{"GET /v2/users/me"})
	fmt.Println(err)
	// Output:
	// review: call 0 "GET /v2/users/me": no endpoint matches this request; did you mean "GET /api/v2/users/me"?
}

// The guide's "too permissive" agent desktop.
func ExampleIndex_ReviewScopes() {
	ix := exampleIndex()
	held := scope.MustParseSet("conversations:readonly conversations:call:control conversations:call:add users:manage presence:manage")
	r, err := ix.ReviewScopes(held, []string{"getConversations", "postCallTransfer", "getUsersMe", "patchUserPresence"})
	if err != nil {
		panic(err)
	}
	fmt.Println("recommended:", r.Recommended)
	for _, f := range r.Findings {
		fmt.Printf("%s %s: %s\n", f.Kind, f.Scope, f.Reason)
	}
	// Output:
	// recommended: conversations:call:control conversations:readonly presence:manage users:readonly
	// unneeded conversations:call:add: no call needs it: none of the endpoints called accepts conversations:call:add or a scope it implies
	// broader users:manage: broader than needed: GET /api/v2/users/me needs only users:readonly. users:manage unlocks 7 endpoints, 4 of which write; users:readonly unlocks 3 endpoints, none that writes
}

// A quarterly review from the records a decision hook kept.
func ExampleIndex_ReviewUsage() {
	ix := exampleIndex()
	app := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	at := func(month time.Month, day int) time.Time { return time.Date(2026, month, day, 9, 0, 0, 0, time.UTC) }
	records := []enforce.Record{
		{Time: at(1, 5), Allowed: true, Status: 200, Code: enforce.CodeAllowed, Client: app, Method: "GET",
			Route: "GET /api/v2/conversations", Scope: scope.MustParse("conversations:readonly")},
		{Time: at(2, 3), Allowed: true, Status: 200, Code: enforce.CodeAllowed, Client: app, Method: "GET",
			Route: "GET /api/v2/users/me", Scope: scope.MustParse("users:readonly")},
		{Time: at(2, 10), Status: 403, Code: enforce.CodeScopeMissing, Client: app, Method: "GET",
			Route: "GET /api/v2/conversations/{conversationId}/transcripts"},
	}
	u, err := ix.ReviewUsage(review.UsageQuery{
		Client: app,
		Held:   scope.MustParseSet("conversations:readonly conversations:call:add users:readonly"),
		From:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	}, records)
	if err != nil {
		panic(err)
	}
	fmt.Println("never used, remove:", u.Unused)
	for _, d := range u.Denied {
		fmt.Printf("refused %d× %s: add %s\n", d.Count, d.Route, d.Add)
	}
	// Output:
	// never used, remove: conversations:call:add
	// refused 1× GET /api/v2/conversations/{conversationId}/transcripts: add transcripts:readonly
}

// The guide's "Document Your Scopes" record, as Markdown.
func ExampleIndex_Document() {
	ix := exampleIndex()
	updated, _ := review.ParseDate("2026-03-01")
	d, err := ix.Document(review.DocInput{
		Application: "Admin Dashboard",
		Calls:       []string{"GET /api/v2/users", "GET /api/v2/routing/queues"},
		Notes: map[scope.Scope]review.Note{
			scope.MustParse("users:readonly"): {UsedFor: "List agents", Rationale: "The dashboard shows who is on shift"},
		},
		Updated: updated,
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(d.Markdown())
	// Output:
	// # Scopes: Admin Dashboard
	//
	// Scope string: `routing:queue:view users:readonly`
	//
	// - Updated: 2026-03-01
	// - Next review: 2026-06-01
	//
	// ## routing:queue:view
	//
	// - Used for: View queue configuration
	// - Endpoints: `GET /api/v2/routing/queues`
	// - Rationale: the only scope GET /api/v2/routing/queues accepts; read-only: unlocks 2 endpoints, none that writes
	//
	// ## users:readonly
	//
	// - Used for: List agents
	// - Endpoints: `GET /api/v2/users`
	// - Rationale: The dashboard shows who is on shift
	//
	// ## Endpoint to scope mapping
	//
	// | Endpoint | Method | Scope |
	// |---|---|---|
	// | `/api/v2/users` | GET | users:readonly |
	// | `/api/v2/routing/queues` | GET | routing:queue:view |
	//
	// ## Change log
	//
	// | Date | Change | Reason |
	// |---|---|---|
	// | 2026-03-01 | Initial: routing:queue:view, users:readonly | Initial scope set |
}
