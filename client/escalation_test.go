package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

// escalation adds the org admin role of the attack to the fixture: a role
// that may grant roles, add users and authorize clients.
func escalation(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	putRole(t, f.perms, permission.Role{ID: "admin", Name: "Admin", Policies: []permission.Permission{
		permission.MustParse("authorization:*:*"), permission.MustParse("directory:*:*"), permission.MustParse("oauth:*:*"),
	}})
	putRole(t, f.perms, permission.Role{ID: "supervisor", Name: "Supervisor", Policies: []permission.Permission{permission.MustParse("quality:*:*")}})
	return f
}

// holder returns the access of a user of org holding perms in all
// divisions and, besides, the given grants.
func (f *fixture) holder(t *testing.T, perms []string, grants ...permission.Grant) *permission.Access {
	t.Helper()
	a := f.actor(t, perms...)
	for _, g := range grants {
		g.Subject = a.Subject()
		require.NoError(t, f.perms.AddGrant(org, g))
	}
	return f.compile(t, org, a.Subject())
}

func roleErr(t *testing.T, err error) []client.RoleAssignment {
	t.Helper()
	require.ErrorIs(t, err, client.ErrForbidden)
	var re *client.RoleError
	require.True(t, errors.As(err, &re), "want a *client.RoleError, got %v", err)
	return re.Missing
}

func jobWith(roles ...client.RoleAssignment) client.Registration {
	return client.Registration{Name: "Job", GrantType: client.ClientCredentials, Roles: roles}
}

// TestCreateRefusesRolesTheActorDoesNotHold: the critical escalation. A
// user who may only add clients must not create a client-credentials
// client holding the admin role, receive its secret and act as an org
// admin; an actor gives a client a role in a division only if it holds
// that role there, and in all divisions only if it holds it in all.
func TestCreateRefusesRolesTheActorDoesNotHold(t *testing.T) {
	f := escalation(t)
	add := []string{"oauth:client:add"}
	in := func(role permission.RoleID, divs ...permission.DivisionID) client.RoleAssignment {
		return client.RoleAssignment{Role: role, Divisions: divs}
	}
	everywhere := func(role permission.RoleID) client.RoleAssignment {
		return client.RoleAssignment{Role: role, AllDivisions: true}
	}
	grantIn := func(role permission.RoleID, divs ...permission.DivisionID) permission.Grant {
		return permission.Grant{Role: role, Divisions: divs}
	}
	tests := []struct {
		name    string
		actor   *permission.Access
		give    []client.RoleAssignment
		missing []client.RoleAssignment // nil: allowed
	}{
		{name: "only oauth:client:add, admin in all divisions", actor: f.holder(t, add),
			give: []client.RoleAssignment{everywhere("admin")}, missing: []client.RoleAssignment{everywhere("admin")}},
		{name: "only oauth:client:add, admin in Home by default", actor: f.holder(t, add),
			give: []client.RoleAssignment{{Role: "admin"}}, missing: []client.RoleAssignment{in("admin", "home")}},
		{name: "admin in Home gives admin in Home", actor: f.holder(t, add, grantIn("admin", "home")),
			give: []client.RoleAssignment{in("admin", "home")}},
		{name: "admin in Home gives admin in Sales", actor: f.holder(t, add, grantIn("admin", "home")),
			give: []client.RoleAssignment{in("admin", "home", "sales")}, missing: []client.RoleAssignment{in("admin", "sales")}},
		{name: "admin in every division one by one gives all divisions", actor: f.holder(t, add, grantIn("admin", "home", "sales")),
			give: []client.RoleAssignment{everywhere("admin")}, missing: []client.RoleAssignment{everywhere("admin")}},
		{name: "admin in all divisions gives all divisions", actor: f.holder(t, add, permission.Grant{Role: "admin", AllDivisions: true}),
			give: []client.RoleAssignment{everywhere("admin")}},
		{name: "admin in all divisions gives Sales", actor: f.holder(t, add, permission.Grant{Role: "admin", AllDivisions: true}),
			give: []client.RoleAssignment{in("admin", "sales")}},
		{name: "each missing role and division named", actor: f.holder(t, add, grantIn("supervisor", "home")),
			give:    []client.RoleAssignment{everywhere("admin"), in("supervisor", "home", "sales"), in("reporting", "sales")},
			missing: []client.RoleAssignment{everywhere("admin"), in("supervisor", "sales"), in("reporting", "sales")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, secret, err := f.registry.Create(context.Background(), tt.actor, jobWith(tt.give...))
			if tt.missing == nil {
				require.NoError(t, err)
				require.False(t, secret.IsZero())
				return
			}
			if diff := cmp.Diff(tt.missing, roleErr(t, err)); diff != "" {
				t.Errorf("missing roles (-want +got):\n%s", diff)
			}
			require.Zero(t, c, "nothing is created")
			require.True(t, secret.IsZero(), "no secret is handed out")
		})
	}
}

func TestRoleErrorNamesEveryRoleAndDivision(t *testing.T) {
	err := &client.RoleError{Action: "creating a client", Missing: []client.RoleAssignment{
		{Role: "admin", AllDivisions: true},
		{Role: "supervisor", Divisions: []permission.DivisionID{"sales", "support"}},
	}}
	require.Equal(t, `client: permission denied: creating a client needs holding the roles given: the actor lacks role "admin" in all divisions; role "supervisor" in divisions "sales", "support"`, err.Error())
	require.ErrorIs(t, err, client.ErrForbidden)
}

// TestUpdateRefusesRolesTheActorDoesNotHold: the same rule through
// Update, for the roles the change adds; removing roles, or editing a
// client whose roles the editor does not hold, needs no role.
func TestUpdateRefusesRolesTheActorDoesNotHold(t *testing.T) {
	f := escalation(t)
	ctx := context.Background()
	job, _, err := f.registry.Create(ctx, f.admin(t), jobWith(client.RoleAssignment{Role: "reporting", Divisions: []permission.DivisionID{"home"}}))
	require.NoError(t, err)
	editor := f.holder(t, []string{"oauth:client:edit"})

	setRoles := func(roles ...client.RoleAssignment) func(*client.Client) error {
		return func(c *client.Client) error { c.Roles = roles; return nil }
	}
	_, err = f.registry.Update(ctx, editor, job.ID, setRoles(client.RoleAssignment{Role: "admin", AllDivisions: true}))
	require.Equal(t, []client.RoleAssignment{{Role: "admin", AllDivisions: true}}, roleErr(t, err))
	_, err = f.registry.Update(ctx, editor, job.ID, setRoles(client.RoleAssignment{Role: "reporting", Divisions: []permission.DivisionID{"home", "sales"}}))
	require.Equal(t, []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"sales"}}}, roleErr(t, err),
		"a new division of a role held already counts")
	_, err = f.registry.Update(ctx, editor, job.ID, setRoles(client.RoleAssignment{Role: "reporting", AllDivisions: true}))
	require.Equal(t, []client.RoleAssignment{{Role: "reporting", AllDivisions: true}}, roleErr(t, err))
	stored, err := f.registry.Client(ctx, job.ID)
	require.NoError(t, err)
	require.Equal(t, job.Roles, stored.Roles, "a refused update changes nothing")

	_, err = f.registry.Update(ctx, editor, job.ID, func(c *client.Client) error { c.Name = "Nightly export"; return nil })
	require.NoError(t, err, "editing other fields gives nothing")

	// An editor who holds the role where it gives it may.
	owner := f.holder(t, []string{"oauth:client:edit"}, permission.Grant{Role: "reporting", Divisions: []permission.DivisionID{"sales"}})
	job, err = f.registry.Update(ctx, owner, job.ID, setRoles(client.RoleAssignment{Role: "reporting", Divisions: []permission.DivisionID{"home", "sales"}}))
	require.NoError(t, err)
	_, err = f.registry.Update(ctx, editor, job.ID, setRoles(client.RoleAssignment{Role: "reporting", Divisions: []permission.DivisionID{"sales"}}))
	require.NoError(t, err, "taking a division away gives nothing")
}

// TestRotateSecretNeedsEveryRoleOfTheClient: whoever receives a client's
// secret receives its power, so rotating needs every role the client
// holds, where it holds it.
func TestRotateSecretNeedsEveryRoleOfTheClient(t *testing.T) {
	f := escalation(t)
	ctx := context.Background()
	boss := f.holder(t, []string{"oauth:client:*"}, permission.Grant{Role: "admin", AllDivisions: true},
		permission.Grant{Role: "reporting", Divisions: []permission.DivisionID{"sales"}})
	job, _, err := f.registry.Create(ctx, boss, jobWith(
		client.RoleAssignment{Role: "admin", AllDivisions: true},
		client.RoleAssignment{Role: "reporting", Divisions: []permission.DivisionID{"sales"}}))
	require.NoError(t, err)

	editor := f.holder(t, []string{"oauth:client:edit"}, permission.Grant{Role: "reporting", Divisions: []permission.DivisionID{"home"}})
	secret, err := f.registry.RotateSecret(ctx, editor, job.ID, 0)
	require.Equal(t, []client.RoleAssignment{
		{Role: "admin", AllDivisions: true},
		{Role: "reporting", Divisions: []permission.DivisionID{"sales"}},
	}, roleErr(t, err))
	require.True(t, secret.IsZero(), "no secret is handed out")
	stored, err := f.registry.Client(ctx, job.ID)
	require.NoError(t, err)
	require.Equal(t, job.Credentials, stored.Credentials, "the old secret still works; no new one exists")

	secret, err = f.registry.RotateSecret(ctx, boss, job.ID, 0)
	require.NoError(t, err)
	require.False(t, secret.IsZero())
}

// TestDisablingEndsTokensForGood: disabling a client sets DisabledAt, and
// tokens issued at or before it never work again, even once the client
// is enabled again.
func TestDisablingEndsTokensForGood(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.admin(t)
	app, _, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	issued := f.clock.now()
	f.clock.advance(time.Minute)

	setState := func(s client.State) func(*client.Client) error {
		return func(c *client.Client) error { c.State = s; return nil }
	}
	app, err = f.registry.Update(ctx, admin, app.ID, setState(client.Disabled))
	require.NoError(t, err)
	disabledAt := f.clock.now()
	require.Equal(t, disabledAt, app.DisabledAt)
	f.clock.advance(time.Minute)
	_, err = f.registry.RotateSecret(ctx, admin, app.ID, 0)
	require.NoError(t, err)
	app, err = f.registry.Update(ctx, admin, app.ID, setState(client.Active))
	require.NoError(t, err)
	require.Equal(t, disabledAt, app.DisabledAt, "enabling keeps the time of the incident")

	status, err := f.clients.ClientStatus(ctx, app.ID)
	require.NoError(t, err)
	require.False(t, status.TokenWorks(issued), "a token from before the incident stays dead")
	require.False(t, status.TokenWorks(disabledAt))
	require.True(t, status.TokenWorks(f.clock.now()))

	_, err = f.registry.Update(ctx, admin, app.ID, func(c *client.Client) error { c.DisabledAt = time.Time{}; return nil })
	require.ErrorIs(t, err, client.ErrInvalid, "an update cannot bring the old tokens back")
	require.Contains(t, fields(t, err), "disabled_at")
}

func TestStatusTokenWorks(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		status client.Status
		issued time.Time
		want   bool
	}{
		{client.Status{State: client.Active}, at, true},
		{client.Status{State: client.Inactive}, at, true},
		{client.Status{State: client.Disabled}, at, false},
		{client.Status{}, at, false},
		{client.Status{State: client.Active, DisabledAt: at}, at, false},
		{client.Status{State: client.Active, DisabledAt: at}, at.Add(-time.Second), false},
		{client.Status{State: client.Active, DisabledAt: at}, at.Add(time.Second), true},
	} {
		require.Equal(t, tt.want, tt.status.TokenWorks(tt.issued), "%+v at %v", tt.status, tt.issued)
	}
}
