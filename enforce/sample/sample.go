// Package sample provides a ready endpoint table, roles and application
// profiles modelled on the Genesys Cloud guide "OAuth Scopes and
// Permissions": the endpoints its examples call (users, presence,
// conversations, routing, workforce management, analytics, integrations,
// platform administration), each with the scopes it accepts from the
// [github.com/scopegate/scopegate/scope/sample] catalog and the permissions
// it requires; roles that hold those permissions; and the guide's "common
// scope combinations" as application profiles.
//
// The data is for examples, tests and experiments. The routes follow
// Genesys Cloud's Platform API where the guide names them, but this is not
// its authoritative endpoint list. A service builds its own table with
// [enforce.ParseEndpointsJSON] or in code.
package sample

import (
	_ "embed"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

//go:embed endpoints.json
var endpointsJSON []byte

// EndpointsJSON returns the endpoint table as JSON, in the form
// [enforce.ParseEndpointsJSON] reads. The slice is new on every call.
func EndpointsJSON() []byte { return append([]byte(nil), endpointsJSON...) }

// Endpoints returns the endpoint table. The slice is new on every call:
// change it freely. Build a policy from it with the scope/sample catalog.
func Endpoints() []enforce.Endpoint {
	eps, err := enforce.ParseEndpointsJSON(endpointsJSON)
	if err != nil {
		panic("sample: the built-in endpoint table is invalid: " + err.Error())
	}
	return eps
}

// Roles returns roles that hold the table's permissions, one per kind of
// user in the profiles: agent, supervisor, admin, wfm-planner, analyst,
// integration, chatbot and automation (the last for a client-credentials
// client). The slice is new on every call.
func Roles() []permission.Role {
	out := make([]permission.Role, len(roles))
	for i, r := range roles {
		out[i] = permission.Role{ID: permission.RoleID(r.id), Name: r.name, Description: r.description}
		for _, p := range r.policies {
			out[i].Policies = append(out[i].Policies, permission.MustParse(p))
		}
	}
	return out
}

// A Profile is one kind of application from the guide's "common scope
// combinations": the scopes it asks for, the endpoints it calls, and the
// role its user (or, for client credentials, the client itself) holds.
type Profile struct {
	// Name is the application's name, as a consent screen shows it.
	Name string
	// GrantType is how the application gets its tokens.
	GrantType client.GrantType
	// Scopes are the guide's scope combination for the application;
	// empty for a client-credentials application, whose access comes
	// from its roles.
	Scopes scope.Set
	// Calls are the routes the application calls, as
	// [enforce.Endpoint.Route] writes them: "GET /api/v2/users/me".
	Calls []string
	// Role is the role of its user, or of the client for client
	// credentials.
	Role permission.RoleID
}

// Profiles returns the guide's application profiles: agent desktop, admin
// dashboard, WFM application, integration service, chatbot, analytics
// reporter and API automation. The slice is new on every call.
func Profiles() []Profile {
	out := make([]Profile, len(profiles))
	for i, p := range profiles {
		out[i] = Profile{Name: p.name, GrantType: p.grantType, Calls: append([]string(nil), p.calls...), Role: permission.RoleID(p.role)}
		if p.scopes != "" {
			out[i].Scopes = scope.MustParseSet(p.scopes)
		}
	}
	return out
}

var roles = []struct {
	id, name, description string
	policies              []string
}{
	{"agent", "Agent", "Handles conversations and calls", []string{
		"conversation:communication:view", "conversation:call:transfer", "conversation:call:hold", "conversation:call:disconnect",
		"recording:recording:view", "directory:user:view", "presence:userPresence:edit", "knowledge:knowledgebase:view",
	}},
	{"supervisor", "Supervisor", "Watches queues and coaches agents", []string{
		"conversation:communication:view", "conversation:call:*", "recording:recording:view", "directory:user:view",
		"presence:userPresence:editAll", "routing:queue:view", "routing:skill:view", "wfm:schedule:view",
		"analytics:conversationDetail:view", "analytics:conversationAggregate:view", "quality:evaluation:view",
	}},
	{"admin", "Admin", "Administers the org", []string{
		"directory:*:*", "authorization:*:*", "routing:*:*", "conversation:*:*", "recording:*:*", "presence:*:*",
		"telephony:*:*", "outbound:*:*", "wfm:*:*", "analytics:*:*", "quality:*:*", "speechAndTextAnalytics:*:*",
		"externalContacts:*:*", "integrations:*:*", "knowledge:*:*", "oauth:*:*", "admin:*:*", "audits:*:*",
	}},
	{"wfm-planner", "WFM planner", "Plans forecasts and schedules", []string{
		"wfm:*:*", "directory:user:view",
	}},
	{"analyst", "Analyst", "Reads analytics and quality data", []string{
		"analytics:*:view", "quality:evaluation:view", "speechAndTextAnalytics:data:view",
	}},
	{"integration", "Integration", "Synchronizes contacts with a CRM", []string{
		"externalContacts:contact:*", "directory:user:view", "conversation:communication:view",
	}},
	{"chatbot", "Chatbot", "A virtual agent", []string{
		"externalContacts:contact:add", "knowledge:knowledgebase:view",
	}},
	{"automation", "Automation", "Checks users and campaigns", []string{
		"directory:user:view", "outbound:campaign:view",
	}},
}

var profiles = []struct {
	name      string
	grantType client.GrantType
	scopes    string
	calls     []string
	role      string
}{
	{"Agent Desktop", client.AuthorizationCode,
		"conversations:readonly conversations:call:control users:readonly presence:manage recordings:view",
		[]string{"GET /api/v2/conversations", "POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
			"GET /api/v2/users/me", "PATCH /api/v2/users/{userId}/presence", "GET /api/v2/conversations/{conversationId}/recordings"},
		"agent"},
	{"Admin Dashboard", client.AuthorizationCode,
		"users:readonly routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail",
		[]string{"GET /api/v2/users", "GET /api/v2/routing/queues", "GET /api/v2/routing/skills", "GET /api/v2/schedules",
			"POST /api/v2/analytics/conversations/details/query"},
		"supervisor"},
	{"WFM Application", client.AuthorizationCode,
		"scheduling:manage forecasting:manage timeoff:manage adherence:manage users:readonly",
		[]string{"GET /api/v2/schedules", "POST /api/v2/schedules", "GET /api/v2/forecasts", "POST /api/v2/forecasts",
			"GET /api/v2/timeoffrequests", "PATCH /api/v2/timeoffrequests/{requestId}", "PATCH /api/v2/adherence/{userId}", "GET /api/v2/users"},
		"wfm-planner"},
	{"Salesforce Sync", client.AuthorizationCode,
		"externalcontacts:manage users:readonly conversations:readonly",
		[]string{"GET /api/v2/externalcontacts/contacts", "POST /api/v2/externalcontacts/contacts", "GET /api/v2/users", "GET /api/v2/conversations"},
		"integration"},
	{"Virtual Agent", client.SAML2Bearer,
		"conversations:external:contact:add knowledge:readonly",
		[]string{"POST /api/v2/conversations/{conversationId}/participants/{participantId}/externalcontact", "GET /api/v2/knowledge/knowledgebases"},
		"chatbot"},
	{"Analytics Reporter", client.Implicit,
		"analytics:conversationDetail analytics:aggregate:view quality:evaluation:view speechanalytics:data:view",
		[]string{"POST /api/v2/analytics/conversations/details/query", "POST /api/v2/analytics/conversations/aggregates/query",
			"GET /api/v2/quality/evaluations", "GET /api/v2/speechanalytics/conversations/{conversationId}"},
		"analyst"},
	{"API Automation", client.ClientCredentials, "",
		[]string{"GET /api/v2/users", "GET /api/v2/outbound/campaigns"},
		"automation"},
}
