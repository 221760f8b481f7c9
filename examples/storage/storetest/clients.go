package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// opts compare the library's values: sets with their Equal, times with
// theirs, and a nil slice equal to an empty one.
var opts = cmp.Options{
	cmp.Comparer(func(a, b scope.Set) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b client.ID) bool { return a == b }),
	cmp.Comparer(func(a, b grant.TokenID) bool { return a == b }),
	cmp.Comparer(func(a, b permission.Permission) bool { return a.String() == b.String() }),
	cmpopts.EquateEmpty(),
}

// sampleClient returns a client with every field set, its times to the
// nanosecond.
func sampleClient(org client.OrgID, now time.Time) client.Client {
	return client.Client{
		ID: client.NewID(), Org: org, Name: "Wallboard", Description: "line one\nline two, ünïcode",
		TokenLifetime: 3600 * time.Second, State: client.Active, GrantType: client.AuthorizationCode,
		Scopes:       scope.MustParseSet("users:readonly presence"),
		RedirectURIs: []string{"https://app.example.com/callback", "http://127.0.0.1/cb"},
		Credentials: client.Credentials{
			Current:  client.SecretHash{Sum: sha256.Sum256([]byte("current secret"))},
			Previous: client.SecretHash{Sum: sha256.Sum256([]byte("previous secret")), NotAfter: now.Add(time.Hour)},
		},
		Revision: 3, CreatedAt: now.Add(-time.Hour), UpdatedAt: now, DisabledAt: now.Add(-time.Minute),
	}
}

// serviceClient returns a client-credentials client with roles.
func serviceClient(org client.OrgID, now time.Time) client.Client {
	return client.Client{
		ID: client.NewID(), Org: org, Name: "Nightly export", TokenLifetime: client.DefaultTokenLifetime,
		State: client.Inactive, GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{
			{Role: "exporter", Divisions: []permission.DivisionID{"home", "sales"}},
			{Role: "reader", AllDivisions: true},
		},
		Credentials: client.Credentials{Current: client.SecretHash{Sum: sha256.Sum256([]byte("s"))}},
		CreatedAt:   now, UpdatedAt: now,
	}
}

var clientTests = []test{
	{"Client/RoundTrip", func(t *testing.T, e env) {
		now := e.clock.Now()
		for _, c := range []client.Client{sampleClient("org-1", now), serviceClient("org-1", now)} {
			require.NoError(t, e.a.Clients.CreateClient(ctx, c))
			got, err := e.b.Clients.Client(ctx, c.ID)
			require.NoError(t, err)
			if diff := cmp.Diff(c, got, opts); diff != "" {
				t.Errorf("Client returned a client other than the one created (-created +got):\n%s", diff)
			}
			st, err := e.b.Clients.ClientStatus(ctx, c.ID)
			require.NoError(t, err)
			if diff := cmp.Diff(c.Status(), st, opts); diff != "" {
				t.Errorf("ClientStatus (-want +got):\n%s", diff)
			}
		}
	}},
	{"Client/Errors", func(t *testing.T, e env) {
		c := sampleClient("org-1", e.clock.Now())
		_, err := e.a.Clients.Client(ctx, c.ID)
		require.ErrorIs(t, err, client.ErrNotFound, "an unknown client")
		_, err = e.a.Clients.ClientStatus(ctx, c.ID)
		require.ErrorIs(t, err, client.ErrNotFound, "the status of an unknown client")
		require.ErrorIs(t, e.a.Clients.UpdateClient(ctx, c), client.ErrNotFound, "updating an unknown client")
		require.ErrorIs(t, e.a.Clients.DeleteClient(ctx, c.ID), client.ErrNotFound, "deleting an unknown client")

		require.NoError(t, e.a.Clients.CreateClient(ctx, c))
		other := sampleClient("org-2", e.clock.Now())
		other.ID = c.ID
		require.ErrorIs(t, e.b.Clients.CreateClient(ctx, other), client.ErrExists, "a taken ID")

		stale := c
		stale.Revision = c.Revision - 1
		require.ErrorIs(t, e.b.Clients.UpdateClient(ctx, stale), client.ErrConflict, "an update from an older revision")
		changed := c
		changed.Name, changed.State = "Renamed", client.Disabled
		require.NoError(t, e.b.Clients.UpdateClient(ctx, changed))
		got, err := e.a.Clients.Client(ctx, c.ID)
		require.NoError(t, err)
		changed.Revision++
		if diff := cmp.Diff(changed, got, opts); diff != "" {
			t.Errorf("after UpdateClient the store holds (-want +got):\n%s", diff)
		}
		require.ErrorIs(t, e.a.Clients.UpdateClient(ctx, c), client.ErrConflict, "an update from the revision before the last update")
		st, err := e.a.Clients.ClientStatus(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, client.Disabled, st.State)

		require.NoError(t, e.b.Clients.DeleteClient(ctx, c.ID))
		_, err = e.a.Clients.Client(ctx, c.ID)
		require.ErrorIs(t, err, client.ErrNotFound, "a deleted client")
		_, err = e.a.Clients.ClientStatus(ctx, c.ID)
		require.ErrorIs(t, err, client.ErrNotFound, "the status of a deleted client")
		require.ErrorIs(t, e.a.Clients.DeleteClient(ctx, c.ID), client.ErrNotFound, "deleting a deleted client")
	}},
	{"Client/ConcurrentUpdatesOneWins", func(t *testing.T, e env) {
		c := sampleClient("org-1", e.clock.Now())
		require.NoError(t, e.a.Clients.CreateClient(ctx, c))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := c
				u.Name = "writer " + string(rune('A'+i))
				st := e.a.Clients
				if i%2 == 1 {
					st = e.b.Clients
				}
				errs[i] = st.UpdateClient(ctx, u)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, client.ErrConflict)
		}
		require.Equal(t, 1, won, "of %d updates from the same revision, exactly one wins", n)
		got, err := e.a.Clients.Client(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.Revision+1, got.Revision)
	}},
	{"Client/TwoReplicasRotateTheSameSecret", func(t *testing.T, e env) {
		admin := rotatingAdmin(t)
		c := sampleClient("org-1", e.clock.Now())
		c.DisabledAt = time.Time{}
		require.NoError(t, e.a.Clients.CreateClient(ctx, c))
		// Each replica's registry reads the client, then waits for the
		// other to have read it too: both rotate the same revision.
		var read sync.WaitGroup
		read.Add(2)
		registries := []*client.Registry{
			client.NewRegistry(barrier{e.a.Clients, &read}, nil, nil, client.WithClock(e.clock.Now)),
			client.NewRegistry(barrier{e.b.Clients, &read}, nil, nil, client.WithClock(e.clock.Now)),
		}
		secrets := make([]client.Secret, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, r := range registries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				secrets[i], errs[i] = r.RotateSecret(ctx, admin, c.ID, 0)
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "both rotations won")
				winner = i
				continue
			}
			require.ErrorIs(t, err, client.ErrConflict)
		}
		require.NotEqual(t, -1, winner, "neither rotation won")
		check := client.NewRegistry(e.a.Clients, nil, nil, client.WithClock(e.clock.Now))
		_, err := check.Authenticate(ctx, c.ID, secrets[winner].Reveal())
		require.NoError(t, err, "the winner's secret works")
		_, err = check.Authenticate(ctx, c.ID, secrets[1-winner].Reveal())
		require.ErrorIs(t, err, client.ErrCredentials, "the loser's secret was never stored")
		_, err = check.Authenticate(ctx, c.ID, "current secret")
		require.ErrorIs(t, err, client.ErrCredentials, "the old secret stopped at once (no grace)")
	}},
}

// barrier is a client store whose Client waits, after reading, until wg
// is done: so that several callers read the same revision.
type barrier struct {
	client.Store
	wg *sync.WaitGroup
}

func (b barrier) Client(ctx context.Context, id client.ID) (client.Client, error) {
	c, err := b.Store.Client(ctx, id)
	b.wg.Done()
	b.wg.Wait()
	return c, err
}

// rotatingAdmin returns an admin of org-1 who may edit clients.
func rotatingAdmin(t *testing.T) *permission.Access {
	t.Helper()
	m := permission.NewMemStore()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, errors.Join(
		m.PutDivisions("org-1", divs),
		m.PutRole("org-1", permission.Role{ID: "oauth", Name: "OAuth", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}),
		m.AddGrant("org-1", permission.Grant{Subject: permission.User("admin"), Role: "oauth", AllDivisions: true}),
	))
	a, err := permission.Compile(ctx, m, "org-1", permission.User("admin"))
	require.NoError(t, err)
	return a
}

var authorizationTests = []test{
	{"Authorization/RoundTripAndWalls", func(t *testing.T, e env) {
		id := client.NewID()
		_, err := e.a.Clients.Authorization(ctx, "org-1", id)
		require.ErrorIs(t, err, client.ErrNotAuthorized)
		require.ErrorIs(t, e.a.Clients.DeleteAuthorization(ctx, "org-1", id), client.ErrNotAuthorized)

		a1 := client.Authorization{Org: "org-1", Client: id, Granted: scope.MustParseSet("users:readonly"), Denied: scope.MustParseSet("presence"),
			AuthorizedBy: permission.User("admin-1"), AuthorizedAt: e.clock.Now()}
		a2 := client.Authorization{Org: "org-2", Client: id, Granted: scope.MustParseSet("presence users:readonly"),
			AuthorizedBy: permission.User("admin-2"), AuthorizedAt: e.clock.Now().Add(time.Nanosecond)}
		other := client.Authorization{Org: "org-1", Client: client.NewID(), Granted: scope.MustParseSet("presence"), AuthorizedBy: permission.User("admin-1")}
		for _, a := range []client.Authorization{a1, a2, other} {
			require.NoError(t, e.a.Clients.PutAuthorization(ctx, a))
		}
		for _, want := range []client.Authorization{a1, a2} {
			got, err := e.b.Clients.Authorization(ctx, want.Org, want.Client)
			require.NoError(t, err)
			if diff := cmp.Diff(want, got, opts); diff != "" {
				t.Errorf("Authorization (-want +got):\n%s", diff)
			}
		}
		list, err := e.b.Clients.Authorizations(ctx, "org-2")
		require.NoError(t, err)
		if diff := cmp.Diff([]client.Authorization{a2}, list, opts); diff != "" {
			t.Errorf("Authorizations of org-2 (-want +got):\n%s", diff)
		}

		a1.Granted, a1.Denied = scope.Set{}, scope.MustParseSet("presence users:readonly")
		require.NoError(t, e.b.Clients.PutAuthorization(ctx, a1), "a new decision replaces the org's earlier one")
		got, err := e.a.Clients.Authorization(ctx, "org-1", id)
		require.NoError(t, err)
		if diff := cmp.Diff(a1, got, opts); diff != "" {
			t.Errorf("the replaced Authorization (-want +got):\n%s", diff)
		}
		list, err = e.a.Clients.Authorizations(ctx, "org-1")
		require.NoError(t, err)
		require.Len(t, list, 2)

		require.NoError(t, e.a.Clients.DeleteAuthorization(ctx, "org-1", id))
		_, err = e.b.Clients.Authorization(ctx, "org-1", id)
		require.ErrorIs(t, err, client.ErrNotAuthorized)
		_, err = e.b.Clients.Authorization(ctx, "org-2", id)
		require.NoError(t, err, "deleting org-1's authorization leaves org-2's")
	}},
}
