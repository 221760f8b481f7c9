package client_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

func TestMemStoreCopies(t *testing.T) {
	ctx := context.Background()
	s := client.NewMemStore()
	c := valid(client.ClientCredentials)
	require.NoError(t, s.CreateClient(ctx, c))
	require.ErrorIs(t, s.CreateClient(ctx, c), client.ErrExists)

	c.Roles[0].Divisions[0] = "changed"
	got, err := s.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, permission.DivisionID("home"), got.Roles[0].Divisions[0], "the store keeps its own copy")
	got.Roles[0].Divisions[0] = "changed again"
	again, err := s.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, permission.DivisionID("home"), again.Roles[0].Divisions[0], "and hands out copies")

	require.ErrorIs(t, s.UpdateClient(ctx, valid(client.SAML2Bearer)), client.ErrNotFound)
	require.ErrorIs(t, s.DeleteClient(ctx, client.NewID()), client.ErrNotFound)
	var zero client.MemStore
	_, err = zero.Client(ctx, c.ID)
	require.ErrorIs(t, err, client.ErrNotFound, "the zero MemStore is usable")
	require.NoError(t, zero.CreateClient(ctx, c))
}

func TestMemStoreConcurrentUpdates(t *testing.T) {
	ctx := context.Background()
	s := client.NewMemStore()
	c := valid(client.AuthorizationCode)
	require.NoError(t, s.CreateClient(ctx, c))

	// Every writer retries on conflict; every update must land exactly once.
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for {
					cur, err := s.Client(ctx, c.ID)
					if err != nil {
						t.Error(err) // not require: this is not the test's goroutine
						return
					}
					cur.TokenLifetime++
					if s.UpdateClient(ctx, cur) == nil {
						break
					}
				}
				_ = s.PutAuthorization(ctx, client.Authorization{Org: org, Client: c.ID})
				_, _ = s.Authorizations(ctx, org)
			}
		}()
	}
	wg.Wait()
	got, err := s.Client(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, uint64(writers*each), got.Revision)
	require.Equal(t, c.TokenLifetime+writers*each, got.TokenLifetime)
}

// TestMemStoreClientNotFound: the error for an unknown ID, made without
// formatting so that the lookup costs what a known ID's does, still
// matches ErrNotFound and names the ID.
func TestMemStoreClientNotFound(t *testing.T) {
	s := client.NewMemStore()
	id := client.NewID()
	_, err := s.Client(context.Background(), id)
	require.ErrorIs(t, err, client.ErrNotFound)
	require.Equal(t, "client: no such client: "+id.String(), err.Error())
}

// TestMemStoreStatusOfIDsThatShareAPrefix: ClientStatus finds statuses by
// the first half of the UUID, so IDs that share it (an admin may paste any
// ID) each get their own status, and an unknown one none.
func TestMemStoreStatusOfIDsThatShareAPrefix(t *testing.T) {
	ctx := context.Background()
	s := client.NewMemStore()
	active := client.MustParseID("0123abcd-0123-4567-89ab-000000000001")
	disabled := client.MustParseID("0123abcd-0123-4567-89ab-000000000002")
	require.NoError(t, s.CreateClient(ctx, client.Client{ID: active, State: client.Active}))
	require.NoError(t, s.CreateClient(ctx, client.Client{ID: disabled, State: client.Disabled}))
	for id, want := range map[client.ID]client.State{active: client.Active, disabled: client.Disabled} {
		st, err := s.ClientStatus(ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, st.State, "client %s", id)
	}
	_, err := s.ClientStatus(ctx, client.MustParseID("0123abcd-0123-4567-89ab-000000000003"))
	require.ErrorIs(t, err, client.ErrNotFound)
}
