package redact_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// verbs are the fmt verbs a careless log line might use, with flags,
// width and precision, and the ones that make fmt bypass a type's methods
// (%p, and any verb that does not suit the operand).
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%T", "%p",
	"%t", "%o", "%b", "%e", "%U", "%c", "%10.3v", "%-20s", "%08x",
}

type exported[T any] struct{ Field T }

type unexported[T any] struct{ field T }

type unexportedPointer[T any] struct{ field *T }

type shape struct {
	name string
	v    any
}

// shapes returns v in every place a secret may end up in a log line.
func shapes[T any](v T) []shape {
	return []shape{
		{"value", v},
		{"pointer", &v},
		{"exported field", exported[T]{v}},
		{"unexported field", unexported[T]{v}},
		{"pointer in an unexported field", unexportedPointer[T]{&v}},
		{"slice", []T{v}},
		{"map", map[string]T{"k": v}},
	}
}

// leaks returns the forms the secret text s would take in a leak: parts
// of its text, and its first bytes in hexadecimal, decimal, octal, binary,
// Unicode and base64, as fmt and encoding/json write a string or []byte.
func leaks(s string) []string {
	b := []byte(s[:8])
	list := func(format string) string { return strings.Trim(fmt.Sprintf(format, b), "[]") }
	return []string{
		s[:8], s[8:16], s[len(s)-8:],
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)), list("% x"),
		list("%d"), list("%o"), list("%b"), list("%U"),
		base64.StdEncoding.EncodeToString(b[:6]), base64.RawURLEncoding.EncodeToString(b[:6]),
	}
}

// TestSecretsNeverPrint: every type that holds a secret hides it, by value
// and by pointer, in exported and unexported fields, in slices and maps,
// under every fmt verb, in slog's text and JSON handlers, and in JSON
// (issue 11). Secrets, codes and verifiers refuse to marshal; the requests
// that carry them marshal with them redacted.
func TestSecretsNeverPrint(t *testing.T) {
	const (
		secretText   = "q7Rk2Qx9Lm4Vw8Zp1Ag7Hn3Ty6Ub5Jc0Xe2Wq7Kd8Pf"
		codeText     = "Hn3Ty6Ub5Jc0Xe2Wq7Kd8Pf4Rs1Gm9Lz6Tb3Vn5Cx7Q"
		verifierText = "Kd8Pf4Rs1Gm9Lz6Tb3Vn5Cx7Qw2Ej0Hy4Ua8Mo1SiZq5Xw2"
	)
	// Private keys of JWT access tokens, each with the forms its secret
	// takes: the bytes of the private scalar or seed (and with them their
	// hexadecimal, base64 and JWK "d" forms), and the big numbers in
	// decimal and hexadecimal, as fmt prints a *big.Int.
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
	ecSecrets := []string{string(ecD), ecPriv.D.Text(10), ecPriv.D.Text(16)}
	rsaSecrets := []string{string(rsaPriv.D.Bytes()), rsaPriv.D.Text(10), rsaPriv.D.Text(16),
		string(rsaPriv.Primes[0].Bytes()), rsaPriv.Primes[0].Text(10), rsaPriv.Primes[0].Text(16)}
	edSecrets := []string{string(edPriv.Seed())}
	secret := client.SecretFrom(secretText)
	code := grant.CodeFrom(codeText)
	verifier := grant.CodeVerifierFrom(verifierText)
	id := client.NewID()

	tests := []struct {
		name    string
		shapes  []shape
		secrets []string
		// marshalErr is what json.Marshal of the value returns: nil for
		// the types that marshal with their secrets redacted.
		marshalErr error
	}{
		{"client.Secret", shapes(secret), []string{secretText}, client.ErrSecret},
		{"grant.Code", shapes(code), []string{codeText}, grant.ErrSecret},
		{"grant.CodeVerifier", shapes(verifier), []string{verifierText}, grant.ErrSecret},
		{
			"grant.ExchangeRequest",
			shapes(grant.ExchangeRequest{Client: id, Secret: secret, Code: code, RedirectURI: "https://app.example.com/cb", CodeVerifier: verifier}),
			[]string{secretText, codeText, verifierText}, nil,
		},
		{
			"grant.ClientCredentialsRequest",
			shapes(grant.ClientCredentialsRequest{Org: "org-1", Client: id, Secret: secret}),
			[]string{secretText}, nil,
		},
		{
			"grant.SAML2BearerRequest",
			shapes(grant.SAML2BearerRequest{Org: "org-1", Client: id, Secret: secret, User: "agent-42", Scopes: scope.MustParseSet("users:readonly")}),
			[]string{secretText}, nil,
		},
		{"jwtoken.Key ES256", shapes(*ecKey), ecSecrets, jwtoken.ErrPrivateKey},
		{"jwtoken.Key RS256", shapes(*rsaKey), rsaSecrets, jwtoken.ErrPrivateKey},
		{"jwtoken.Key EdDSA", shapes(*edKey), edSecrets, jwtoken.ErrPrivateKey},
	}
	for _, tt := range tests {
		var forms []string
		for _, s := range tt.secrets {
			forms = append(forms, leaks(s)...)
		}
		for _, sh := range tt.shapes {
			t.Run(tt.name+"/"+sh.name, func(t *testing.T) {
				outs := map[string]string{}
				for _, verb := range verbs {
					outs[verb] = fmt.Sprintf(verb, sh.v)
				}
				var text, js bytes.Buffer
				slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", sh.v)
				slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", sh.v)
				outs["slog text"], outs["slog JSON"] = text.String(), js.String()
				b, err := json.Marshal(sh.v)
				outs["json.Marshal"] = string(b)
				if err != nil {
					outs["json.Marshal error"] = err.Error()
				}
				for what, out := range outs {
					for _, leak := range forms {
						require.NotContains(t, out, leak, "%s printed %q", what, out)
					}
				}

				switch sh.name {
				case "value", "pointer":
					require.Contains(t, outs["%v"], "[redacted]")
					require.Contains(t, outs["slog JSON"], "[redacted]")
					if tt.marshalErr != nil {
						require.ErrorIs(t, err, tt.marshalErr, "a secret does not marshal")
					} else {
						require.NoError(t, err, "a request marshals with its secrets redacted")
					}
				}
			})
		}
	}
}
