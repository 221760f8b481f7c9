package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/postgres"
)

func TestMigrateFromSeveralReplicasAtOnce(t *testing.T) {
	schema := newSchema(t)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		s := newStore(t, schema, time.Now)
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Migrate(ctx) }()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	s := newStore(t, schema, time.Now)
	require.NoError(t, s.Check(ctx))
	require.NoError(t, s.Migrate(ctx), "migrating a current schema again")
	var applied int
	require.NoError(t, s.Pool().QueryRow(ctx, `SELECT count(*) FROM "`+schema+`".schema_migrations`).Scan(&applied))
	require.Equal(t, postgres.SchemaVersion(), applied, "each migration applied once")
}

func TestUnmigratedDatabaseSaysSo(t *testing.T) {
	s := newStore(t, newSchema(t), time.Now)
	require.ErrorIs(t, s.Check(ctx), storage.ErrNotMigrated)
	_, err := s.Client(ctx, client.NewID())
	require.ErrorIs(t, err, storage.ErrNotMigrated, "a store over a schema that does not exist")
	_, err = postgres.NewReplica(ctx, s, postgres.ReplicaOptions{})
	require.ErrorIs(t, err, storage.ErrNotMigrated)
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	s := migrated(t, time.Now)
	_, err := s.Pool().Exec(ctx, `INSERT INTO "`+s.Schema()+`".schema_migrations (version, name) VALUES ($1, 'from_the_future.sql')`, postgres.SchemaVersion()+1)
	require.NoError(t, err)
	require.ErrorIs(t, s.Migrate(ctx), storage.ErrSchemaTooNew)
	require.ErrorIs(t, s.Check(ctx), storage.ErrSchemaTooNew)
	_, err = postgres.NewReplica(ctx, s, postgres.ReplicaOptions{})
	require.ErrorIs(t, err, storage.ErrSchemaTooNew)
}

func TestBadOptions(t *testing.T) {
	pool := newPool(t, dsn(t), 1)
	for _, name := range []string{"", "Upper", "1st", "semi;colon", `quote"`, "a-b"} {
		_, err := postgres.New(pool, postgres.WithSchema(name))
		require.ErrorIs(t, err, storage.ErrInvalid, "schema %q", name)
	}
	_, err := postgres.New(nil)
	require.ErrorIs(t, err, storage.ErrInvalid)
	_, err = postgres.Open(ctx, "postgres://user:hunter2@[::1")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hunter2", "a connection string's password in an error")
}
