package postgres_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/postgres"
	"github.com/scopegate/scopegate/permission"
)

func TestReplicaSeesItsOwnWritesAtOnce(t *testing.T) {
	s := migrated(t, time.Now)
	w := setUp(t, s, 1)
	r := newReplica(t, s, 0)
	e := newEnforcer(t, r)
	tok := w.token(userName(0))
	require.Equal(t, enforce.CodeAllowed, decide(e, tok))
	require.NoError(t, s.RevokeToken(ctx, tok))
	require.Equal(t, enforce.CodeTokenRevoked, decide(e, tok), "the replica that revoked a token allowed it after the revocation returned")
}

func TestReplicaPropagation(t *testing.T) {
	a := migrated(t, time.Now)
	w := setUp(t, a, 3)
	b := newStore(t, a.Schema(), time.Now)
	ra, rb := newReplica(t, a, 0), newReplica(t, b, 0)
	ea, eb := newEnforcer(t, ra), newEnforcer(t, rb)

	t.Run("revoke a token", func(t *testing.T) {
		tok := w.token(userName(0))
		require.Equal(t, enforce.CodeAllowed, decide(eb, tok))
		require.NoError(t, ra.Store().RevokeToken(ctx, tok))
		eventually(t, "replica B denies the revoked token", func() bool { return decide(eb, tok) == enforce.CodeTokenRevoked })
	})
	t.Run("revoke a user's tokens", func(t *testing.T) {
		tok := w.token(userName(1))
		require.Equal(t, enforce.CodeAllowed, decide(eb, tok))
		require.NoError(t, a.RevokeUser(ctx, org, userName(1), tok.IssuedAt))
		eventually(t, "replica B denies the user's token", func() bool { return decide(eb, tok) == enforce.CodeTokenRevoked })
		require.Equal(t, enforce.CodeAllowed, decide(eb, w.token(userName(1))), "a token issued after the revocation")
	})
	t.Run("remove a role, grant it again", func(t *testing.T) {
		tok := w.token(userName(2))
		require.Equal(t, enforce.CodeAllowed, decide(eb, tok))
		require.NoError(t, a.RemoveGrant(ctx, org, permission.User(userName(2)), "agent"))
		eventually(t, "replica B denies without the role", func() bool { return decide(eb, tok) == enforce.CodePermissionMissing })
		require.NoError(t, a.AddGrant(ctx, org, permission.Grant{Subject: permission.User(userName(2)), Role: "agent", AllDivisions: true}))
		eventually(t, "replica B allows with the role again", func() bool { return decide(eb, tok) == enforce.CodeAllowed })
	})
	t.Run("change a role", func(t *testing.T) {
		tok := w.token(userName(2))
		require.NoError(t, b.PutRole(ctx, org, permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{permission.MustParse("presence:status:view")}}))
		eventually(t, "replica A denies once the role lost the permission", func() bool { return decide(ea, tok) == enforce.CodePermissionMissing })
		require.NoError(t, b.PutRole(ctx, org, permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{viewUsers}}))
		eventually(t, "replica A allows once the role has it again", func() bool { return decide(ea, tok) == enforce.CodeAllowed })
	})
	t.Run("disable the client", func(t *testing.T) {
		tok := w.token(userName(0))
		require.Equal(t, enforce.CodeAllowed, decide(eb, tok))
		c, err := a.Client(ctx, w.app.ID)
		require.NoError(t, err)
		c.State, c.DisabledAt = client.Disabled, time.Now()
		require.NoError(t, a.UpdateClient(ctx, c))
		eventually(t, "replica B denies the disabled client's token", func() bool { return decide(eb, tok) == enforce.CodeClientDisabled })
		require.NoError(t, a.DeleteClient(ctx, w.app.ID))
		eventually(t, "replica B forgets the deleted client", func() bool {
			_, err := rb.ClientStatus(ctx, w.app.ID)
			return errors.Is(err, client.ErrNotFound)
		})
	})
}

func TestReplicaReconnectsAndResyncs(t *testing.T) {
	a := migrated(t, time.Now)
	w := setUp(t, a, 1)
	b := newStore(t, a.Schema(), time.Now)
	rb := newReplica(t, b, 0)
	eb := newEnforcer(t, rb)
	before := rb.Stats()
	for round := range 3 {
		tok := w.token(userName(0))
		require.Equal(t, enforce.CodeAllowed, decide(eb, tok))
		pid := rb.ListenerPID()
		require.NotZero(t, pid)
		_, err := a.Pool().Exec(ctx, `SELECT pg_terminate_backend($1)`, pid)
		require.NoError(t, err)
		// Made while replica B's listener is down or coming back: it
		// reaches B through the notification or the resynchronisation.
		require.NoError(t, a.RevokeToken(ctx, tok))
		eventually(t, "replica B denies a token revoked while its listener was cut", func() bool {
			return decide(eb, tok) == enforce.CodeTokenRevoked
		})
		eventually(t, "replica B's listener is back", func() bool { p := rb.ListenerPID(); return p != 0 && p != pid })
		t.Logf("round %d: %+v", round, rb.Stats())
	}
	after := rb.Stats()
	require.GreaterOrEqual(t, after.Connects, before.Connects+3, "the listener reconnected after each cut")
	require.GreaterOrEqual(t, after.Resyncs, before.Resyncs+3, "the replica reloaded everything after each reconnection")
}

// TestReplicaDeniesWhenStale cuts replica B off the database (its role
// may no longer log in, and its connections are terminated): past the
// staleness bound B denies everything with 503 UNAVAILABLE, a token
// revoked meanwhile included, and once it can connect again it reloads
// and decides again.
func TestReplicaDeniesWhenStale(t *testing.T) {
	a := migrated(t, time.Now)
	w := setUp(t, a, 1)
	role := loginRole(t, a)
	cfg, err := pgxpool.ParseConfig(dsn(t))
	require.NoError(t, err)
	cfg.ConnConfig.User, cfg.MaxConns = role, 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	b, err := postgres.New(pool, postgres.WithSchema(a.Schema()))
	require.NoError(t, err)
	const bound = 300 * time.Millisecond
	rb := newReplica(t, b, bound)
	eb := newEnforcer(t, rb)
	revoked, kept := w.token(userName(0)), w.token(userName(0))
	require.Equal(t, enforce.CodeAllowed, decide(eb, revoked))

	execSQL(t, a, `ALTER ROLE "`+role+`" NOLOGIN`)
	execSQL(t, a, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '`+role+`'`)
	require.NoError(t, a.RevokeToken(ctx, revoked))
	acknowledged := time.Now()
	var staleAt time.Time
	for {
		code := decide(eb, revoked)
		now := time.Now()
		if code == enforce.CodeAllowed {
			require.True(t, now.Before(acknowledged.Add(bound)), "replica B allowed a revoked token %v after the revocation was acknowledged; the bound is %v", now.Sub(acknowledged), bound)
		}
		if code == enforce.CodeUnavailable {
			staleAt = now
			break
		}
		if code == enforce.CodeTokenRevoked {
			// The revocation's notification got through before the cut.
			break
		}
		require.True(t, now.Before(acknowledged.Add(5*time.Second)), "replica B still answers %s", code)
		time.Sleep(time.Millisecond)
	}
	eventually(t, "replica B, cut off, denies every token with 503 UNAVAILABLE", func() bool {
		return decide(eb, kept) == enforce.CodeUnavailable
	})
	_, err = rb.IsRevoked(ctx, kept)
	require.ErrorIs(t, err, storage.ErrStale)
	if !staleAt.IsZero() {
		t.Logf("replica B turned stale %v after the revocation was acknowledged (bound %v)", staleAt.Sub(acknowledged), bound)
	}
	time.Sleep(bound) // cut off for a while: nothing allowed
	require.Equal(t, enforce.CodeUnavailable, decide(eb, kept))

	execSQL(t, a, `ALTER ROLE "`+role+`" LOGIN`)
	eventually(t, "replica B, reconnected, decides again", func() bool { return decide(eb, kept) == enforce.CodeAllowed })
	require.Equal(t, enforce.CodeTokenRevoked, decide(eb, revoked), "the revocation made while B was cut off")
}

// loginRole makes a superuser role that the test can lock out, dropped
// when the test ends.
func loginRole(t *testing.T, s *postgres.Store) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	role := "replica_" + hex.EncodeToString(b[:])
	execSQL(t, s, `CREATE ROLE "`+role+`" LOGIN SUPERUSER`)
	t.Cleanup(func() {
		_, _ = s.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '`+role+`'`)
		_, _ = s.Pool().Exec(ctx, `DROP ROLE IF EXISTS "`+role+`"`)
	})
	return role
}

func execSQL(t *testing.T, s *postgres.Store, sql string) {
	t.Helper()
	_, err := s.Pool().Exec(ctx, sql)
	require.NoError(t, err, sql)
}
