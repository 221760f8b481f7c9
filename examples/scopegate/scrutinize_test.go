package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

func TestScrutinize(t *testing.T) {
	checkRun(t, []runCase{
		{name: "scrutinize: an app that asks for too much", args: []string{"scrutinize", "-app", "Desk Pro", "-scopes", "users users:readonly oauth:client:manage conversations:readonly"},
			code: exitFindings,
			stdout: "Desk Pro requests 4 scopes, which unlock 12 endpoints, 5 of which write, 2 admin-grade; 3 findings: redundant users:readonly, admin oauth:client:manage, bare users\n\n" +
				"SCOPE                   UNLOCKS                         ADMIN-GRADE  DESCRIPTION\n" +
				"conversations:readonly  3 endpoints, none that writes   0            View conversations\n" +
				"oauth:client:manage     2 endpoints, 1 of which writes  2            Create and edit OAuth clients\n" +
				"users                   7 endpoints, 4 of which write   0            Read and write users\n" +
				"users:readonly          3 endpoints, none that writes   0            Read user information\n\n" +
				"redundant  users:readonly: users, which the app also requests, implies it: the app asks for the broader scope and the narrower one\n" +
				"admin      oauth:client:manage: unlocks 2 admin-grade endpoints, on who may do what or on the org itself: GET /api/v2/oauth/clients, POST /api/v2/oauth/clients\n" +
				"bare       users: a bare read-write scope: it unlocks 7 endpoints, 4 of which write, and whatever the API adds to users later; users:readonly unlocks 3 endpoints, none that writes, if the app only reads\n\n" +
				"The vendor declares no calls: ask which endpoints the app calls to tell the scopes it needs from the others.\n"},
		{name: "scrutinize: declared calls", args: []string{"scrutinize", "-app", "Desk Pro", "-scopes", "users:manage recordings:view conversations:readonly", "-calls", "testdata/calls.txt"},
			code: exitFindings,
			has:  []string{"4 findings: unneeded recordings:view, broader users:manage, missing conversations:call:control, missing presence:manage\n"}},
		{name: "scrutinize: a profile, as the guide has it", args: []string{"scrutinize", "-profile", "agent-desktop"}, code: exitOK,
			has: []string{"Agent Desktop requests 5 scopes, which unlock 11 endpoints, 3 of which write, 0 admin-grade; no findings\n"}},
		{name: "scrutinize: a client-credentials profile", args: []string{"scrutinize", "-profile", "api-automation"}, code: exitUsage,
			errHas: []string{"api-automation uses client_credentials: it requests no scopes; its reach is its roles (see scopegate roles)"}},
		{name: "scrutinize: no scopes", args: []string{"scrutinize", "getUsers"}, code: exitUsage, errHas: []string{"which scopes?"}},
		{name: "scrutinize: an unknown scope", args: []string{"scrutinize", "-scopes", "users-manage"}, code: exitUsage,
			errHas: []string{`unknown scope "users-manage"; did you mean "users:manage"?`}},
	})
}

// scrutinize's two values: the request parseScrutinize reads, and the
// summary computed from it, before any text; and the JSON an admin UI
// reads.
func TestScrutinizeResult(t *testing.T) {
	e := &env{name: "scrutinize", stdout: io.Discard, stderr: io.Discard}
	req, err := e.parseScrutinize([]string{"-profile", "admin-dashboard", "-scopes", "users routing:queue:view", "getUsers"})
	require.NoError(t, err)
	require.Equal(t, "Admin Dashboard", req.Application)
	require.Equal(t, "routing:queue:view users", req.Scopes.String())
	require.Len(t, req.Calls, 6)
	s, err := e.index.Scrutinize(req)
	require.NoError(t, err)
	require.True(t, s.Declared)
	require.Equal(t, "analytics:conversationDetail routing:queue:view routing:skill:view scheduling:readonly users:readonly", s.Review.Recommended.String())

	var stdout, stderr bytes.Buffer
	require.Equal(t, exitFindings, run([]string{"scrutinize", "-json", "-scopes", "oauth:client:manage"}, &stdout, &stderr), stderr.String())
	var back review.Scrutiny
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &back))
	require.Equal(t, scope.MustParseSet("oauth:client:manage"), back.Requested)
	require.Equal(t, []string{"GET /api/v2/oauth/clients", "POST /api/v2/oauth/clients"}, back.Admin)
	require.Equal(t, review.KindAdmin, back.Findings[0].Kind)
}
