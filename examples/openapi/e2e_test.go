package openapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

var ctx = context.Background()

const org client.OrgID = "org-1"

// resolver knows the division of each user.
type resolver map[string]permission.DivisionID

func (r resolver) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	if d, ok := r[value]; ok {
		return d, nil
	}
	return "", enforce.ErrNoResource
}

// world is a real enforcer over an imported document: the table and the
// catalog go through their JSON, as the scopegate command writes them and
// a service reads them.
type world struct {
	t        *testing.T
	catalog  *scope.Catalog
	perms    *permission.MemStore
	clients  *client.MemStore
	app, job client.Client
	enforcer *enforce.Enforcer
}

// newWorld imports doc, loads its table strictly, and makes an enforcer
// whose users hold the roles given (user → policies, in all divisions
// unless the user's name ends in "@home").
func newWorld(t *testing.T, doc []byte, users map[string][]string) *world {
	t.Helper()
	res, err := openapi.Import(doc, openapi.Options{Mode: enforce.Lenient})
	require.NoError(t, err)
	tableJSON, err := res.TableJSON()
	require.NoError(t, err)
	catalogJSON, err := res.CatalogJSON()
	require.NoError(t, err)

	w := &world{t: t, perms: permission.NewMemStore(), clients: client.NewMemStore()}
	w.catalog, err = scope.ParseCatalogJSON(catalogJSON)
	require.NoError(t, err)
	policy, report, err := enforce.LoadPolicyJSON(tableJSON, enforce.Config{Catalog: w.catalog}, enforce.Strict)
	require.NoError(t, err, "an imported table loads strictly")
	require.Equal(t, res.Refused, report.Refused())

	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(t, err)
	require.NoError(t, w.perms.PutDivisions(org, divs))
	for user, policies := range users {
		r := permission.Role{ID: permission.RoleID("role-" + user), Name: "Role of " + user}
		for _, p := range policies {
			r.Policies = append(r.Policies, permission.MustParse(p))
		}
		require.NoError(t, w.perms.PutRole(org, r))
		g := permission.Grant{Subject: permission.User(user), Role: r.ID, AllDivisions: true}
		if strings.HasSuffix(user, "@home") {
			g = permission.Grant{Subject: permission.User(user), Role: r.ID, Divisions: []permission.DivisionID{"home"}}
		}
		require.NoError(t, w.perms.AddGrant(org, g))
	}
	var all []scope.Scope
	for _, e := range res.Catalog {
		all = append(all, e.Scope)
	}
	scopes, err := scope.NewSet(all...)
	require.NoError(t, err)
	w.app = w.addClient(client.Client{Name: "App", GrantType: client.AuthorizationCode, State: client.Active,
		Scopes: scopes, RedirectURIs: []string{"https://app.example.com/cb"}})
	w.job = w.addClient(client.Client{Name: "Job", GrantType: client.ClientCredentials, State: client.Active,
		Roles: []client.RoleAssignment{{Role: permission.RoleID("role-job"), AllDivisions: true}}})
	w.enforcer, err = enforce.New(policy, enforce.Sources{
		Access:      permission.NewCache(client.PermissionStore{Users: w.perms, Clients: w.clients}, 0),
		Revocations: grant.NewMemStore(nil),
		Clients:     w.clients,
		Divisions:   resolver{"u-home": "home", "u-sales": "sales"},
	})
	require.NoError(t, err)
	return w
}

func (w *world) addClient(c client.Client) client.Client {
	w.t.Helper()
	c.ID, c.Org, c.TokenLifetime = client.NewID(), org, time.Hour
	require.NoError(w.t, c.Validate(w.catalog))
	require.NoError(w.t, w.clients.CreateClient(ctx, c))
	return c
}

// decide asks the enforcer about a call by user (or the job, for "")
// with a token of the given scopes.
func (w *world) decide(method, path, user, scopes string) enforce.Decision {
	w.t.Helper()
	tok := grant.Token{ID: grant.NewTokenID(), Client: w.app.ID, Org: org, GrantType: client.AuthorizationCode, User: user,
		IssuedAt: time.Now().Add(-time.Minute), ExpiresAt: time.Now().Add(time.Hour)}
	if user == "" {
		tok.Client, tok.GrantType = w.job.ID, client.ClientCredentials
	}
	if scopes != "" {
		tok.Scopes = scope.MustParseSet(scopes)
	}
	d, err := w.enforcer.Enforce(ctx, &enforce.Request{Method: method, Path: path, Token: tok})
	require.NoError(w.t, err)
	return d
}

type call struct {
	name                       string
	method, path, user, scopes string
	want                       enforce.Code
}

func (w *world) check(calls []call) {
	w.t.Helper()
	for _, c := range calls {
		d := w.decide(c.method, c.path, c.user, c.scopes)
		require.Equal(w.t, c.want.String(), d.Code().String(), "%s: %s", c.name, d.Reason())
	}
}

// TestGenesysDocumentDecides: the Genesys-shaped document, imported,
// decides real calls as its extensions say.
func TestGenesysDocumentDecides(t *testing.T) {
	w := newWorld(t, read(t, "genesys2.json"), map[string][]string{
		"legacy-admin":   {"admin"},
		"domain-admin":   {"admin:*:*"},
		"user-manager":   {"directory:*:*"},
		"viewer@home":    {"directory:user:view"},
		"wfm-last":       {"wfm:shortTermForecast:delete"},
		"x-integrator":   {"messaging:XIntegration:edit"},
		"x-lower":        {"messaging:xIntegration:edit"},
		"chatter":        {"chat:1on1Message:view"},
		"document-user":  {"content_management_user"},
		"document-other": {"content:management:user"},
		"job":            {"directory:user:view"},
	})
	const allowed, noPerm = enforce.CodeAllowed, enforce.CodePermissionMissing
	w.check([]call{
		{"legacy admin in a long ANY list", "DELETE", "/api/v2/users/u-home", "legacy-admin", "users", allowed},
		{"admin:*:* is not the legacy admin", "DELETE", "/api/v2/users/u-home", "domain-admin", "users", noPerm},
		{"a wildcard covers directory:user:delete", "DELETE", "/api/v2/users/u-home", "user-manager", "users", allowed},
		{"the scope is still needed", "DELETE", "/api/v2/users/u-home", "legacy-admin", "users:readonly", enforce.CodeScopeMissing},
		{"division from the path: held in Home", "GET", "/api/v2/users/u-home", "viewer@home", "users:readonly", allowed},
		{"division from the path: not held in Sales", "GET", "/api/v2/users/u-sales", "viewer@home", "users:readonly", noPerm},
		{"the last of 68", "GET", "/api/v2/workforcemanagement/businessunits/bu-1", "wfm-last", "workforce-management:readonly", allowed},
		{"none of 68", "GET", "/api/v2/workforcemanagement/businessunits/bu-1", "viewer@home", "workforce-management:readonly", noPerm},
		{"a capital, kept", "PATCH", "/api/v2/conversations/messaging/integrations/x/i-1", "x-integrator", "messaging", allowed},
		{"case matters", "PATCH", "/api/v2/conversations/messaging/integrations/x/i-1", "x-lower", "messaging", noPerm},
		{"a digit first", "GET", "/api/v2/chats/users/u-home/messages", "chatter", "chat:readonly", allowed},
		{"legacy content_management_user", "GET", "/api/v2/contentmanagement/documents/d-1", "document-user", "content-management:readonly", allowed},
		{"not an invented three-part name", "GET", "/api/v2/contentmanagement/documents/d-1", "document-other", "content-management:readonly", noPerm},
		{"no permission needed", "GET", "/api/v2/users/me", "viewer@home", "users:readonly", allowed},
		{"user required", "GET", "/api/v2/users/me", "", "", enforce.CodeUserRequired},
		{"the prose endpoint was left out", "GET", "/api/v2/users/u-home/externalid", "legacy-admin", "users", enforce.CodeEndpointUnknown},
		{"no security: not scopegate's", "GET", "/api/v2/license/toggles/f", "legacy-admin", "users", enforce.CodeEndpointUnknown},
	})
}

// TestPetstoreDecides: the real Petstore, imported, decides real calls:
// its OAuth 2 operations by their scopes, the others not at all.
func TestPetstoreDecides(t *testing.T) {
	w := newWorld(t, read(t, "petstore3.yaml"), map[string][]string{"alice": {}})
	w.check([]call{
		{"read:pets suffices", "GET", "/pet/10", "alice", "read:pets", enforce.CodeAllowed},
		{"so does write:pets", "DELETE", "/pet/10", "alice", "write:pets", enforce.CodeAllowed},
		{"no pet scope", "POST", "/pet", "alice", "", enforce.CodeScopeMissing},
		{"a static segment beats the parameter", "GET", "/pet/findByStatus", "alice", "read:pets", enforce.CodeAllowed},
		{"an api-key operation is not scopegate's", "GET", "/store/inventory", "alice", "read:pets", enforce.CodeEndpointUnknown},
		{"an open operation is not scopegate's", "GET", "/user/login", "alice", "read:pets", enforce.CodeEndpointUnknown},
	})
}
