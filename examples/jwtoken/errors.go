package jwtoken

import (
	"errors"
	"fmt"

	"github.com/scopegate/scopegate/enforce"
)

// Sentinel errors. Every error of the package wraps one of them, and a
// refusal for the token's times wraps grant.ErrExpired or
// grant.ErrNotYetValid as well, so that the enforcer answers
// TOKEN_EXPIRED (or TOKEN_INVALID, saying when the token was issued).
// Every other refusal is a 401 TOKEN_INVALID; ErrKeysUnavailable wraps
// enforce.ErrVerifierUnavailable, a 503. No error holds the token, a key
// or a claim's value beyond the names of the issuer and audience
// expected.
var (
	// ErrTooLarge: the token is longer than MaxLen.
	ErrTooLarge = errors.New("jwtoken: token too large")
	// ErrMalformed: the token is not a compact JWS (three base64url
	// parts, a JSON header), or its claims are missing, of the wrong
	// type, or do not fit together (the error wraps grant.ErrMalformed
	// too then).
	ErrMalformed = errors.New("jwtoken: malformed token")
	// ErrAlgorithm: the token's "alg" is not one the verifier allows
	// ("none" and the HMAC algorithms never are), or not its key's.
	ErrAlgorithm = errors.New("jwtoken: signature algorithm not allowed")
	// ErrType: the token's "typ" header is not "at+jwt" (RFC 9068 §4):
	// an ID token or another JWT is not an access token.
	ErrType = errors.New("jwtoken: not a JWT access token")
	// ErrUnknownKey: no key has the token's "kid", even after the key
	// source looked again (as often as its refresh interval allows).
	ErrUnknownKey = errors.New("jwtoken: unknown signing key")
	// ErrSignature: the signature does not match the token.
	ErrSignature = errors.New("jwtoken: bad signature")
	// ErrIssuer: the "iss" claim is not the issuer the verifier trusts.
	ErrIssuer = errors.New("jwtoken: wrong issuer")
	// ErrAudience: the "aud" claim does not name the verifier's audience.
	ErrAudience = errors.New("jwtoken: wrong audience")
	// ErrKeysUnavailable: the key source could not be read (the JWKS
	// endpoint is down and nothing usable is cached), so the token
	// could not be checked. It wraps enforce.ErrVerifierUnavailable: the
	// enforcer answers 503, not 401.
	ErrKeysUnavailable = fmt.Errorf("jwtoken: signing keys unavailable: %w", enforce.ErrVerifierUnavailable)
	// ErrKey: a key that cannot sign or verify with its algorithm (an
	// RSA key under 2048 bits, a P-384 key for ES256, ...), or a Key or
	// KeySet not made by this package's constructors.
	ErrKey = errors.New("jwtoken: unusable key")
	// ErrConfig: a Verifier, Encoder or RemoteKeys configured wrongly.
	ErrConfig = errors.New("jwtoken: invalid configuration")
	// ErrPrivateKey: an attempt to marshal a private Key. Publish its
	// public half with Key.Public.
	ErrPrivateKey = errors.New("jwtoken: refusing to marshal a private key")
)
