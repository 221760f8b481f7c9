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

func TestMinimal(t *testing.T) {
	checkRun(t, []runCase{
		{name: "minimal: the guide's agent desktop", args: append([]string{"minimal"}, desktopCalls...), code: exitOK,
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
			errHas: []string{`scopegate minimal: argument 1: call "GET /v2/users/me": no endpoint matches this request; did you mean "GET /api/v2/users/me"?`,
				`scopegate minimal: argument 2: call "getUserMe": no endpoint is named "getUserMe"`}},
		{name: "minimal: no calls", args: []string{"minimal"}, code: exitUsage, errHas: []string{"no calls"}},
		{name: "minimal: unknown profile", args: []string{"minimal", "-profile", "desk"}, code: exitUsage, errHas: []string{`unknown profile "desk"`, "agent-desktop"}},
		{name: "minimal: own catalog and table", args: []string{"minimal", "-catalog", "testdata/shop-catalog.json", "-endpoints", "testdata/shop-endpoints.json",
			"GET /v1/orders", "POST /v1/orders", "GET /v1/customers/42"}, code: exitOK,
			has: []string{"customers:readonly orders:manage\n"}},
		{name: "minimal: a table the catalog does not fit", args: []string{"minimal", "-endpoints", "testdata/shop-endpoints.json", "GET /v1/orders"}, code: exitUsage,
			errHas: []string{`unknown scope "orders:readonly"`}},
	})
}

// minimal's two values: the calls parseMinimal gathers, from the profile,
// the file and the arguments in that order, and the selection computed
// from them, before any text.
func TestMinimalResult(t *testing.T) {
	e := &env{name: "minimal", stdout: io.Discard, stderr: io.Discard}
	calls, err := e.parseMinimal([]string{"-profile", "virtual-agent", "-calls", "testdata/calls.txt", "getUsersMe", "-json"})
	require.NoError(t, err)
	require.True(t, e.asJSON)
	want := []string{
		"POST /api/v2/conversations/{conversationId}/participants/{participantId}/externalcontact", "GET /api/v2/knowledge/knowledgebases",
	}
	want = append(append(want, desktopCalls...), "getUsersMe")
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}

	sel, err := e.index.Minimal(calls)
	require.NoError(t, err)
	require.Equal(t, "conversations:call:control conversations:external:contact:add conversations:readonly knowledge:readonly presence:manage users:readonly", sel.Scopes.String())
	require.True(t, sel.Exact)
	type need struct{ Route, Scope string }
	var got []need
	for _, n := range sel.Needs {
		got = append(got, need{n.Route, n.Scope.String()})
	}
	wantNeeds := []need{
		{"POST /api/v2/conversations/{conversationId}/participants/{participantId}/externalcontact", "conversations:external:contact:add"},
		{"GET /api/v2/knowledge/knowledgebases", "knowledge:readonly"},
		{"GET /api/v2/conversations", "conversations:readonly"},
		{"POST /api/v2/conversations/{conversationId}/participants/calls/transfer", "conversations:call:control"},
		{"GET /api/v2/users/me", "users:readonly"},
		{"PATCH /api/v2/users/{userId}/presence", "presence:manage"},
	}
	if diff := cmp.Diff(wantNeeds, got); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
	// Two calls reach GET /api/v2/users/me: one need, with both.
	require.Equal(t, []string{"GET /api/v2/users/me", "getUsersMe"}, sel.Needs[4].Calls)
}

// writeMinimalText says when the search limit ran out, which the sample
// table never makes it do.
func TestWriteMinimalText(t *testing.T) {
	sel := review.Selection{
		Scopes: scope.MustParseSet("a:b c"),
		Needs: []review.Need{
			{Route: "GET /a", Accepts: scope.MustParseSet("a a:b"), Scope: scope.MustParse("a:b")},
			{Route: "POST /c/{id}", Accepts: scope.MustParseSet("c"), Scope: scope.MustParse("c")},
		},
	}
	var out strings.Builder
	writeMinimalText(&out, sel)
	require.Equal(t, "a:b c\n"+
		"(the search limit ran out: this is the best set found, not proven the smallest)\n"+
		"\n"+
		"SCOPE  ENDPOINT      ACCEPTS\n"+
		"a:b    GET /a        a a:b\n"+
		"c      POST /c/{id}  c\n", out.String())
}
