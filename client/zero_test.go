package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs or nil options,
// return an error, deny or report nothing; none panics (issue 11).
// MustParseID is left out: it panics on bad input by contract.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		client.Authorization{}, (*client.Authorization)(nil),
		client.AuthorizedApp{}, (*client.AuthorizedApp)(nil),
		client.Authorizer{}, (*client.Authorizer)(nil),
		client.Client{}, (*client.Client)(nil),
		client.Credentials{}, (*client.Credentials)(nil),
		client.FieldError{}, (*client.FieldError)(nil),
		client.GrantType(0), (*client.GrantType)(nil), client.GrantType(255),
		client.ID{}, (*client.ID)(nil),
		client.MemStore{}, (*client.MemStore)(nil),
		client.Option(nil), (*client.Option)(nil),
		client.PermissionStore{}, (*client.PermissionStore)(nil),
		client.Registration{}, (*client.Registration)(nil),
		client.Registry{}, (*client.Registry)(nil),
		client.RoleAssignment{}, (*client.RoleAssignment)(nil),
		client.RoleError{}, (*client.RoleError)(nil),
		client.Secret{}, (*client.Secret)(nil),
		client.SecretHash{}, (*client.SecretHash)(nil),
		client.State(0), (*client.State)(nil), client.State(255),
		client.Status{}, (*client.Status)(nil),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"ParseAuthorizationURL": client.ParseAuthorizationURL,
		"NewAuthorizer":         client.NewAuthorizer,
		"NewAuthorizer(MemStore)": func() *client.Authorizer {
			s := client.NewMemStore()
			return client.NewAuthorizer(s, s)
		},
		"NewAuthorizer(nil options)": func() *client.Authorizer {
			s := client.NewMemStore()
			return client.NewAuthorizer(s, s, nil, client.WithClock(nil))
		},
		"ParseGrantType": client.ParseGrantType,
		"NewID":          client.NewID,
		"ParseID":        client.ParseID,
		"NewMemStore":    client.NewMemStore,
		"WithClock":      client.WithClock,
		"NewRegistry":    client.NewRegistry,
		"NewRegistry(MemStore)": func() *client.Registry {
			return client.NewRegistry(client.NewMemStore(), sample.Catalog(), nil)
		},
		"NewRegistry(nil options)": func() *client.Registry {
			return client.NewRegistry(client.NewMemStore(), sample.Catalog(), nil, nil, client.WithClock(nil))
		},
		"SecretFrom": client.SecretFrom,
	})
}

// TestNilMemStoreRefuses: a nil *MemStore keeps nothing and knows no
// client. Its errors are not ErrNotFound: a resource server asking it for
// a client's status cannot decide, and must not take the client for a
// deleted one.
func TestNilMemStoreRefuses(t *testing.T) {
	var m *client.MemStore
	id := client.NewID()
	c := client.Client{ID: id, Org: org, Name: "App", GrantType: client.ClientCredentials, State: client.Active}
	for name, err := range map[string]error{
		"CreateClient":        m.CreateClient(context.Background(), c),
		"UpdateClient":        m.UpdateClient(context.Background(), c),
		"DeleteClient":        m.DeleteClient(context.Background(), id),
		"PutAuthorization":    m.PutAuthorization(context.Background(), client.Authorization{Org: customer, Client: id}),
		"DeleteAuthorization": m.DeleteAuthorization(context.Background(), customer, id),
	} {
		require.Error(t, err, name)
	}
	_, err := m.Client(context.Background(), id)
	require.Error(t, err)
	require.NotErrorIs(t, err, client.ErrNotFound)
	_, err = m.ClientStatus(context.Background(), id)
	require.Error(t, err)
	require.NotErrorIs(t, err, client.ErrNotFound)
	_, err = m.Authorization(context.Background(), customer, id)
	require.Error(t, err)
	_, err = m.Authorizations(context.Background(), customer)
	require.Error(t, err)
	require.Zero(t, m.Version())
}

// TestNilOptionsAreSkipped: a nil Option, and WithClock(nil), leave the
// default clock in place.
func TestNilOptionsAreSkipped(t *testing.T) {
	f := newFixture(t)
	reg := client.NewRegistry(f.clients, f.catalog, f.perms, nil, client.WithClock(nil))
	c, _, err := reg.Create(context.Background(), f.admin(t), codeRegistration())
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), c.CreatedAt, time.Minute, "the default clock")
	auth := client.NewAuthorizer(f.clients, f.clients, nil, client.WithClock(nil))
	_, err = auth.Authorization(context.Background(), customer, c.ID)
	require.ErrorIs(t, err, client.ErrNotAuthorized)
}

// TestEmptyErrorsRead: an error struct left empty, or nil, still says
// what kind of error it is and matches its sentinel.
func TestEmptyErrorsRead(t *testing.T) {
	for _, tc := range []struct {
		err      error
		want     string
		sentinel error
	}{
		{&client.FieldError{}, "client: a field: invalid", client.ErrInvalid},
		{(*client.FieldError)(nil), "client: invalid client", client.ErrInvalid},
		{&client.RoleError{}, "client: permission denied: the actor lacks roles it would give", client.ErrForbidden},
		{(*client.RoleError)(nil), "client: permission denied: the actor lacks roles it would give", client.ErrForbidden},
		{&client.RoleError{Missing: []client.RoleAssignment{{Role: "admin", AllDivisions: true}}},
			`client: permission denied: the change needs holding the roles given: the actor lacks role "admin" in all divisions`, client.ErrForbidden},
	} {
		require.Equal(t, tc.want, tc.err.Error())
		require.ErrorIs(t, tc.err, tc.sentinel)
	}
}
