package jwtoken_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

var allAlgorithms = []jwtoken.Algorithm{jwtoken.ES256, jwtoken.RS256, jwtoken.EdDSA}

// A token encoded and verified comes back as the grant.Token it was, its
// times in whole seconds, for every algorithm and both kinds of subject.
func TestRoundTrip(t *testing.T) {
	for _, alg := range allAlgorithms {
		t.Run(string(alg), func(t *testing.T) {
			f := newFixture(t, alg)
			now := f.clock.now().Add(250 * time.Millisecond)
			for _, tok := range []grant.Token{userToken(now), ccToken(now)} {
				s := f.encode(tok)
				require.LessOrEqual(t, len(s), jwtoken.MaxLen)
				got, err := f.ver.VerifyToken(ctx, s)
				require.NoError(t, err)
				want := tok
				want.IssuedAt, want.ExpiresAt = start, start.Add(time.Hour) // rounded down
				if diff := cmp.Diff(want, got, tokenOpts); diff != "" {
					t.Errorf("verified token (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// tokenOpts compares grant.Tokens.
var tokenOpts = cmp.Options{
	cmp.Comparer(func(a, b scope.Set) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b grant.TokenID) bool { return a == b }),
	cmp.Comparer(func(a, b client.ID) bool { return a == b }),
}

// The header and the claims are RFC 9068's, under the documented names.
func TestTokenLayout(t *testing.T) {
	f := newFixture(t, jwtoken.ES256)
	for _, tc := range []struct {
		name   string
		token  grant.Token
		claims map[string]any
	}{
		{"user", userToken(start), map[string]any{
			"iss": issuer, "sub": "agent", "aud": audience, "exp": float64(start.Add(time.Hour).Unix()), "iat": float64(start.Unix()),
			"client_id": appID.String(), "scope": "conversations:readonly users:readonly", "org_id": "org-1", "grant_type": "authorization_code",
		}},
		{"client credentials", ccToken(start), map[string]any{
			"iss": issuer, "sub": appID.String(), "aud": audience, "exp": float64(start.Add(time.Hour).Unix()), "iat": float64(start.Unix()),
			"client_id": appID.String(), "org_id": "org-1", "grant_type": "client_credentials",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := f.encode(tc.token)
			parts := strings.Split(s, ".")
			require.Len(t, parts, 3)
			var header map[string]any
			require.NoError(t, json.Unmarshal(decodePart(t, parts[0]), &header))
			require.Equal(t, map[string]any{"alg": "ES256", "typ": "at+jwt", "kid": f.key.ID()}, header)
			var got map[string]any
			require.NoError(t, json.Unmarshal(decodePart(t, parts[1]), &got))
			require.Equal(t, tc.token.ID.String(), got["jti"])
			delete(got, "jti")
			if diff := cmp.Diff(tc.claims, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}

func decodePart(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// forge signs claims with a header of its own, as an attacker or another
// issuer would.
type forge struct {
	alg     jose.SignatureAlgorithm
	key     any // a private key, an HMAC secret, or a jose.JSONWebKey
	typ     string
	claims  map[string]any
	rawHead string // a whole header, for alg "none"
}

func (fg forge) sign(t testing.TB) string {
	t.Helper()
	payload, err := json.Marshal(fg.claims)
	require.NoError(t, err)
	if fg.rawHead != "" {
		return base64.RawURLEncoding.EncodeToString([]byte(fg.rawHead)) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	}
	opts := &jose.SignerOptions{}
	if fg.typ != "" {
		opts = opts.WithType(jose.ContentType(fg.typ))
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: fg.alg, Key: fg.key}, opts)
	require.NoError(t, err)
	jws, err := s.Sign(payload)
	require.NoError(t, err)
	out, err := jws.CompactSerialize()
	require.NoError(t, err)
	return out
}

// goodClaims returns the claims of a valid token, to change.
func goodClaims(t testing.TB, f *fixture) map[string]any {
	t.Helper()
	s := f.encode(userToken(start))
	var c map[string]any
	require.NoError(t, json.Unmarshal(decodePart(t, strings.Split(s, ".")[1]), &c))
	return c
}

func with(c map[string]any, changes ...any) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == nil {
			delete(out, changes[i].(string))
		} else {
			out[changes[i].(string)] = changes[i+1]
		}
	}
	return out
}

// Every way a token can be wrong is refused with its sentinel, maps to
// the enforcer's code, and never quotes the token.
func TestVerifyRefusals(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	key, err := jwtoken.NewKey(jwtoken.ES256, priv, "k1")
	require.NoError(t, err)
	c := newClock()
	keys, err := jwtoken.NewKeySet(key, c.now)
	require.NoError(t, err)
	enc, err := jwtoken.NewEncoder(keys, issuer, audience)
	require.NoError(t, err)
	ver, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Now: c.now, ClockSkew: time.Minute})
	require.NoError(t, err)
	f := &fixture{t: t, clock: c, key: key, keys: keys, enc: enc, ver: ver}
	good := goodClaims(t, f)
	jwk := func(k any, kid string) jose.JSONWebKey { return jose.JSONWebKey{Key: k, KeyID: kid} }
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	pubJSON, err := json.Marshal(key.Public())
	require.NoError(t, err)
	valid := f.encode(userToken(start))
	tampered := valid[:len(valid)-4] + map[bool]string{true: "AAAA", false: "BBBB"}[!strings.HasSuffix(valid, "AAAA")]
	unixAt := func(d time.Duration) float64 { return float64(start.Add(d).Unix()) }

	for _, tc := range []struct {
		name  string
		token string
		err   error
		also  error // a second sentinel the error wraps
		code  enforce.Code
	}{
		{"signed by the issuer: accepted", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: good}.sign(t), nil, nil, enforce.CodeAllowed},
		{"typ application/at+jwt: accepted", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "application/AT+JWT", claims: good}.sign(t), nil, nil, enforce.CodeAllowed},
		{"too large", strings.Repeat("a", jwtoken.MaxLen+1), jwtoken.ErrTooLarge, nil, enforce.CodeTokenInvalid},
		{"not a JWS", "abc.def", jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"empty", "", jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"tampered signature", tampered, jwtoken.ErrSignature, nil, enforce.CodeTokenInvalid},
		{"alg none", forge{rawHead: `{"alg":"none","typ":"at+jwt","kid":"k1"}`, claims: good}.sign(t), jwtoken.ErrAlgorithm, nil, enforce.CodeTokenInvalid},
		{"HS256 with the public key as secret", forge{alg: jose.HS256, key: jwk(pubJSON, "k1"), typ: "at+jwt", claims: good}.sign(t), jwtoken.ErrAlgorithm, nil, enforce.CodeTokenInvalid},
		{"an ID token", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "JWT", claims: good}.sign(t), jwtoken.ErrType, nil, enforce.CodeTokenInvalid},
		{"no typ", forge{alg: jose.ES256, key: jwk(priv, "k1"), claims: good}.sign(t), jwtoken.ErrType, nil, enforce.CodeTokenInvalid},
		{"no kid", forge{alg: jose.ES256, key: priv, typ: "at+jwt", claims: good}.sign(t), jwtoken.ErrUnknownKey, nil, enforce.CodeTokenInvalid},
		{"unknown kid", forge{alg: jose.ES256, key: jwk(other, "k2"), typ: "at+jwt", claims: good}.sign(t), jwtoken.ErrUnknownKey, nil, enforce.CodeTokenInvalid},
		{"another key under the issuer's kid", forge{alg: jose.ES256, key: jwk(other, "k1"), typ: "at+jwt", claims: good}.sign(t), jwtoken.ErrSignature, nil, enforce.CodeTokenInvalid},
		{"RS256 under an ES256 key's kid", forge{alg: jose.RS256, key: jwk(rsaPrivate(t), "k1"), typ: "at+jwt", claims: good}.sign(t), jwtoken.ErrAlgorithm, nil, enforce.CodeTokenInvalid},
		{"wrong issuer", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "iss", "https://evil.example.com")}.sign(t), jwtoken.ErrIssuer, nil, enforce.CodeTokenInvalid},
		{"wrong audience", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "aud", []string{"https://other.example.com"})}.sign(t), jwtoken.ErrAudience, nil, enforce.CodeTokenInvalid},
		{"audience in a list", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "aud", []string{"x", audience})}.sign(t), nil, nil, enforce.CodeAllowed},
		{"no audience", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "aud", nil)}.sign(t), jwtoken.ErrAudience, nil, enforce.CodeTokenInvalid},
		{"no jti", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "jti", nil)}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"no org", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "org_id", nil)}.sign(t), jwtoken.ErrMalformed, grant.ErrMalformed, enforce.CodeTokenInvalid},
		{"no exp", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "exp", nil)}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"exp not a number", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "exp", "tomorrow")}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"fractional exp", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "exp", unixAt(time.Hour)+0.5)}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"a lifetime no issuer gives", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "exp", unixAt(30*24*time.Hour))}.sign(t), jwtoken.ErrMalformed, grant.ErrMalformed, enforce.CodeTokenInvalid},
		{"bad scope", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "scope", "users  manage")}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"unknown grant type", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "grant_type", "password")}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"client credentials for a user", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "grant_type", "client_credentials", "scope", nil)}.sign(t), jwtoken.ErrMalformed, nil, enforce.CodeTokenInvalid},
		{"expired", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "iat", unixAt(-2*time.Hour), "exp", unixAt(-time.Hour))}.sign(t), grant.ErrExpired, nil, enforce.CodeTokenExpired},
		{"expired within the skew", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "iat", unixAt(-time.Hour), "exp", unixAt(-30*time.Second))}.sign(t), nil, nil, enforce.CodeAllowed},
		{"issued in the future", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "iat", unixAt(10*time.Minute), "exp", unixAt(time.Hour))}.sign(t), grant.ErrNotYetValid, nil, enforce.CodeTokenInvalid},
		{"not before a later time", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "nbf", unixAt(10*time.Minute))}.sign(t), grant.ErrNotYetValid, nil, enforce.CodeTokenInvalid},
		{"not before, within the skew", forge{alg: jose.ES256, key: jwk(priv, "k1"), typ: "at+jwt", claims: with(good, "nbf", unixAt(30*time.Second))}.sign(t), nil, nil, enforce.CodeAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ver.VerifyToken(ctx, tc.token)
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
				if tc.also != nil {
					require.ErrorIs(t, err, tc.also)
				}
				if len(tc.token) > 20 {
					for _, part := range strings.Split(tc.token, ".") {
						if len(part) > 8 {
							require.NotContains(t, err.Error(), part, "the error quotes the token")
						}
					}
				}
			}
			d := enforceWith(t, c, tok, err)
			require.Equal(t, tc.code.String(), d.Code().String(), d.Reason())
		})
	}
}

func rsaPrivate(t testing.TB) crypto.Signer {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return priv
}

// enforceWith runs the enforcer on a token or a verification error, the
// way httpmw does, and returns the decision.
func enforceWith(t testing.TB, c *clock, tok grant.Token, verr error) enforce.Decision {
	t.Helper()
	e := sampleEnforcer(t, c)
	req := enforce.Request{Method: "GET", Path: "/api/v2/users/me", Token: tok, TokenErr: verr}
	d, err := e.Enforce(ctx, &req)
	if verr != nil && errors.Is(verr, enforce.ErrVerifierUnavailable) {
		require.ErrorIs(t, err, enforce.ErrVerifierUnavailable)
	} else {
		require.NoError(t, err)
	}
	return d
}
