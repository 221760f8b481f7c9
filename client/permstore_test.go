package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

func TestPermissionStore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	job, _, err := f.registry.Create(ctx, f.admin(t), client.Registration{
		Name:      "Export",
		GrantType: client.ClientCredentials,
		Roles:     []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"sales"}}},
	})
	require.NoError(t, err)
	store := client.PermissionStore{Users: f.perms, Clients: f.clients}

	access, err := permission.Compile(ctx, store, org, job.Subject())
	require.NoError(t, err)
	view := permission.MustAllOf(permission.MustParse("analytics:conversationDetail:view"))
	require.True(t, access.Check(view, permission.In("sales")).Satisfied(), "the client's own role, in its division")
	require.False(t, access.Check(view, permission.In("home")).Satisfied())

	// Users still get their grants through the same store.
	actor := f.actor(t, "oauth:client:add")
	user, err := permission.Compile(ctx, store, org, actor.Subject())
	require.NoError(t, err)
	require.True(t, user.Check(permission.MustAllOf(client.PermissionAdd), permission.OrgWide()).Satisfied())

	// Unknown or malformed client IDs have no grants.
	for _, id := range []string{client.NewID().String(), "not-an-id"} {
		grants, err := store.Grants(ctx, org, permission.Client(id))
		require.NoError(t, err)
		require.Empty(t, grants)
	}
	groups, err := store.Groups(ctx, org, job.Subject())
	require.NoError(t, err)
	require.Empty(t, groups)

	// A client acts with its roles in its own org only.
	grants, err := store.Grants(ctx, customer, job.Subject())
	require.NoError(t, err)
	require.Empty(t, grants, "a client's roles never count in another org")
	elsewhere, err := permission.Compile(ctx, store, customer, job.Subject())
	require.NoError(t, err)
	require.False(t, elsewhere.Check(view, permission.OrgWide()).Satisfied())
}

func TestClientStateAndEffectiveScopes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	app, _, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	status, err := f.clients.ClientStatus(ctx, app.ID)
	require.NoError(t, err)
	require.Equal(t, client.Status{State: client.Active}, status)
	_, err = f.clients.ClientStatus(ctx, client.NewID())
	require.ErrorIs(t, err, client.ErrNotFound)

	_, err = f.authorizer.EffectiveScopes(ctx, "customer", app.ID)
	require.ErrorIs(t, err, client.ErrNotAuthorized)
	_, err = f.authorizer.Authorize(ctx, f.adminIn(t, customer), app.ID, scopes("users:readonly presence:manage"))
	require.NoError(t, err)
	_, err = f.registry.Update(ctx, f.admin(t), app.ID, func(c *client.Client) error {
		c.Scopes = scopes("users:readonly conversations:readonly")
		return nil
	})
	require.NoError(t, err)
	eff, err := f.authorizer.EffectiveScopes(ctx, "customer", app.ID)
	require.NoError(t, err)
	require.Equal(t, "users:readonly", eff.String())
}

// TestPermissionStoreChangesReachACache: a permission.Cache over a
// PermissionStore sees, by itself, a role newly given to a
// client-credentials client, a user's new grant, and a deleted client.
func TestPermissionStoreChangesReachACache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	job, _, err := f.registry.Create(ctx, f.admin(t), client.Registration{
		Name: "Export", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"home"}}},
	})
	require.NoError(t, err)
	cache := permission.NewCache(client.PermissionStore{Users: f.perms, Clients: f.clients}, 0)
	view := permission.MustAllOf(permission.MustParse("analytics:conversationDetail:view"))
	check := func(s permission.Subject, div permission.DivisionID) bool {
		t.Helper()
		access, err := cache.Access(ctx, org, s)
		require.NoError(t, err)
		return access.Check(view, permission.In(div)).Satisfied()
	}
	require.True(t, check(job.Subject(), "home"))
	require.False(t, check(job.Subject(), "sales"))

	// The client's roles change: the cache sees it.
	job.Roles = []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"home", "sales"}}}
	require.NoError(t, f.clients.UpdateClient(ctx, job))
	require.True(t, check(job.Subject(), "sales"), "a client's new division, without Invalidate")

	// A user's grants change: the cache sees it too.
	user := permission.User("analyst")
	require.False(t, check(user, "home"))
	require.NoError(t, f.perms.AddGrant(org, permission.Grant{Subject: user, Role: "reporting", AllDivisions: true}))
	require.True(t, check(user, "home"), "a user's new grant, without Invalidate")

	// The client is deleted: its roles are gone.
	require.NoError(t, f.clients.DeleteClient(ctx, job.ID))
	require.False(t, check(job.Subject(), "home"), "a deleted client holds nothing")
}
