package main

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// TestSQLiteKeepsTheData restarts the server on the same data directory:
// its clients, and their revocations, are still there.
func TestSQLiteKeepsTheData(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessOn(t, config{dataDir: dir})
	is, err := h.s.issue(ctx, app{name: "Kept", grantType: client.AuthorizationCode, scopes: scope.MustParseSet("users:readonly"), user: "u-agent"})
	require.NoError(t, err)
	bearer, tok := is.bearer, is.token
	require.Equal(t, http.StatusOK, h.do("GET", "/api/v2/users/me", bearer, "").status)
	require.NoError(t, h.s.db.RevokeToken(ctx, tok))
	require.Equal(t, http.StatusUnauthorized, h.do("GET", "/api/v2/users/me", bearer, "").status, "revoked on the server that revoked it, at once")
	require.NoError(t, h.s.Close())

	again := newHarnessOn(t, config{dataDir: dir})
	_, err = again.s.registry.Client(ctx, tok.Client)
	require.NoError(t, err, "the client registered before the restart")
	revoked, err := again.s.db.IsRevoked(ctx, tok)
	require.NoError(t, err)
	require.True(t, revoked, "the revocation made before the restart")
}

// TestPostgresReplicas runs two demo servers on one PostgreSQL database:
// a token revoked through one is denied by the other.
func TestPostgresReplicas(t *testing.T) {
	dsn := os.Getenv("SCOPEGATE_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SCOPEGATE_POSTGRES_DSN is not set, and CI=true: the PostgreSQL tests must run (see .ci/start-postgres.sh)")
		}
		t.Skip("SCOPEGATE_POSTGRES_DSN is not set: no PostgreSQL to test against (see .ci/start-postgres.sh)")
	}
	// Replicas of one API share its name and its signing key, as they
	// would share the authorization server's JWK Set.
	key, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	cfg := config{postgres: dsn, key: key, base: "http://127.0.0.1:8080"}
	a, b := newHarnessOn(t, cfg), newHarnessOn(t, cfg)
	is, err := a.s.issue(ctx, app{name: "Replicated", grantType: client.AuthorizationCode, scopes: scope.MustParseSet("users:readonly"), user: "u-agent"})
	require.NoError(t, err)
	bearer, tok := is.bearer, is.token
	rb := b.do("GET", "/api/v2/users/me", bearer, "")
	require.Equal(t, http.StatusOK, rb.status, "replica B accepts a token issued by replica A: %s", rb.body)
	require.NoError(t, a.s.db.RevokeToken(ctx, grant.Token{ID: tok.ID, ExpiresAt: tok.ExpiresAt}))
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := b.do("GET", "/api/v2/users/me", bearer, "")
		if r.status == http.StatusUnauthorized {
			require.Contains(t, string(r.body), "TOKEN_REVOKED")
			break
		}
		require.True(t, time.Now().Before(deadline), "replica B still answers %d to a token revoked through replica A", r.status)
		time.Sleep(5 * time.Millisecond)
	}
}
