package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/permission"
)

// quietSource is a Source that tells the cache nothing of its writes, as
// a database another replica writes to: the cache learns of them only
// from a change applied to it, or by asking.
type quietSource struct {
	*clients
	*directory
	fail error // when set, ClientStatus answers it
}

// The two memory stores, under names of their own so that both embed.
type (
	clients   = client.MemStore
	directory = permission.MemStore
)

func (q *quietSource) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	if q.fail != nil {
		return client.Status{}, q.fail
	}
	return q.clients.ClientStatus(ctx, id)
}

func (q *quietSource) Snapshot(ctx context.Context) (*storage.Snapshot, error) {
	return &storage.Snapshot{Statuses: map[client.ID]client.Status{}}, nil
}

// A client the cache has not heard of yet (registered through another
// replica a moment ago) is asked of the source: its token works at once.
// What the source says is not kept, and a source that fails denies.
func TestCacheAsksTheSourceForAClientItDoesNotKnow(t *testing.T) {
	ctx := context.Background()
	src := &quietSource{clients: client.NewMemStore(), directory: permission.NewMemStore()}
	cache, err := storage.NewCache(ctx, src, storage.CacheOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { cache.Close() })

	id := client.NewID()
	_, err = cache.ClientStatus(ctx, id)
	require.ErrorIs(t, err, client.ErrNotFound, "a client neither knows")

	c := client.Client{ID: id, Org: "org-1", Name: "Late", GrantType: client.ClientCredentials, State: client.Active, TokenLifetime: 3600, CreatedAt: time.Now()}
	require.NoError(t, src.CreateClient(ctx, c))
	got, err := cache.ClientStatus(ctx, id)
	require.NoError(t, err, "a client registered after the cache loaded")
	if diff := cmp.Diff(client.Status{State: client.Active}, got); diff != "" {
		t.Fatalf("status (-want +got):\n%s", diff)
	}

	// Not kept: once the source no longer has it, the cache says so,
	// without any change applied.
	require.NoError(t, src.DeleteClient(ctx, id))
	_, err = cache.ClientStatus(ctx, id)
	require.ErrorIs(t, err, client.ErrNotFound, "a client deleted before any change arrived")

	broken := errors.New("connection refused")
	src.fail = broken
	_, err = cache.ClientStatus(ctx, id)
	require.ErrorIs(t, err, broken, "a source that fails is an error, which denies")
}
