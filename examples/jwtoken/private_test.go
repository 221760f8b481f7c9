package jwtoken_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/internal/redact/redacttest"
)

// TestPrivateKeysNeverPrint: a Key hides its private key as the library's
// types hide their secrets, by value and by pointer, in exported and
// unexported fields, in slices and maps, under every fmt verb, in slog's
// text and JSON handlers, and in JSON, which it refuses with
// ErrPrivateKey. The secret forms are the bytes of the private scalar or
// seed (and with them their hexadecimal, base64 and JWK "d" forms), and
// the big numbers in decimal and hexadecimal, as fmt prints a *big.Int.
func TestPrivateKeysNeverPrint(t *testing.T) {
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecKey, err := jwtoken.NewKey(jwtoken.ES256, ecPriv, "")
	require.NoError(t, err)
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaKey, err := jwtoken.NewKey(jwtoken.RS256, rsaPriv, "")
	require.NoError(t, err)
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edKey, err := jwtoken.NewKey(jwtoken.EdDSA, edPriv, "")
	require.NoError(t, err)

	ecD := ecPriv.D.FillBytes(make([]byte, 32))
	redacttest.NeverPrints(t, "jwtoken.Key ES256", *ecKey,
		[]string{string(ecD), ecPriv.D.Text(10), ecPriv.D.Text(16)}, jwtoken.ErrPrivateKey)
	redacttest.NeverPrints(t, "jwtoken.Key RS256", *rsaKey,
		[]string{string(rsaPriv.D.Bytes()), rsaPriv.D.Text(10), rsaPriv.D.Text(16),
			string(rsaPriv.Primes[0].Bytes()), rsaPriv.Primes[0].Text(10), rsaPriv.Primes[0].Text(16)}, jwtoken.ErrPrivateKey)
	redacttest.NeverPrints(t, "jwtoken.Key EdDSA", *edKey, []string{string(edPriv.Seed())}, jwtoken.ErrPrivateKey)
}
