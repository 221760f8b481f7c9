package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// A step is one call of the printed walkthrough, with the answer it gets.
// The tests make every step against the server and check the answer.
type step struct {
	app    string // the profile whose token is sent; "" for none
	method string
	path   string
	body   string
	status int
	code   string // the error code of a denial; "" for a success
	why    string // the point of the step, for people
}

// walkthrough is the tour printed at start-up, in the order printed: for
// each app, calls it may make and calls it may not, each app's steps
// together under one heading. Steps change the data (a transfer, a
// presence), so they are meant to run in this order.
var walkthrough = []step{
	{app: "Agent Desktop", method: "GET", path: "/api/v2/users/me", status: 200, why: "who am I: users:readonly, no permission needed"},
	{app: "Agent Desktop", method: "GET", path: "/api/v2/conversations", status: 200, why: "conversations:readonly + conversation:communication:view"},
	{app: "Agent Desktop", method: "POST", path: "/api/v2/conversations/c-1001/participants/calls/transfer", body: `{"userId":"u-supervisor"}`,
		status: 202, why: "conversations:call:control + conversation:call:transfer"},
	{app: "Agent Desktop", method: "PATCH", path: "/api/v2/users/u-agent/presence", body: `{"status":"Away"}`, status: 200,
		why: "presence:manage + presence:userPresence:edit, on oneself"},
	{app: "Agent Desktop", method: "PATCH", path: "/api/v2/users/u-supervisor/presence", body: `{"status":"Away"}`, status: 403,
		code: "PERMISSIONS_INSUFFICIENT", why: "someone else's presence needs :editAll (checked by the handler)"},
	{app: "Agent Desktop", method: "GET", path: "/api/v2/users/u-sales", status: 403, code: "PERMISSIONS_INSUFFICIENT",
		why: "directory:user:view is held in Home; Sally is in Sales"},
	{app: "Agent Desktop", method: "POST", path: "/api/v2/users?divisionId=home", body: `{"name":"Neil New","email":"neil@demo.example"}`,
		status: 403, code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT", why: "needs users:manage and directory:user:add: the guide's troubleshooting case"},
	{app: "Agent Desktop", method: "GET", path: "/api/v2/groups", status: 404, code: "ENDPOINT_UNKNOWN", why: "deny by default"},

	{app: "Admin Dashboard", method: "GET", path: "/api/v2/users", status: 200, why: "users:readonly + directory:user:view"},
	{app: "Admin Dashboard", method: "GET", path: "/api/v2/routing/queues", status: 200, why: "scope routing:queue:view, permission routing:queue:view"},
	{app: "Admin Dashboard", method: "GET", path: "/api/v2/schedules", status: 200, why: "scheduling:readonly + wfm:schedule:view"},
	{app: "Admin Dashboard", method: "DELETE", path: "/api/v2/users/u-agent", status: 403, code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT",
		why: "read-only by design"},

	{app: "WFM Application", method: "POST", path: "/api/v2/schedules", body: `{}`, status: 200, why: "scheduling:manage + wfm:schedule:add"},
	{app: "WFM Application", method: "GET", path: "/api/v2/forecasts", status: 200, why: "forecasting:manage implies forecasting:readonly"},
	{app: "WFM Application", method: "GET", path: "/api/v2/conversations", status: 403, code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT",
		why: "not a WFM matter"},

	{app: "Salesforce Sync", method: "GET", path: "/api/v2/externalcontacts/contacts", status: 200, why: "externalcontacts:manage"},
	{app: "Virtual Agent", method: "GET", path: "/api/v2/knowledge/knowledgebases", status: 200, why: "knowledge:readonly, a SAML2 bearer token"},

	{app: "Analytics Reporter", method: "POST", path: "/api/v2/analytics/conversations/details/query", body: `{}`, status: 200,
		why: "analytics:conversationDetail, an implicit-grant token"},
	{app: "Analytics Reporter", method: "GET", path: "/api/v2/users", status: 403, code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT",
		why: "no users scope, and analysts cannot view users"},

	{app: "API Automation", method: "GET", path: "/api/v2/users", status: 200, why: "client credentials: the client's own role decides"},
	{app: "API Automation", method: "GET", path: "/api/v2/outbound/campaigns", status: 200, why: "outbound:campaign:view, held by the client"},
	{app: "API Automation", method: "GET", path: "/api/v2/users/me", status: 403, code: "USER_REQUIRED",
		why: "a client-credentials token has no user"},

	{method: "GET", path: "/api/v2/users", status: 401, code: "TOKEN_MISSING", why: "no token at all"},
}

// printWalkthrough writes the tour: a token per app profile, as a shell
// variable, and curl commands against base with the answers to expect.
func printWalkthrough(w io.Writer, base string, tokens []profileToken) {
	fmt.Fprintf(w, "scopegate demo API on %s\n\n", base)
	fmt.Fprintln(w, "Each app of the guide's \"common scope combinations\" was registered, authorized by the")
	fmt.Fprintln(w, "demo org and issued a token for a user who holds the app's role (client credentials: for")
	fmt.Fprintln(w, "the client itself). The tokens are JWT access tokens signed (ES256) with a key made at")
	fmt.Fprintln(w, "start-up: they work against this process only, for 24 hours. Paste the exports into a")
	fmt.Fprintln(w, "shell, then try the calls.")
	for _, t := range tokens {
		who := "user " + t.user + ", role " + string(t.profile.Role)
		if t.user == "" {
			who = "the client itself, role " + string(t.profile.Role)
		}
		fmt.Fprintf(w, "\n# %s (%s; %s)\n", t.profile.Name, t.profile.GrantType, who)
		if !t.profile.Scopes.IsEmpty() {
			fmt.Fprintf(w, "#   scopes: %s\n", t.profile.Scopes)
		}
		fmt.Fprintf(w, "export %s='%s'\n", t.envName(), t.bearer)
	}
	printOAuth(w, base, tokens)
	fmt.Fprintln(w, "\n# The calls, and what each answers:")
	envs := map[string]string{}
	for _, t := range tokens {
		envs[t.profile.Name] = t.envName()
	}
	last := "-"
	for _, s := range walkthrough {
		if s.app != last {
			name := s.app
			if name == "" {
				name = "No token"
			}
			fmt.Fprintf(w, "\n## %s\n", name)
			last = s.app
		}
		want := fmt.Sprint(s.status)
		if s.code != "" {
			want += " " + s.code
		}
		fmt.Fprintf(w, "# %s: %s\n%s\n", want, s.why, s.curl(base, envs[s.app]))
	}
}

// curl writes the step as a curl command that prints the answer and its
// status.
func (s step) curl(base, env string) string {
	parts := []string{"curl -s -w '  -> %{http_code}\\n'"}
	if s.method != "GET" {
		parts = append(parts, "-X "+s.method)
	}
	if env != "" {
		parts = append(parts, `-H "Authorization: Bearer $`+env+`"`)
	}
	if s.body != "" {
		parts = append(parts, "-H 'Content-Type: application/json' -d '"+s.body+"'")
	}
	parts = append(parts, "'"+base+s.path+"'")
	return strings.Join(parts, " ")
}

// printOAuth writes the OAuth 2 flows a person can try: the
// authorization code flow with PKCE in a browser, then its code exchanged
// with curl, and a client-credentials token.
func printOAuth(w io.Writer, base string, tokens []profileToken) {
	var desktop, automation *profileToken
	for i := range tokens {
		switch tokens[i].profile.Name {
		case "Agent Desktop":
			desktop = &tokens[i]
		case "API Automation":
			automation = &tokens[i]
		}
	}
	if desktop == nil || automation == nil {
		return
	}
	verifier := oauth2.GenerateVerifier()
	fmt.Fprintf(w, "\n# The OAuth 2 endpoints are under %s/oauth (metadata: %s/.well-known/oauth-authorization-server/oauth).\n", base, base)
	fmt.Fprintln(w, "# Sign in as the Agent Desktop app would have you: open this URL in a browser, pick a user")
	fmt.Fprintln(w, "# (all but Ana Agent, who consented at start-up, see the consent page), and Allow or Deny:")
	fmt.Fprintln(w, authorizeURL(base, desktop, verifier))
	fmt.Fprintln(w, "# The demo's /callback page shows the code; the app exchanges it for a token (paste the code):")
	fmt.Fprintf(w, "curl -s -u '%s:%s' -d grant_type=authorization_code -d redirect_uri=%s -d code_verifier=%s -d code=PASTE_THE_CODE '%s/oauth/token'\n",
		desktop.client.ID, desktop.secret.Reveal(), url.QueryEscape(base+"/callback"), verifier, base)
	fmt.Fprintln(w, "# A client-credentials token for API Automation:")
	fmt.Fprintf(w, "curl -s -u '%s:%s' -d grant_type=client_credentials '%s/oauth/token'\n", automation.client.ID, automation.secret.Reveal(), base)
}

// authorizeURL is the authorization request of the Agent Desktop app,
// with the PKCE challenge of verifier.
func authorizeURL(base string, desktop *profileToken, verifier string) string {
	cfg := oauth2.Config{ClientID: desktop.client.ID.String(), Endpoint: oauth2.Endpoint{AuthURL: base + "/oauth/authorize"},
		RedirectURL: base + "/callback", Scopes: strings.Fields(desktop.profile.Scopes.String())}
	return cfg.AuthCodeURL("demo", oauth2.S256ChallengeOption(verifier))
}
