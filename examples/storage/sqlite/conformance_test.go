package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/storage/sqlite"
	"github.com/scopegate/scopegate/examples/storage/storetest"
)

var ctx = context.Background()

// open returns a store over the database file at path, closed when the
// test ends.
func open(t testing.TB, path string, now func() time.Time) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, path, sqlite.WithClock(now))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// TestConformance runs the stores' conformance suite against SQLite: two
// stores, each with its own connections, on one database file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) (a, b storetest.Stores) {
		path := filepath.Join(t.TempDir(), "scopegate.db")
		s := open(t, path, now)
		require.NoError(t, s.Migrate(ctx))
		s2 := open(t, path, now)
		return storetest.Stores{Clients: s, Grants: s, Directory: s}, storetest.Stores{Clients: s2, Grants: s2, Directory: s2}
	})
}
