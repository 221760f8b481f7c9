package enforce_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

var ctx = context.Background()

const (
	org         client.OrgID = "org-1"
	orgNoScopes client.OrgID = "org-noscopes" // scope enforcement off
	vendor      client.OrgID = "org-vendor"   // another org, with divisions of its own
)

// testDivisions are the divisions of every test org: Home and Sales, and
// div0 to div99 for the benchmarks. (Real division IDs are unique across
// orgs; the tests' orgs share theirs to keep the fixtures short.)
var testDivisions = func() *permission.Divisions {
	list := []permission.Division{{ID: "home", Name: "Home", Home: true}, {ID: "sales", Name: "Sales"}}
	for i := range 100 {
		list = append(list, permission.Division{ID: permission.DivisionID(fmt.Sprint("div", i)), Name: fmt.Sprint("Division ", i)})
	}
	d, err := permission.NewDivisions(list...)
	if err != nil {
		panic(err)
	}
	return d
}()

// orgStore returns a permission store that knows the given orgs, each
// with testDivisions.
func orgStore(tb testing.TB, orgs ...client.OrgID) *permission.MemStore {
	tb.Helper()
	s := permission.NewMemStore()
	for _, o := range orgs {
		require.NoError(tb, s.PutDivisions(o, testDivisions))
	}
	return s
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// resolver knows the division of each user.
type resolver map[string]permission.DivisionID

func (r resolver) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	div, ok := r[value]
	if !ok {
		return "", enforce.ErrNoResource
	}
	return div, nil
}

type fixture struct {
	t        testing.TB
	clock    *clock
	catalog  *scope.Catalog
	perms    *permission.MemStore
	clients  *client.MemStore
	grants   *grant.MemStore
	policy   *enforce.Policy
	sources  enforce.Sources
	enforcer *enforce.Enforcer
	// The clients: an authorization-code app, a client-credentials job
	// with its own role in Home, and a disabled app, all of org; and a
	// vendor's client-credentials job, an admin in all of the vendor's
	// divisions.
	desktop, job, disabled, vendorJob client.Client
}

// The users: agent (the Agent role in Home), admin (every permission in
// every division), salesAdmin (user administration in Sales only), viewer
// (can view conversations only) and nobody (no role).
func newFixture(t testing.TB, opts ...enforce.Option) *fixture {
	t.Helper()
	return newFixtureWith(t, nil, opts...)
}

// newFixtureWith is newFixture with the enforcer's sources changed first.
func newFixtureWith(t testing.TB, change func(*enforce.Sources), opts ...enforce.Option) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, catalog: sample.Catalog(),
		perms: orgStore(t, org, orgNoScopes), clients: client.NewMemStore(), grants: grant.NewMemStore(nil)}
	for _, r := range []permission.Role{
		role("agent", "conversation:conversation:view", "conversation:call:transfer", "directory:user:view", "presence:userPresence:edit"),
		role("admin", "directory:*:*", "conversation:*:*", "wfm:*:*", "routing:*:*", "authorization:*:*", "analytics:*:*", "outbound:*:*", "presence:*:*"),
		role("user-admin", "directory:user:*"),
		role("viewer", "conversation:conversation:view"),
		role("reporting", "analytics:*:view", "directory:user:view"),
	} {
		for _, o := range []client.OrgID{org, orgNoScopes} {
			require.NoError(t, f.perms.PutRole(o, r))
		}
	}
	for _, g := range []permission.Grant{
		{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"home"}},
		{Subject: permission.User("admin"), Role: "admin", AllDivisions: true},
		{Subject: permission.User("salesAdmin"), Role: "user-admin", Divisions: []permission.DivisionID{"sales"}},
		{Subject: permission.User("viewer"), Role: "viewer", Divisions: []permission.DivisionID{"home"}},
	} {
		for _, o := range []client.OrgID{org, orgNoScopes} {
			require.NoError(t, f.perms.AddGrant(o, g))
		}
	}
	f.desktop = f.addClient(client.Client{Name: "Agent Desktop", GrantType: client.AuthorizationCode, State: client.Active,
		Scopes: scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage"), RedirectURIs: []string{"https://d.example.com/cb"}})
	f.job = f.addClient(client.Client{Name: "Nightly export", GrantType: client.ClientCredentials, State: client.Active,
		Roles: []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"home"}}}})
	f.disabled = f.addClient(client.Client{Name: "Old app", GrantType: client.AuthorizationCode, State: client.Disabled,
		Scopes: scope.MustParseSet("users:readonly"), RedirectURIs: []string{"https://o.example.com/cb"}})
	vendorDivs, err := permission.NewDivisions(permission.Division{ID: "vendor-home", Name: "Vendor Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, f.perms.PutDivisions(vendor, vendorDivs))
	require.NoError(t, f.perms.PutRole(vendor, role("admin", "directory:*:*", "routing:*:*")))
	f.vendorJob = f.addClient(client.Client{Name: "Vendor sync", GrantType: client.ClientCredentials, State: client.Active,
		Roles: []client.RoleAssignment{{Role: "admin", AllDivisions: true}}})
	f.vendorJob.Org = vendor
	require.NoError(t, f.clients.UpdateClient(ctx, f.vendorJob))

	data, err := os.ReadFile("testdata/endpoints.json")
	require.NoError(t, err)
	endpoints, err := enforce.ParseEndpointsJSON(data)
	require.NoError(t, err)
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(t, err)
	f.policy, err = enforce.NewPolicy(enforce.Config{
		Catalog:   f.catalog,
		Endpoints: endpoints,
		Orgs: []enforce.Org{
			{ID: org, Divisions: divs},
			{ID: orgNoScopes, DisableScopeEnforcement: true, Divisions: divs},
		},
	})
	require.NoError(t, err)
	f.sources = enforce.Sources{
		Access:      permission.NewCache(client.PermissionStore{Users: f.perms, Clients: f.clients}, 0),
		Revocations: f.grants,
		Clients:     f.clients,
		Divisions:   resolver{"u-home": "home", "u-sales": "sales", "u-vendor": "vendor-home"},
	}
	if change != nil {
		change(&f.sources)
	}
	f.enforcer = f.newEnforcer(f.sources, opts...)
	return f
}

// newEnforcer returns an enforcer over the fixture's policy, on its clock
// and with its realm, reading src.
func (f *fixture) newEnforcer(src enforce.Sources, opts ...enforce.Option) *enforce.Enforcer {
	f.t.Helper()
	e, err := enforce.New(f.policy, src, append([]enforce.Option{enforce.WithClock(f.clock.now), enforce.WithRealm("scopegate")}, opts...)...)
	require.NoError(f.t, err)
	return e
}

func role(id string, policies ...string) permission.Role {
	r := permission.Role{ID: permission.RoleID(id), Name: id}
	for _, p := range policies {
		r.Policies = append(r.Policies, permission.MustParse(p))
	}
	return r
}

func (f *fixture) addClient(c client.Client) client.Client {
	f.t.Helper()
	c.ID, c.Org, c.TokenLifetime = client.NewID(), org, time.Hour
	require.NoError(f.t, c.Validate(f.catalog))
	require.NoError(f.t, f.clients.CreateClient(ctx, c))
	return c
}

// token returns a token of the desktop app for user with scopes, issued a
// minute ago and valid for an hour.
func (f *fixture) token(user, scopes string) grant.Token {
	t := grant.Token{ID: grant.NewTokenID(), Client: f.desktop.ID, Org: org, GrantType: client.AuthorizationCode, User: user,
		IssuedAt: f.clock.now().Add(-time.Minute), ExpiresAt: f.clock.now().Add(time.Hour)}
	if scopes != "" {
		t.Scopes = scope.MustParseSet(scopes)
	}
	return t
}

// ccToken returns a client-credentials token of the export job.
func (f *fixture) ccToken() grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: f.job.ID, Org: org, GrantType: client.ClientCredentials,
		IssuedAt: f.clock.now().Add(-time.Minute), ExpiresAt: f.clock.now().Add(time.Hour)}
}

func (f *fixture) enforce(method, path string, tok grant.Token) enforce.Decision {
	f.t.Helper()
	d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: method, Path: path, Token: tok})
	require.NoError(f.t, err)
	return d
}
