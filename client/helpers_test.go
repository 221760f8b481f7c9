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

// The org of the tests, with its divisions.
const org client.OrgID = "org-1"

var (
	home  = permission.Division{ID: "home", Name: "Home", Home: true}
	sales = permission.Division{ID: "sales", Name: "Sales"}
)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

// divisionStore serves the same divisions for every org.
type divisionStore struct{ d *permission.Divisions }

func (s divisionStore) Divisions(context.Context, client.OrgID) (*permission.Divisions, error) {
	return s.d, nil
}

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
	putRole(t, f.perms, permission.Role{ID: "reporting", Name: "Reporting", Policies: []permission.Permission{permission.MustParse("analytics:*:view")}})
	f.registry = client.NewRegistry(f.clients, f.catalog, f.perms, divisionStore{divs}, client.WithClock(f.clock.now))
	f.authorizer = client.NewAuthorizer(f.clients, f.clients, client.WithClock(f.clock.now))
	return f
}

// actors numbers the users actor makes, so that no two share a role.
var actors atomic.Int64

// actor returns the compiled access of a user who holds the given
// permissions in every division.
func (f *fixture) actor(t testing.TB, perms ...string) *permission.Access {
	t.Helper()
	user := permission.User(fmt.Sprintf("admin-%d", actors.Add(1)))
	role := permission.Role{ID: permission.RoleID("role-for-" + user.ID), Name: "Test role"}
	for _, p := range perms {
		role.Policies = append(role.Policies, permission.MustParse(p))
	}
	putRole(t, f.perms, role)
	grantRole(t, f.perms, permission.Grant{Subject: user, Role: role.ID, AllDivisions: true})
	a, err := permission.Compile(context.Background(), f.perms, user)
	require.NoError(t, err)
	return a
}

// admin holds every OAuth client permission.
func (f *fixture) admin(t testing.TB) *permission.Access {
	return f.actor(t, "oauth:client:*")
}

func putRole(t testing.TB, s *permission.MemStore, r permission.Role) {
	t.Helper()
	require.NoError(t, s.PutRole(r))
}

func grantRole(t testing.TB, s *permission.MemStore, g permission.Grant) {
	t.Helper()
	require.NoError(t, s.AddGrant(g))
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
