package client_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// The org of the tests, with its divisions, and the other orgs the tests
// use: a customer that authorizes the org's apps, and another org whose
// admins must not touch the org's clients. Division IDs are unique across
// orgs.
const (
	org      client.OrgID = "org-1"
	customer client.OrgID = "customer"
	other    client.OrgID = "another-org"
)

var (
	home  = permission.Division{ID: "home", Name: "Home", Home: true}
	sales = permission.Division{ID: "sales", Name: "Sales"}
)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

type fixture struct {
	clock      *clock
	clients    *client.MemStore
	perms      *permission.MemStore
	registry   *client.Registry
	authorizer *client.Authorizer
	catalog    *scope.Catalog
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), clients: client.NewMemStore(), perms: permission.NewMemStore(), catalog: sample.Catalog()}
	divs, err := permission.NewDivisions(home, sales)
	require.NoError(t, err)
	require.NoError(t, f.perms.PutDivisions(org, divs))
	for _, o := range []client.OrgID{customer, other} {
		d, err := permission.NewDivisions(permission.Division{ID: permission.DivisionID(o + "-home"), Name: "Home", Home: true})
		require.NoError(t, err)
		require.NoError(t, f.perms.PutDivisions(o, d))
	}
	putRole(t, f.perms, permission.Role{ID: "reporting", Name: "Reporting", Policies: []permission.Permission{permission.MustParse("analytics:*:view")}})
	f.registry = client.NewRegistry(f.clients, f.catalog, f.perms, client.WithClock(f.clock.now))
	f.authorizer = client.NewAuthorizer(f.clients, f.clients, client.WithClock(f.clock.now))
	return f
}

// actors numbers the users actor makes, so that no two share a role.
var actors atomic.Int64

// actor returns the compiled access of a user of org who holds the given
// permissions in every division.
func (f *fixture) actor(t testing.TB, perms ...string) *permission.Access {
	return f.actorIn(t, org, perms...)
}

// actorIn is actor for a user of another org.
func (f *fixture) actorIn(t testing.TB, in client.OrgID, perms ...string) *permission.Access {
	t.Helper()
	user := permission.User(fmt.Sprintf("admin-%d", actors.Add(1)))
	role := permission.Role{ID: permission.RoleID("role-for-" + user.ID), Name: "Test role"}
	for _, p := range perms {
		role.Policies = append(role.Policies, permission.MustParse(p))
	}
	require.NoError(t, f.perms.PutRole(in, role))
	require.NoError(t, f.perms.AddGrant(in, permission.Grant{Subject: user, Role: role.ID, AllDivisions: true}))
	return f.compile(t, in, user)
}

func (f *fixture) compile(t testing.TB, in client.OrgID, s permission.Subject) *permission.Access {
	t.Helper()
	a, err := permission.Compile(context.Background(), f.perms, in, s)
	require.NoError(t, err)
	return a
}

// admin holds every OAuth client permission, and the reporting role in
// all divisions, so that it may give that role to clients.
func (f *fixture) admin(t testing.TB) *permission.Access {
	return f.adminIn(t, org)
}

// adminIn is admin in another org.
func (f *fixture) adminIn(t testing.TB, in client.OrgID) *permission.Access {
	t.Helper()
	a := f.actorIn(t, in, "oauth:client:*")
	if in == org {
		require.NoError(t, f.perms.AddGrant(org, permission.Grant{Subject: a.Subject(), Role: "reporting", AllDivisions: true}))
		a = f.compile(t, org, a.Subject())
	}
	return a
}

func putRole(t testing.TB, s *permission.MemStore, r permission.Role) {
	t.Helper()
	require.NoError(t, s.PutRole(org, r))
}

func scopes(s string) scope.Set { return scope.MustParseSet(s) }

// codeRegistration is a valid authorization-code registration.
func codeRegistration() client.Registration {
	return client.Registration{
		Name:         "Agent Desktop",
		Description:  "Handles calls",
		GrantType:    client.AuthorizationCode,
		Scopes:       scopes("conversations:readonly conversations:call:control users:readonly presence:manage"),
		RedirectURIs: []string{"https://desktop.example.com/callback"},
	}
}
