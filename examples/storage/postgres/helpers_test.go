package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/storage/postgres"
)

var ctx = context.Background()

// dsnVar names the environment variable that holds the connection string
// of the PostgreSQL the tests use; .ci/start-postgres.sh sets it.
const dsnVar = "SCOPEGATE_POSTGRES_DSN"

// dsn returns the test database's connection string. Without one the
// test is skipped, but fails under CI=true: CI must run it.
func dsn(t testing.TB) string {
	t.Helper()
	d := os.Getenv(dsnVar)
	if d == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set, and CI=true: the PostgreSQL tests must run (see .ci/start-postgres.sh)", dsnVar)
		}
		t.Skipf("%s is not set: no PostgreSQL to test against (see .ci/start-postgres.sh)", dsnVar)
	}
	return d
}

// newSchema returns the name of a new schema for one test, dropped when
// it ends.
func newSchema(t testing.TB) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	pool := newPool(t, dsn(t), 1)
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+name+`" CASCADE`)
		require.NoError(t, err)
	})
	return name
}

// newPool returns a pool of at most max connections, closed when the
// test ends.
func newPool(t testing.TB, dsn string, max int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.MaxConns = max
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// newStore returns a store over a pool of its own, in schema.
func newStore(t testing.TB, schema string, now func() time.Time) *postgres.Store {
	t.Helper()
	s, err := postgres.New(newPool(t, dsn(t), 4), postgres.WithSchema(schema), postgres.WithClock(now))
	require.NoError(t, err)
	return s
}

// migrated returns a store in a new, migrated schema.
func migrated(t testing.TB, now func() time.Time) *postgres.Store {
	t.Helper()
	s := newStore(t, newSchema(t), now)
	require.NoError(t, s.Migrate(ctx))
	return s
}
