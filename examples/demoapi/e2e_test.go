package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The "Scope Testing" of Genesys Cloud's guide: a token with
// conversations:readonly and users:readonly, for a user who holds every
// permission, so that only the scopes decide.
func TestScopeTestingMatrix(t *testing.T) {
	h := newHarness(t)
	tok := h.token("u-admin", "conversations:readonly users:readonly")
	missingScope := func(route, accepts, add string) apiError {
		return errorBody("SCOPE_INSUFFICIENT", 403, "the token has none of the scopes "+route+" accepts: "+accepts+
			". To fix: add "+add+" to the OAuth client, have the org authorize it, then re-authenticate.")
	}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   string
		status int
		www    string
		want   apiError // for a denial
		total  int      // for a list
	}{
		{name: "GET conversations: has the scope", method: "GET", path: "/api/v2/conversations", status: 200, total: 3},
		{name: "GET users: has the scope", method: "GET", path: "/api/v2/users", status: 200, total: len(demoUsers)},
		{name: "GET schedules: no scope", method: "GET", path: "/api/v2/schedules", status: 403,
			www:  `Bearer realm="demoapi", error="insufficient_scope", scope="scheduling:readonly"`,
			want: missingScope("GET /api/v2/schedules", "scheduling:readonly", "scope scheduling:readonly")},
		{name: "POST conversations: no manage scope", method: "POST", path: "/api/v2/conversations", body: `{"customer":"+1 555 0199","userId":"u-agent"}`,
			status: 403, www: `Bearer realm="demoapi", error="insufficient_scope", scope="conversations:manage"`,
			want: missingScope("POST /api/v2/conversations", "conversations:manage", "scope conversations:manage")},
		{name: "DELETE conversations/{id}: no manage scope", method: "DELETE", path: "/api/v2/conversations/c-1001", status: 403,
			www:  `Bearer realm="demoapi", error="insufficient_scope", scope="conversations:manage"`,
			want: missingScope("DELETE /api/v2/conversations/{conversationId}", "conversations:manage", "scope conversations:manage")},
		{name: "DELETE users/{id}: no manage scope", method: "DELETE", path: "/api/v2/users/u-agent", status: 403,
			www:  `Bearer realm="demoapi", error="insufficient_scope", scope="users users:manage"`,
			want: missingScope("DELETE /api/v2/users/{userId}", "users, users:manage", "scope users:manage")},
		{name: "DELETE users/{id} of nobody: the scope is checked first", method: "DELETE", path: "/api/v2/users/u-nobody", status: 403,
			www:  `Bearer realm="demoapi", error="insufficient_scope", scope="users users:manage"`,
			want: missingScope("DELETE /api/v2/users/{userId}", "users, users:manage", "scope users:manage")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do(tc.method, tc.path, tok, tc.body)
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			require.Equal(t, tc.www, res.header.Get("WWW-Authenticate"))
			if tc.status != 200 {
				var got apiError
				decodeStrict(t, res.body, &got)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				return
			}
			var list struct {
				Entities []map[string]any `json:"entities"`
				Total    int              `json:"total"`
			}
			decodeStrict(t, res.body, &list)
			require.Equal(t, tc.total, list.Total)
			require.Len(t, list.Entities, tc.total)
		})
	}

	// The denied calls changed nothing.
	c, ok := h.s.dir.conversation("c-1001")
	require.True(t, ok)
	require.Equal(t, "connected", c.State)
	_, ok = h.s.dir.user("u-agent")
	require.True(t, ok)
	require.Equal(t, 3, len(h.s.dir.listConversations()))

	t.Run("expired token", func(t *testing.T) {
		h.clock.add(24*time.Hour + time.Second) // the default lifetime, and a second
		res := h.do("GET", "/api/v2/conversations", tok, "")
		require.Equal(t, 401, res.status)
		require.Equal(t, `Bearer realm="demoapi", error="invalid_token", error_description="The access token expired"`, res.header.Get("WWW-Authenticate"))
		var got apiError
		decodeStrict(t, res.body, &got)
		want := errorBody("TOKEN_EXPIRED", 401, "the access token expired at 2026-03-02T12:00:00Z. To fix: get a new access token (sign in again).")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
	})
}

// The guide's four scenarios on GET /api/v2/users: scope and permission,
// only one of them, neither. Ana (agent) may read users; Vera (chatbot)
// may not.
func TestFourScenarios(t *testing.T) {
	h := newHarness(t)
	noScope := "the token has none of the scopes GET /api/v2/users accepts: users, users:readonly"
	noScopeFix := "add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate"
	noPerm := "the user lacks directory:user:view"
	noPermFix := "assign the user a role with directory:user:view"
	insufficientScope := `Bearer realm="demoapi", error="insufficient_scope", scope="users users:readonly"`
	for _, tc := range []struct {
		name   string
		user   string
		scopes string
		status int
		www    string
		want   apiError
	}{
		{"1 has scope, has permission", "u-agent", "users:readonly", 200, "", apiError{}},
		{"2 has scope, no permission", "u-chatbot", "users:readonly", 403, "",
			errorBody("PERMISSIONS_INSUFFICIENT", 403, noPerm+". To fix: "+noPermFix+".")},
		{"3 no scope, has permission", "u-agent", "conversations:readonly", 403, insufficientScope,
			errorBody("SCOPE_INSUFFICIENT", 403, noScope+". To fix: "+noScopeFix+".")},
		{"4 no scope, no permission", "u-chatbot", "conversations:readonly", 403, insufficientScope,
			errorBody("SCOPE_AND_PERMISSIONS_INSUFFICIENT", 403, noScope+"; and "+noPerm+". To fix: "+noScopeFix+"; and "+noPermFix+".")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do("GET", "/api/v2/users", h.token(tc.user, tc.scopes), "")
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			require.Equal(t, tc.www, res.header.Get("WWW-Authenticate"))
			if tc.status == 200 {
				require.Contains(t, string(res.body), `"id":"u-agent"`)
				return
			}
			var got apiError
			decodeStrict(t, res.body, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// Every call of the printed walkthrough, made with the tokens as printed,
// gets the answer the walkthrough says.
func TestWalkthrough(t *testing.T) {
	h := newHarness(t)
	tokens, err := h.s.profileTokens(ctx)
	require.NoError(t, err)
	require.Len(t, tokens, 7)
	var out strings.Builder
	printWalkthrough(&out, h.ts.URL, tokens)

	// The tokens, read back from the exports printed.
	env := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			name, value, _ := strings.Cut(rest, "=")
			env[name] = strings.Trim(value, "'")
		}
	}
	for _, p := range []string{"AGENT_DESKTOP", "ADMIN_DASHBOARD", "WFM_APPLICATION", "SALESFORCE_SYNC", "VIRTUAL_AGENT", "ANALYTICS_REPORTER", "API_AUTOMATION"} {
		require.NotEmpty(t, env[p], "no export of %s", p)
	}
	names := map[string]string{}
	for _, tok := range tokens {
		names[tok.profile.Name] = tok.envName()
	}

	// One heading per app: an app's steps are printed together.
	seen := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			require.False(t, seen[name], "heading %q printed twice", name)
			seen[name] = true
		}
	}

	for i, s := range walkthrough {
		t.Run(fmt.Sprintf("%02d %s %s %s", i, s.app, s.method, s.path), func(t *testing.T) {
			require.Contains(t, out.String(), s.curl(h.ts.URL, names[s.app])+"\n", "the step is printed")
			bearer := ""
			if s.app != "" {
				bearer = env[names[s.app]]
				require.NotEmpty(t, bearer, "no token for %s", s.app)
			}
			res := h.do(s.method, s.path, bearer, s.body)
			require.Equal(t, s.status, res.status, "body: %s", res.body)
			if s.code == "" {
				require.NotContains(t, string(res.body), `"error"`)
				return
			}
			var got apiError
			decodeStrict(t, res.body, &got)
			require.Equal(t, s.code, got.Error.Code, "message: %s", got.Error.Message)
		})
	}
}
