// Package jwtoken writes and checks JWT access tokens (RFC 9068): a
// grant.Token signed as a JWS (RFC 7515) with the issuer's key, which a
// resource server verifies with the public key, published as a JWK Set
// (RFC 7517). It uses github.com/go-jose/go-jose/v4 for every
// signature, key and JWK: that library makes its callers name the
// algorithms they accept when they parse, publishes and reads JWK Sets
// and RFC 7638 thumbprints, and is the one coreos/go-oidc verifies with.
//
// # Tokens
//
// An [Encoder] writes a token with the header {"alg", "typ": "at+jwt",
// "kid"} and these claims:
//
//	iss         the issuer identifier (an https URL)
//	sub         the user; the client ID for a client-credentials token
//	aud         the resource servers the token is for (a string, or an array)
//	exp, iat    expiry and issue time, in whole seconds
//	jti         the token ID (grant.TokenID), for revocation
//	client_id   the OAuth client
//	scope       the scopes, space-separated; absent for client credentials
//	org_id      the org the token acts in (ClaimOrg)
//	grant_type  the grant it came from (ClaimGrantType), as OAuth names it
//
// Times are rounded down to whole seconds: the token never outlives the
// grant.Token, and works from the moment it is issued. A token is at most
// MaxLen bytes.
//
// # Verifying
//
// A [Verifier] (an httpmw.TokenVerifier) checks, in this order, the size,
// the compact form, the algorithm against an allow-list (ES256, RS256,
// EdDSA; never "none" or HMAC, so a public key can never pass as an HMAC
// secret), "typ", the key by its "kid" (whose algorithm must be the
// token's), the signature, "iss", "aud", every claim a grant.Token needs,
// and "exp", "nbf" and "iat" with the configured clock skew. Each failure
// wraps one of the package's sentinels. A token past its expiry wraps
// grant.ErrExpired, one not yet valid grant.ErrNotYetValid, and both come
// back with the token's claims, so that the enforcer answers TOKEN_EXPIRED
// and says when; every other refusal is TOKEN_INVALID (401). When the
// keys cannot be read, the error wraps enforce.ErrVerifierUnavailable and
// the enforcer answers 503. No error quotes the token.
//
// The Verifier keeps the tokens it verified in a bounded cache, by the
// SHA-256 of the token string (never the token itself), so that a token's
// repeated requests skip the signature and the JSON of its claims. An entry
// never outlives the token's "exp", and counts only while the key source
// still has the key that verified it: rotating a key out, or its removal
// from a remote JWK Set, ends its entries. [Verifier.Revocations] wraps a
// grant.Store so that revoking a token, or all of a user's or a client's,
// forgets them too; the enforcer checks revocations and the client's state
// on every request anyway. Tokens that fail are never cached, and the
// cache is a segmented LRU: a token enters on probation and is protected
// from its second use on, so a flood of distinct tokens, bogus or even
// valid, neither grows memory nor evicts the tokens in steady use.
//
// # Keys
//
// A [Key] is a private key with its ID and algorithm; it never prints,
// logs or marshals its private half. A [KeySet] holds the issuer's keys:
// the current one signs; [KeySet.Stage] publishes the next one before
// [KeySet.Rotate] makes it current; a key rotated out is kept, and
// published, until the last token it signed has expired (plus
// grant.MaxClockSkew). [KeySet.ServeHTTP] serves the JWK Set.
//
// A resource server elsewhere reads that set with [RemoteKeys]: it caches
// the keys, fetches again when a token names an unknown key ID at most
// once per refresh interval (so made-up key IDs cannot make it fetch on
// every request), lets one fetch run at a time, refreshes a set older than
// its max age in the background, and keeps serving the keys it has when a
// fetch fails. [ParseJWKS] reads a set, strictly.
//
// # Concurrency
//
// Key, PublicKey, Encoder, KeySet, Verifier and RemoteKeys are safe for
// concurrent use.
package jwtoken
