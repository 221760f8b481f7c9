package jwtoken_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
)

// FuzzVerifyToken: no panic; a refusal wraps a sentinel; nothing but the
// genuine token, or a token whose signature still matches (its header
// and claims unchanged), is accepted.
func FuzzVerifyToken(f *testing.F) {
	// Ed25519 from a fixed seed signs deterministically: the same genuine
	// token in every fuzzing process.
	fx := newFixture(f, jwtoken.EdDSA)
	key, err := jwtoken.NewKey(jwtoken.EdDSA, ed25519.NewKeyFromSeed([]byte("jwtoken fuzz key, 32 bytes long!")), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	if fx.keys, err = jwtoken.NewKeySet(key, fx.clock.now); err != nil {
		f.Fatal(err)
	}
	fx.key = key
	if fx.enc, err = jwtoken.NewEncoder(fx.keys, issuer, audience); err != nil {
		f.Fatal(err)
	}
	if fx.ver, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: fx.keys, Now: fx.clock.now}); err != nil {
		f.Fatal(err)
	}
	id, err := grant.ParseTokenID("7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f")
	if err != nil {
		f.Fatal(err)
	}
	tok := userToken(start)
	tok.ID = id
	good := fx.encode(tok)
	parts := strings.Split(good, ".")
	f.Add(good)
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + ".")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"at+jwt","kid":"`+fx.key.ID()+`"}`)) + "." + parts[1] + "." + parts[2])
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := fx.ver.VerifyToken(ctx, s)
		if err != nil {
			for _, sentinel := range []error{jwtoken.ErrTooLarge, jwtoken.ErrMalformed, jwtoken.ErrAlgorithm, jwtoken.ErrType,
				jwtoken.ErrUnknownKey, jwtoken.ErrSignature, jwtoken.ErrIssuer, jwtoken.ErrAudience, grant.ErrExpired, grant.ErrNotYetValid} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			if errors.Is(err, enforce.ErrVerifierUnavailable) {
				t.Fatalf("%q: a local key set is never unavailable: %v", s, err)
			}
			t.Fatalf("%q: error without a sentinel: %v", s, err)
		}
		if got.ID != id {
			t.Fatalf("%q: accepted a token that is not the genuine one: %v", s, got)
		}
		p := strings.Split(s, ".")
		if len(p) != 3 || !sameBytes(p[0], parts[0]) || !sameBytes(p[1], parts[1]) {
			t.Fatalf("%q: accepted with a changed header or claims", s)
		}
	})
}

// sameBytes reports whether two base64url strings decode to the same
// bytes (the decoder tolerates stray trailing bits).
func sameBytes(a, b string) bool {
	x, err1 := base64.RawURLEncoding.DecodeString(a)
	y, err2 := base64.RawURLEncoding.DecodeString(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// FuzzParseJWKS: no panic; a set is refused with ErrMalformed or gives
// keys, each under its own ID, for an allowed algorithm.
func FuzzParseJWKS(f *testing.F) {
	es, err := jwtoken.GenerateKey(jwtoken.ES256)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"keys":[]}`))
	f.Add(publicSet(f, es))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"e","x":"AA","y":"AA"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := jwtoken.ParseJWKS(body, nil)
		if err != nil {
			if !errors.Is(err, jwtoken.ErrMalformed) {
				t.Fatalf("error without ErrMalformed: %v", err)
			}
			return
		}
		for kid, k := range keys {
			switch {
			case k.ID() != kid:
				t.Fatalf("key %q under ID %q", k.ID(), kid)
			case k.Algorithm() != jwtoken.ES256 && k.Algorithm() != jwtoken.RS256 && k.Algorithm() != jwtoken.EdDSA:
				t.Fatalf("key %q for %q", kid, k.Algorithm())
			}
		}
	})
}
