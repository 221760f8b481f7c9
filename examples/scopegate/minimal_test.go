package main

import (
	"testing"
)

func TestMinimal(t *testing.T) {
	checkRun(t, []runCase{
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
	})
}
