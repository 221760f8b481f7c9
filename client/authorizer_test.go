package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

func TestAuthorize(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	app, _, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)

	_, err = f.authorizer.Authorization(ctx, customer, app.ID)
	require.ErrorIs(t, err, client.ErrNotAuthorized, "no authorization until an admin decides")

	authorizer := f.actorIn(t, customer, "oauth:client:authorize")
	auth, err := f.authorizer.Authorize(ctx, authorizer, app.ID, scopes("conversations:readonly users:readonly"))
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly users:readonly", auth.Granted.String())
	require.Equal(t, "conversations:call:control presence:manage", auth.Denied.String(), "what is not granted is denied")
	require.Equal(t, authorizer.Subject(), auth.AuthorizedBy)
	require.Equal(t, f.clock.now(), auth.AuthorizedAt)
	require.Equal(t, "conversations:readonly users:readonly", auth.Effective(app).String())
	require.True(t, auth.Pending(app).IsEmpty())

	stored, err := f.authorizer.Authorization(ctx, customer, app.ID)
	require.NoError(t, err)
	require.True(t, stored.Granted.Equal(auth.Granted))
	_, err = f.authorizer.Authorization(ctx, "third-org", app.ID)
	require.ErrorIs(t, err, client.ErrNotAuthorized, "authorizations are per org")
}

func TestAuthorizeRejects(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.admin(t)
	app, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	cc, _, err := f.registry.Create(ctx, admin, client.Registration{Name: "Job", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "reporting"}}})
	require.NoError(t, err)
	disabled, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	_, err = f.registry.Update(ctx, admin, disabled.ID, func(c *client.Client) error { c.State = client.Disabled; return nil })
	require.NoError(t, err)
	custAdmin := f.adminIn(t, customer)

	tests := []struct {
		name  string
		actor *permission.Access
		id    client.ID
		grant string
		err   error
	}{
		{name: "no permission", actor: f.actorIn(t, customer, "oauth:client:edit"), id: app.ID, grant: "users:readonly", err: client.ErrForbidden},
		{name: "no actor", actor: nil, id: app.ID, grant: "users:readonly", err: client.ErrForbidden},
		{name: "an actor without an org", actor: &permission.Access{}, id: app.ID, grant: "users:readonly", err: client.ErrForbidden},
		{name: "scope not requested", actor: custAdmin, id: app.ID, grant: "users:readonly users:manage", err: client.ErrScope},
		{name: "unknown client", actor: custAdmin, id: client.NewID(), grant: "users:readonly", err: client.ErrNotFound},
		{name: "client credentials", actor: custAdmin, id: cc.ID, grant: "users:readonly", err: client.ErrGrantType},
		{name: "disabled", actor: custAdmin, id: disabled.ID, grant: "users:readonly", err: client.ErrDisabled},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.authorizer.Authorize(ctx, tt.actor, tt.id, scopes(tt.grant))
			require.ErrorIs(t, err, tt.err)
			_, err = f.authorizer.Authorization(ctx, customer, tt.id)
			require.ErrorIs(t, err, client.ErrNotAuthorized, "nothing recorded")
		})
	}
}

func TestAuthorizationFollowsClientChanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin, custAdmin := f.admin(t), f.adminIn(t, customer)
	app, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	_, err = f.authorizer.Authorize(ctx, custAdmin, app.ID, scopes("conversations:readonly users:readonly presence:manage"))
	require.NoError(t, err)

	// The provider adds recordings:view and drops presence:manage.
	app, err = f.registry.Update(ctx, admin, app.ID, func(c *client.Client) error {
		c.Scopes = scopes("conversations:readonly conversations:call:control users:readonly recordings:view")
		return nil
	})
	require.NoError(t, err)
	auth, err := f.authorizer.Authorization(ctx, customer, app.ID)
	require.NoError(t, err)
	require.Equal(t, "recordings:view", auth.Pending(app).String(), "the new scope awaits review; the denied one does not")
	require.Equal(t, "conversations:readonly users:readonly", auth.Effective(app).String(), "the removed scope drops out")

	// The customer's admin reviews and grants it.
	auth, err = f.authorizer.Authorize(ctx, custAdmin, app.ID, scopes("conversations:readonly users:readonly recordings:view"))
	require.NoError(t, err)
	require.True(t, auth.Pending(app).IsEmpty())
	require.Equal(t, "conversations:readonly recordings:view users:readonly", auth.Effective(app).String())
}

func TestRevokeAndList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin, custAdmin := f.admin(t), f.adminIn(t, customer)
	reg := codeRegistration()
	desktop, _, err := f.registry.Create(ctx, admin, reg)
	require.NoError(t, err)
	reg.Name = "Analytics Reporter"
	reg.Scopes = scopes("analytics:conversationDetail analytics:aggregate:view")
	reporter, _, err := f.registry.Create(ctx, admin, reg)
	require.NoError(t, err)
	reg.Name = "Gone"
	gone, _, err := f.registry.Create(ctx, admin, reg)
	require.NoError(t, err)

	for _, c := range []client.Client{desktop, reporter, gone} {
		_, err := f.authorizer.Authorize(ctx, custAdmin, c.ID, c.Scopes)
		require.NoError(t, err)
	}
	require.NoError(t, f.registry.Delete(ctx, admin, gone.ID))

	apps, err := f.authorizer.List(ctx, customer)
	require.NoError(t, err)
	var names []string
	for _, a := range apps {
		names = append(names, a.Client.Name+": "+a.Effective.String())
	}
	require.Equal(t, []string{
		"Agent Desktop: conversations:call:control conversations:readonly presence:manage users:readonly",
		"Analytics Reporter: analytics:aggregate:view analytics:conversationDetail",
	}, names, "sorted by name; deleted clients left out")

	require.ErrorIs(t, f.authorizer.Revoke(ctx, f.actorIn(t, customer, "oauth:client:add"), desktop.ID), client.ErrForbidden)
	require.ErrorIs(t, f.authorizer.Revoke(ctx, admin, desktop.ID), client.ErrNotAuthorized, "an admin revokes only its own org's authorizations")
	require.NoError(t, f.authorizer.Revoke(ctx, custAdmin, desktop.ID))
	_, err = f.authorizer.Authorization(ctx, customer, desktop.ID)
	require.ErrorIs(t, err, client.ErrNotAuthorized)
	require.ErrorIs(t, f.authorizer.Revoke(ctx, custAdmin, desktop.ID), client.ErrNotAuthorized)
	apps, err = f.authorizer.List(ctx, customer)
	require.NoError(t, err)
	require.Len(t, apps, 1)
}
