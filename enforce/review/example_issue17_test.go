package review_test

import (
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A client-credentials job reads users in Home and Sales, and the
// campaigns: the least role grants among the org's roles, then a review
// of the admin role it was given.
func ExampleRoleIndex() {
	ix := exampleIndex()
	rx, err := ix.Roles(esample.Roles()) // the org's roles
	if err != nil {
		panic(err)
	}
	q := review.RoleQuery{
		Calls:     []string{"GET /api/v2/users/{userId}", "GET /api/v2/outbound/campaigns"},
		Divisions: []permission.DivisionID{"home", "sales"},
	}
	sel, err := rx.Minimal(q)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", sel.Grants)

	r, err := rx.Review([]client.RoleAssignment{{Role: "admin", AllDivisions: true}}, q)
	if err != nil {
		panic(err)
	}
	for _, f := range r.Findings {
		fmt.Println(f.Kind, f.Role+":", f.Reason)
	}
	// Output:
	// [{Role:automation Divisions:[home sales] AllDivisions:false}]
	// broader admin: broader than needed: GET /api/v2/users/{userId}, GET /api/v2/outbound/campaigns need only automation in home and sales. admin unlocks 60 endpoints, 31 of which write; automation unlocks 4 endpoints, none that writes
}

// What an admin reads before authorizing an app that asks for more than
// it says it calls.
func ExampleIndex_Scrutinize() {
	ix := exampleIndex()
	s, err := ix.Scrutinize(review.AppRequest{
		Application: "Desk Pro",
		Scopes:      scope.MustParseSet("users conversations:readonly oauth:client:manage"),
		Calls:       []string{"GET /api/v2/conversations", "GET /api/v2/users/me"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Summary())
	// Output:
	// Desk Pro requests 3 scopes, which unlock 12 endpoints, 5 of which write, 2 admin-grade; 3 findings: unneeded oauth:client:manage, broader users, admin oauth:client:manage
}

// Records of a week in report-only mode: the agent desktop's transfers
// would be refused once scopes are enforced.
func ExampleIndex_ReviewRollout() {
	ix := exampleIndex()
	desk := client.MustParseID("0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b")
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	records := []enforce.Record{
		{Time: at, Allowed: true, Status: 200, Code: enforce.CodeAllowed, Org: "org-1", Client: desk, GrantType: client.AuthorizationCode,
			Route: "GET /api/v2/conversations", Scope: scope.MustParse("conversations:readonly")},
		{Time: at, Allowed: true, Status: 200, Code: enforce.CodeAllowed, Unenforced: enforce.CodeScopeMissing, Org: "org-1", Client: desk,
			GrantType: client.AuthorizationCode, Route: "POST /api/v2/conversations/{conversationId}/participants/calls/transfer"},
	}
	r, err := ix.ReviewRollout(review.RolloutQuery{Org: "org-1", From: at.AddDate(0, 0, -1), To: at.AddDate(0, 0, 6)}, records)
	if err != nil {
		panic(err)
	}
	for _, c := range r.Clients {
		fmt.Println(c.Client, "add", c.Add)
	}
	fmt.Println("ready:", r.Ready())
	// Output:
	// 0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b add conversations:call:control
	// ready: false
}
