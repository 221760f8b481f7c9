package jwtoken_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
)

// publishedIDs returns the key IDs of the JWK Set, in order.
func publishedIDs(t testing.TB, keys *jwtoken.KeySet) []string {
	t.Helper()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			Use string `json:"use"`
			D   string `json:"d"`
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(keys.JWKS(), &set))
	ids := []string{}
	for _, k := range set.Keys {
		require.Equal(t, "sig", k.Use)
		require.Empty(t, k.D, "a private key was published")
		ids = append(ids, k.Kid)
	}
	return ids
}

// A key rotated out keeps verifying the tokens it signed until the last of
// them expires (and the clock skew), and is published that long; the new
// key signs from the rotation on.
func TestRotation(t *testing.T) {
	f := newFixture(t, jwtoken.ES256, func(c *jwtoken.Config) { c.ClockSkew = grant.MaxClockSkew })
	a := f.key
	old := f.encode(userToken(f.clock.now()))

	b, err := jwtoken.GenerateKey(jwtoken.EdDSA)
	require.NoError(t, err)
	require.NoError(t, f.keys.Stage(b))
	require.Equal(t, []string{a.ID(), b.ID()}, publishedIDs(t, f.keys), "a staged key is published before it signs")
	require.Equal(t, a.ID(), f.keys.Current().ID())
	require.ErrorIs(t, f.keys.Stage(b), jwtoken.ErrKey, "staged twice")

	f.clock.add(10 * time.Minute)
	require.NoError(t, f.keys.Rotate(b))
	require.Equal(t, b.ID(), f.keys.Current().ID())
	require.Equal(t, []string{b.ID(), a.ID()}, publishedIDs(t, f.keys))
	fresh := f.encode(userToken(f.clock.now()))
	for _, tok := range []string{old, fresh} {
		_, err := f.ver.VerifyToken(ctx, tok)
		require.NoError(t, err)
	}

	// The old token expires an hour after it was issued; its key goes
	// MaxClockSkew later.
	f.clock.add(50*time.Minute + grant.MaxClockSkew - time.Second)
	_, err = f.ver.VerifyToken(ctx, old)
	require.NoError(t, err, "expired, but within the skew")
	require.Contains(t, publishedIDs(t, f.keys), a.ID())
	f.clock.add(time.Second)
	_, err = f.ver.VerifyToken(ctx, old)
	require.ErrorIs(t, err, jwtoken.ErrUnknownKey)
	require.Equal(t, []string{b.ID()}, publishedIDs(t, f.keys))
	_, err = f.ver.VerifyToken(ctx, fresh)
	require.NoError(t, err)

	// A key that signed nothing goes at once.
	c, err := jwtoken.GenerateKey(jwtoken.RS256)
	require.NoError(t, err)
	d, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	require.NoError(t, f.keys.Rotate(c))
	require.NoError(t, f.keys.Rotate(d))
	require.Equal(t, []string{d.ID(), b.ID()}, publishedIDs(t, f.keys))
	require.ErrorIs(t, f.keys.Rotate(d), jwtoken.ErrKey, "rotating to the current key")
	require.ErrorIs(t, f.keys.Rotate(b), jwtoken.ErrKey, "rotating back to a retired key")
}

func TestJWKSHandler(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	srv := httptest.NewServer(f.keys)
	defer srv.Close()
	res, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "application/jwk-set+json", res.Header.Get("Content-Type"))
	require.Equal(t, "public, max-age=300", res.Header.Get("Cache-Control"))
	keys, err := jwtoken.ParseJWKS(f.keys.JWKS(), nil)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.True(t, keys[f.key.ID()] != nil)

	res, err = http.Post(srv.URL, "text/plain", nil)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
}

// Keys of the wrong size or kind, zero values and bad configurations are
// refused, never used.
func TestRefusedKeysAndConfigs(t *testing.T) {
	_, err := jwtoken.GenerateKey("HS256")
	require.ErrorIs(t, err, jwtoken.ErrKey)
	_, err = jwtoken.GenerateKey("none")
	require.ErrorIs(t, err, jwtoken.ErrKey)
	small, err := rsaKeyOfSize(1024)
	require.NoError(t, err)
	_, err = jwtoken.NewKey(jwtoken.RS256, small, "")
	require.ErrorIs(t, err, jwtoken.ErrKey)
	ec, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	_, err = jwtoken.NewKey(jwtoken.EdDSA, small, "")
	require.ErrorIs(t, err, jwtoken.ErrKey, "an RSA key for EdDSA")
	_, err = jwtoken.NewKey(jwtoken.ES256, nil, "")
	require.ErrorIs(t, err, jwtoken.ErrKey)
	_, err = jwtoken.NewKeySet(&jwtoken.Key{}, nil)
	require.ErrorIs(t, err, jwtoken.ErrKey)
	_, err = jwtoken.NewKeySet(nil, nil)
	require.ErrorIs(t, err, jwtoken.ErrKey)

	keys, err := jwtoken.NewKeySet(ec, nil)
	require.NoError(t, err)
	for _, iss := range []string{"", "http://auth.example.com", "https://auth.example.com?x=1", "auth.example.com", "https://u@auth.example.com"} {
		_, err := jwtoken.NewEncoder(keys, iss, audience)
		require.ErrorIs(t, err, jwtoken.ErrConfig, iss)
		_, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: iss, Audience: []string{audience}, Keys: keys})
		require.ErrorIs(t, err, jwtoken.ErrConfig, iss)
	}
	_, err = jwtoken.NewEncoder(keys, "http://127.0.0.1:8080/oauth", audience)
	require.NoError(t, err, "http on loopback")
	_, err = jwtoken.NewEncoder(keys, issuer)
	require.ErrorIs(t, err, jwtoken.ErrConfig, "no audience")
	_, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}})
	require.ErrorIs(t, err, jwtoken.ErrConfig, "no keys")
	_, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Algorithms: []jwtoken.Algorithm{"HS256"}})
	require.ErrorIs(t, err, jwtoken.ErrConfig, "HMAC in the allow-list")
	_, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Algorithms: []jwtoken.Algorithm{}})
	require.ErrorIs(t, err, jwtoken.ErrConfig, "an empty allow-list")

	var zeroEnc jwtoken.Encoder
	_, err = zeroEnc.Encode(userToken(start))
	require.ErrorIs(t, err, jwtoken.ErrConfig)
	var zeroVer jwtoken.Verifier
	_, err = zeroVer.VerifyToken(ctx, "a.b.c")
	require.ErrorIs(t, err, jwtoken.ErrConfig)
	var zeroRemote jwtoken.RemoteKeys
	_, err = zeroRemote.PublicKey(ctx, "k")
	require.ErrorIs(t, err, jwtoken.ErrConfig)
}

// An ES256-only verifier refuses EdDSA tokens from the same issuer.
func TestAlgorithmAllowList(t *testing.T) {
	f := newFixture(t, jwtoken.EdDSA, func(c *jwtoken.Config) { c.Algorithms = []jwtoken.Algorithm{jwtoken.ES256} })
	_, err := f.ver.VerifyToken(ctx, f.encode(userToken(start)))
	require.ErrorIs(t, err, jwtoken.ErrAlgorithm)
}

// Encode refuses claims that do not fit together, before and after
// rounding to whole seconds.
func TestEncodeRefusals(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	bad := userToken(start)
	bad.User = ""
	_, err := f.enc.Encode(bad)
	require.ErrorIs(t, err, jwtoken.ErrMalformed)
	require.ErrorIs(t, err, grant.ErrMalformed)
	short := userToken(start.Add(500 * time.Millisecond))
	short.ExpiresAt = start.Add(900 * time.Millisecond) // both round down to start
	_, err = f.enc.Encode(short)
	require.ErrorIs(t, err, jwtoken.ErrMalformed, "expiry equal to issue time once rounded")
}
