package jwtoken_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
)

// A token's second request is a cache hit, and returns the same claims.
func TestCacheHit(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	s := f.encode(userToken(start))
	first, err := f.ver.VerifyToken(ctx, s)
	require.NoError(t, err)
	second, err := f.ver.VerifyToken(ctx, s)
	require.NoError(t, err)
	require.Equal(t, first.ID, second.ID)
	require.Equal(t, jwtoken.CacheStats{Entries: 1, Hits: 1, Misses: 1}, f.ver.CacheStats())

	off := newFixture(t, jwtoken.ES256, func(c *jwtoken.Config) { c.CacheSize = -1 })
	s = off.encode(userToken(start))
	for range 2 {
		_, err := off.ver.VerifyToken(ctx, s)
		require.NoError(t, err)
	}
	require.Equal(t, jwtoken.CacheStats{}, off.ver.CacheStats(), "no cache")
}

// An entry never outlives the token's expiry, whatever the skew.
func TestCacheEntryEndsAtExpiry(t *testing.T) {
	f := newFixture(t, jwtoken.ES256, func(c *jwtoken.Config) { c.ClockSkew = time.Minute })
	s := f.encode(userToken(start))
	_, err := f.ver.VerifyToken(ctx, s)
	require.NoError(t, err)
	f.clock.add(time.Hour - time.Second)
	_, err = f.ver.VerifyToken(ctx, s)
	require.NoError(t, err)
	require.Equal(t, uint64(1), f.ver.CacheStats().Hits)

	f.clock.add(time.Second) // at exp: within the skew, but not from the cache
	_, err = f.ver.VerifyToken(ctx, s)
	require.NoError(t, err)
	st := f.ver.CacheStats()
	require.Equal(t, uint64(1), st.Hits)
	require.Equal(t, 0, st.Entries, "a token within the skew past its expiry is verified, not cached")

	f.clock.add(time.Minute)
	_, err = f.ver.VerifyToken(ctx, s)
	require.ErrorIs(t, err, grant.ErrExpired)
}

// A key rotated out ends its tokens' entries with it.
func TestCacheDroppedWithTheKey(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	short := userToken(start)
	short.ExpiresAt = start.Add(10 * time.Minute)
	s := f.encode(short)
	long := f.encode(userToken(start))
	for _, tok := range []string{s, long} {
		_, err := f.ver.VerifyToken(ctx, tok)
		require.NoError(t, err)
	}
	next, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	require.NoError(t, f.keys.Rotate(next))
	_, err = f.ver.VerifyToken(ctx, s)
	require.NoError(t, err, "the old key still verifies its tokens")
	require.Equal(t, uint64(1), f.ver.CacheStats().Hits)

	// A remote set that drops the key: its tokens stop at once, cached
	// or not.
	jwks := newJWKSServer(t, f.keys.JWKS())
	remote := jwks.remote(t, f.clock, time.Second)
	ver, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: remote, Now: f.clock.now})
	require.NoError(t, err)
	_, err = ver.VerifyToken(ctx, long)
	require.NoError(t, err)
	_, err = ver.VerifyToken(ctx, long)
	require.NoError(t, err)
	require.Equal(t, uint64(1), ver.CacheStats().Hits)
	jwks.set(publicSet(t, next)) // the issuer withdrew the old key
	f.clock.add(remoteMaxAge)
	_, err = ver.VerifyToken(ctx, long) // still cached: the refresh runs in the background
	require.NoError(t, err)
	jwks.waitFetches(t, 2)
	require.Eventually(t, func() bool {
		_, err := ver.VerifyToken(ctx, long)
		return err != nil
	}, 5*time.Second, 10*time.Millisecond)
	_, err = ver.VerifyToken(ctx, long)
	require.ErrorIs(t, err, jwtoken.ErrUnknownKey)
}

// Revoking a token, or every token of its user or client, through the
// wrapped store forgets the cached verifications.
func TestCacheForgetsRevokedTokens(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	store := f.ver.Revocations(grant.NewMemStore(f.clock.now))
	cc := ccToken(start)
	user := userToken(start)
	other := userToken(start)
	other.User = "someone-else"
	tokens := map[string]string{"cc": f.encode(cc), "user": f.encode(user), "other": f.encode(other)}
	verifyAll := func() {
		for _, s := range tokens {
			_, err := f.ver.VerifyToken(ctx, s)
			require.NoError(t, err)
		}
	}
	verifyAll()
	require.Equal(t, 3, f.ver.CacheStats().Entries)

	require.NoError(t, store.RevokeToken(ctx, user))
	require.Equal(t, 2, f.ver.CacheStats().Entries)
	verifyAll()
	require.NoError(t, store.RevokeUser(ctx, "org-1", "someone-else", start))
	require.Equal(t, 2, f.ver.CacheStats().Entries)
	verifyAll()
	require.NoError(t, store.RevokeClient(ctx, appID, start.Add(-time.Second)))
	require.Equal(t, 3, f.ver.CacheStats().Entries, "tokens issued after the revocation stay")
	require.NoError(t, store.RevokeClient(ctx, appID, start))
	require.Equal(t, 0, f.ver.CacheStats().Entries)

	revoked, err := store.IsRevoked(ctx, user)
	require.NoError(t, err)
	require.True(t, revoked, "the wrapped store revoked the token too")
}

// Tokens that fail are never cached: a flood of bogus tokens neither
// grows the cache nor evicts anything.
func TestCacheBogusFlood(t *testing.T) {
	f := newFixture(t, jwtoken.ES256, func(c *jwtoken.Config) { c.CacheSize = 64 })
	good := f.encode(userToken(start))
	_, err := f.ver.VerifyToken(ctx, good)
	require.NoError(t, err)
	parts := strings.Split(good, ".")
	for i := range 2000 {
		bogus := parts[0] + "." + parts[1] + "." + fmt.Sprintf("%086d", i)
		_, err := f.ver.VerifyToken(ctx, bogus)
		require.Error(t, err)
	}
	st := f.ver.CacheStats()
	require.Equal(t, 1, st.Entries)
	require.Zero(t, st.Evictions)
	_, err = f.ver.VerifyToken(ctx, good)
	require.NoError(t, err)
	require.Equal(t, uint64(1), f.ver.CacheStats().Hits)
}

// A flood of distinct valid tokens, each used once (a client minting
// tokens), churns the probation segment and leaves the tokens in steady
// use cached; the cache never holds more than its size.
func TestCacheValidFloodKeepsSteadyTokens(t *testing.T) {
	const size = 256
	f := newFixture(t, jwtoken.ES256, func(c *jwtoken.Config) { c.CacheSize = size })
	var steady []string
	for range 64 {
		s := f.encode(userToken(start))
		for range 2 { // in use: verified, then hit
			_, err := f.ver.VerifyToken(ctx, s)
			require.NoError(t, err)
		}
		steady = append(steady, s)
	}
	for range 4 * size {
		_, err := f.ver.VerifyToken(ctx, f.encode(userToken(start)))
		require.NoError(t, err)
	}
	st := f.ver.CacheStats()
	require.LessOrEqual(t, st.Entries, size)
	require.NotZero(t, st.Evictions)
	before := st.Hits
	for _, s := range steady {
		_, err := f.ver.VerifyToken(ctx, s)
		require.NoError(t, err)
	}
	require.Equal(t, before+uint64(len(steady)), f.ver.CacheStats().Hits, "every steady token is still cached")
}
