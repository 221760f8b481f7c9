package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

func TestCreate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, secret, err := f.registry.Create(ctx, f.actor(t, "oauth:client:add"), codeRegistration())
	require.NoError(t, err)
	require.True(t, c.ID.IsValid())
	require.Equal(t, org, c.Org)
	require.Equal(t, client.Active, c.State)
	require.Equal(t, client.DefaultTokenLifetime, c.TokenLifetime, "24 hours when not given")
	require.False(t, secret.IsZero())
	require.Equal(t, f.clock.now(), c.CreatedAt)

	stored, err := f.registry.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, c.Name, stored.Name)
	require.True(t, stored.Scopes.Equal(c.Scopes))
}

// TestCreateTokenLifetime: the bounds as a registration sees them, with
// the 24-hour default when no lifetime is given.
func TestCreateTokenLifetime(t *testing.T) {
	tests := []struct {
		name     string
		lifetime time.Duration
		want     time.Duration // zero: refused
	}{
		{name: "not given", lifetime: 0, want: client.DefaultTokenLifetime},
		{name: "299 s", lifetime: 299 * time.Second},
		{name: "300 s", lifetime: 300 * time.Second, want: 300 * time.Second},
		{name: "86400 s", lifetime: 86400 * time.Second, want: 86400 * time.Second},
		{name: "172800 s", lifetime: 172800 * time.Second, want: 172800 * time.Second},
		{name: "172801 s", lifetime: 172801 * time.Second},
	}
	f := newFixture(t)
	admin := f.admin(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := codeRegistration()
			reg.TokenLifetime = tt.lifetime
			c, _, err := f.registry.Create(context.Background(), admin, reg)
			if tt.want == 0 {
				require.Equal(t, []string{"token_lifetime"}, fields(t, err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c.TokenLifetime)
		})
	}
	require.Equal(t, 24*time.Hour, client.DefaultTokenLifetime)
}

func TestCreateNeedsPermission(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, actor := range []*permission.Access{nil, f.actor(t, "oauth:client:edit"), f.actor(t, "oauth:client:view")} {
		_, _, err := f.registry.Create(ctx, actor, codeRegistration())
		require.ErrorIs(t, err, client.ErrForbidden)
		require.ErrorContains(t, err, "oauth:client:add")
	}
}

func TestCreateSecrets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.admin(t)

	public := codeRegistration()
	public.Public = true
	c, secret, err := f.registry.Create(ctx, admin, public)
	require.NoError(t, err)
	require.True(t, secret.IsZero(), "a public client has no secret")
	require.True(t, c.Credentials.IsZero())

	implicit := codeRegistration()
	implicit.GrantType = client.Implicit
	c, secret, err = f.registry.Create(ctx, admin, implicit)
	require.NoError(t, err)
	require.True(t, secret.IsZero(), "an implicit client has no secret")
	require.True(t, c.Credentials.IsZero())

	saml := client.Registration{Name: "SSO", GrantType: client.SAML2Bearer, Scopes: scopes("users:readonly")}
	_, secret, err = f.registry.Create(ctx, admin, saml)
	require.NoError(t, err)
	require.False(t, secret.IsZero())

	_, err = f.registry.RotateSecret(ctx, admin, c.ID, 0)
	require.ErrorIs(t, err, client.ErrGrantType)
}

func TestCreateClientCredentialsRoles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := client.Registration{
		Name:      "Nightly export",
		GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{
			{Role: "reporting"},
		},
	}
	c, secret, err := f.registry.Create(ctx, f.admin(t), reg)
	require.NoError(t, err)
	require.False(t, secret.IsZero())
	require.Equal(t, []permission.DivisionID{"home"}, c.Roles[0].Divisions, "roles default to the Home division")

	reg.Roles = []client.RoleAssignment{
		{Role: "reporting", Divisions: []permission.DivisionID{"sales", "atlantis"}},
		{Role: "no-such-role", AllDivisions: true},
	}
	reg.Scopes = scopes("users:readonly")
	_, _, err = f.registry.Create(ctx, f.admin(t), reg)
	require.Equal(t, []string{"roles[0].divisions", "roles[1].role", "scopes"}, fields(t, err))
	require.ErrorIs(t, err, permission.ErrRoleNotFound)
}

func TestCreateClientCredentialsWithoutRoleStore(t *testing.T) {
	f := newFixture(t)
	r := client.NewRegistry(f.clients, f.catalog, nil)
	_, _, err := r.Create(context.Background(), f.admin(t), client.Registration{Name: "x", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "reporting"}}})
	require.ErrorContains(t, err, "no directory of roles and divisions")
}

func TestUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.admin(t)
	c, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)

	f.clock.advance(time.Minute)
	updated, err := f.registry.Update(ctx, f.actor(t, "oauth:client:edit"), c.ID, func(c *client.Client) error {
		c.Name = "Agent Desktop 2"
		c.Scopes = c.Scopes.Union(scopes("recordings:view"))
		c.TokenLifetime = client.MinTokenLifetime
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "Agent Desktop 2", updated.Name)
	require.Equal(t, f.clock.now(), updated.UpdatedAt)
	require.Equal(t, c.Revision+1, updated.Revision)
	stored, err := f.registry.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, updated.Revision, stored.Revision)
	require.True(t, stored.Scopes.Contains(scope.MustParse("recordings:view")))

	// The change is validated like a registration.
	_, err = f.registry.Update(ctx, admin, c.ID, func(c *client.Client) error {
		c.TokenLifetime = 10 * time.Hour * 24
		c.Scopes = scope.Set{}
		return nil
	})
	require.Equal(t, []string{"token_lifetime", "scopes"}, fields(t, err))

	// Fixed fields cannot change.
	other, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	_, err = f.registry.Update(ctx, admin, c.ID, func(c *client.Client) error {
		c.ID = client.NewID()
		c.GrantType = client.Implicit
		c.Org = "other"
		c.Public = true
		c.Credentials = other.Credentials
		c.Revision += 5
		c.CreatedAt = c.CreatedAt.Add(-time.Hour)
		return nil
	})
	require.Equal(t, []string{"id", "org", "grant_type", "public", "credentials", "revision", "created_at"}, fields(t, err))
	stored, err = f.registry.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, updated.Revision, stored.Revision, "nothing stored")

	// The change function's error comes back as is.
	boom := errors.New("boom")
	_, err = f.registry.Update(ctx, admin, c.ID, func(*client.Client) error { return boom })
	require.ErrorIs(t, err, boom)
}

func TestUpdateNeedsPermissionAndOwnOrg(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	noop := func(*client.Client) error { return nil }

	_, err = f.registry.Update(ctx, f.actor(t, "oauth:client:add"), c.ID, noop)
	require.ErrorIs(t, err, client.ErrForbidden)
	require.ErrorContains(t, err, "oauth:client:edit")

	outsider := f.adminIn(t, other)
	_, err = f.registry.Update(ctx, outsider, c.ID, noop)
	require.ErrorIs(t, err, client.ErrNotFound, "an admin of another org cannot see the client")
	_, err = f.registry.RotateSecret(ctx, outsider, c.ID, 0)
	require.ErrorIs(t, err, client.ErrNotFound)
	require.ErrorIs(t, f.registry.Delete(ctx, outsider, c.ID), client.ErrNotFound)

	_, err = f.registry.Update(ctx, f.admin(t), client.NewID(), noop)
	require.ErrorIs(t, err, client.ErrNotFound)
}

func TestUpdateConflict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	stale := c
	stale.Name = "Stale"
	_, err = f.registry.Update(ctx, f.admin(t), c.ID, func(c *client.Client) error { c.Name = "Fresh"; return nil })
	require.NoError(t, err)
	require.ErrorIs(t, f.clients.UpdateClient(ctx, stale), client.ErrConflict)
}

func TestDelete(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	require.ErrorIs(t, f.registry.Delete(ctx, f.actor(t, "oauth:client:edit"), c.ID), client.ErrForbidden)
	require.NoError(t, f.registry.Delete(ctx, f.actor(t, "oauth:client:delete"), c.ID))
	_, err = f.registry.Client(ctx, c.ID)
	require.ErrorIs(t, err, client.ErrNotFound)
}

func TestAuthenticate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, secret, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)

	got, err := f.registry.Authenticate(ctx, c.ID, secret.Reveal())
	require.NoError(t, err)
	require.Equal(t, c.ID, got.ID)

	_, err = f.registry.Authenticate(ctx, c.ID, "wrong")
	require.ErrorIs(t, err, client.ErrCredentials)
	_, err = f.registry.Authenticate(ctx, client.NewID(), secret.Reveal())
	require.ErrorIs(t, err, client.ErrCredentials, "an unknown ID looks like a wrong secret")
	require.Equal(t, "client: invalid client credentials", err.Error())
}

// notFoundStore is a Store that answers every lookup with ErrNotFound
// and, by mistake, a client.
type notFoundStore struct {
	client.Store
	c client.Client
}

func (s notFoundStore) Client(ctx context.Context, id client.ID) (client.Client, error) {
	return s.c, client.ErrNotFound
}

// TestAuthenticateIgnoresAClientReturnedWithAnError: a client that comes
// with an error does not authenticate, even with its own secret.
func TestAuthenticateIgnoresAClientReturnedWithAnError(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, secret, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	r := client.NewRegistry(notFoundStore{f.clients, c}, f.catalog, f.perms)
	got, err := r.Authenticate(ctx, c.ID, secret.Reveal())
	require.ErrorIs(t, err, client.ErrCredentials)
	require.Zero(t, got)
}
