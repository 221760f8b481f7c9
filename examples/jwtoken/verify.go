package jwtoken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// Config is what a Verifier checks tokens against. Issuer, Audience and
// Keys are required.
type Config struct {
	// Issuer is the "iss" every token must carry: the authorization
	// server's issuer identifier, compared exactly.
	Issuer string
	// Audience lists the identifiers this resource server answers to; a
	// token's "aud" must name one of them.
	Audience []string
	// Keys finds the key a token names: a *KeySet (the issuer's own) or
	// *RemoteKeys (an issuer's JWK Set over HTTP).
	Keys KeySource
	// Algorithms is the allow-list of signature algorithms; nil means
	// all three supported ones. A token with any other "alg" ("none",
	// HS256, ...) is refused before its key is even looked up.
	Algorithms []Algorithm
	// ClockSkew is how far the issuer's clock may be off: from zero to
	// grant.MaxClockSkew (longer is cut to it). Give the enforcer's.
	ClockSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheSize is how many verified tokens to keep: zero means
	// DefaultCacheSize, a negative number none.
	CacheSize int
}

// A Verifier checks JWT access tokens (RFC 9068) and returns the
// grant.Token they stand for: it implements httpmw.TokenVerifier. It is
// safe for concurrent use.
type Verifier struct {
	issuer   string
	audience []string
	keys     KeySource
	algs     []jose.SignatureAlgorithm
	skew     time.Duration
	now      func() time.Time
	cache    *tokenCache
}

// NewVerifier checks cfg and returns a verifier.
func NewVerifier(cfg Config) (*Verifier, error) {
	if err := checkIssuer(cfg.Issuer); err != nil {
		return nil, err
	}
	if len(cfg.Audience) == 0 || cfg.Keys == nil {
		return nil, fmt.Errorf("%w: a Verifier needs an audience and a key source", ErrConfig)
	}
	for _, a := range cfg.Audience {
		if a == "" {
			return nil, fmt.Errorf("%w: an empty audience", ErrConfig)
		}
	}
	v := &Verifier{
		issuer:   cfg.Issuer,
		audience: append([]string(nil), cfg.Audience...),
		keys:     cfg.Keys,
		skew:     min(max(cfg.ClockSkew, 0), grant.MaxClockSkew),
		now:      cfg.Now,
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = algorithms
	}
	if len(algs) == 0 {
		return nil, fmt.Errorf("%w: no signature algorithm allowed", ErrConfig)
	}
	for _, a := range algs {
		if !a.valid() {
			return nil, fmt.Errorf("%w: algorithm %q; the allowed ones are ES256, RS256 and EdDSA", ErrConfig, a)
		}
		v.algs = append(v.algs, jose.SignatureAlgorithm(a))
	}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case cfg.CacheSize == 0:
		v.cache = newTokenCache(DefaultCacheSize)
	case cfg.CacheSize > 0:
		v.cache = newTokenCache(cfg.CacheSize)
	}
	return v, nil
}

// VerifyToken checks a JWT access token and returns its claims:
//
//   - at most MaxLen bytes (ErrTooLarge), a compact JWS with one
//     signature (ErrMalformed);
//   - "alg" in the allow-list (ErrAlgorithm), "typ" at+jwt or
//     application/at+jwt (ErrType), a "kid" the key source knows
//     (ErrUnknownKey, or ErrKeysUnavailable when it could not tell) and
//     whose key is for that algorithm (ErrAlgorithm);
//   - the signature (ErrSignature);
//   - "iss" (ErrIssuer), "aud" (ErrAudience), and every claim a
//     grant.Token needs, fitting together (ErrMalformed);
//   - "exp", "iat" and "nbf" against the clock, with the configured skew:
//     an error wrapping grant.ErrExpired or grant.ErrNotYetValid, returned
//     with the claims so that the enforcer can say when.
//
// A token that passes is cached, by the SHA-256 of its string, until it
// expires: its next requests skip the signature and the claims, as long
// as the key source still has the key that verified it. Revocation and
// the client's state are not checked here but by the enforcer, on every
// request, cached or not.
func (v *Verifier) VerifyToken(ctx context.Context, token string) (grant.Token, error) {
	if v == nil || v.keys == nil {
		return grant.Token{}, fmt.Errorf("%w: a Verifier not made by NewVerifier", ErrConfig)
	}
	if len(token) > MaxLen {
		return grant.Token{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(token), MaxLen)
	}
	if v.cache == nil {
		t, _, err := v.verify(ctx, token)
		return t, err
	}
	k := keyOf(token)
	if t, pub, ok := v.cache.get(k, v.now()); ok {
		// The key must still be there: a key rotated out or withdrawn
		// since ends its tokens' entries.
		if cur, err := v.keys.PublicKey(ctx, pub.id); err == nil && cur == pub {
			return t, nil
		}
		v.cache.remove(k)
	}
	t, pub, err := v.verify(ctx, token)
	if err != nil {
		return t, err
	}
	if v.now().Before(t.ExpiresAt) { // not one past its expiry, within the skew
		v.cache.put(k, t, pub)
	}
	return t, nil
}

// verify runs every check, and returns the key that verified the token.
func (v *Verifier) verify(ctx context.Context, token string) (grant.Token, *PublicKey, error) {
	jws, err := jose.ParseSignedCompact(token, v.algs)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return grant.Token{}, nil, fmt.Errorf("%w: %q", ErrAlgorithm, clip(string(alg.Got)))
		}
		return grant.Token{}, nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	if len(jws.Signatures) != 1 {
		return grant.Token{}, nil, fmt.Errorf("%w: %d signatures, want one", ErrMalformed, len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	if !strings.EqualFold(typ, TokenType) && !strings.EqualFold(typ, "application/"+TokenType) {
		return grant.Token{}, nil, fmt.Errorf("%w: typ %q, want %q", ErrType, clip(typ), TokenType)
	}
	if h.KeyID == "" {
		return grant.Token{}, nil, fmt.Errorf("%w: no kid", ErrUnknownKey)
	}
	pub, err := v.keys.PublicKey(ctx, h.KeyID)
	if err != nil {
		return grant.Token{}, nil, err
	}
	if string(pub.alg) != h.Algorithm {
		return grant.Token{}, nil, fmt.Errorf("%w: %q, but key %q is for %s", ErrAlgorithm, clip(h.Algorithm), clip(h.KeyID), pub.alg)
	}
	payload, err := jws.Verify(pub.key)
	if err != nil {
		return grant.Token{}, nil, ErrSignature
	}

	// Authentic from here on; still, check every claim.
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return grant.Token{}, nil, fmt.Errorf("%w: the claims are not the JSON object of RFC 9068", ErrMalformed)
	}
	if c.Issuer != v.issuer {
		return grant.Token{}, nil, fmt.Errorf("%w: want %q", ErrIssuer, v.issuer)
	}
	if !c.Audience.has(v.audience) {
		return grant.Token{}, nil, fmt.Errorf("%w: want one of %q", ErrAudience, v.audience)
	}
	t, err := c.token()
	if err != nil {
		return grant.Token{}, nil, err
	}
	now := v.now()
	if err := t.CheckTime(now, v.skew); err != nil {
		return t, nil, fmt.Errorf("jwtoken: %w", err)
	}
	if c.NotBefore != nil && now.Add(v.skew).Before(time.Unix(*c.NotBefore, 0)) {
		return t, nil, fmt.Errorf("jwtoken: %w: not before %s", grant.ErrNotYetValid, time.Unix(*c.NotBefore, 0).UTC().Format(time.RFC3339))
	}
	return t, pub, nil
}

// clip shortens a value from a token for an error message.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// CacheStats returns what the cache of verified tokens did; the zero
// CacheStats without a cache.
func (v *Verifier) CacheStats() CacheStats {
	if v == nil || v.cache == nil {
		return CacheStats{}
	}
	return v.cache.stats()
}

// Forget drops the cached verifications of the tokens match reports,
// such as every token of a revoked client. The enforcer checks revocations
// on every request anyway; forgetting frees the room at once.
func (v *Verifier) Forget(match func(grant.Token) bool) {
	if v == nil || v.cache == nil {
		return
	}
	v.cache.dropIf(func(t *grant.Token) bool { return match(*t) })
}

// Revocations returns store with its revocations passed on to the
// verifier's cache: a token revoked by its ID, or with every token of its
// user or client, is forgotten at once. Give it to the grant.Issuer (whose
// code replays revoke tokens) and to whatever revokes tokens, such as a
// revocation endpoint.
func (v *Verifier) Revocations(store grant.Store) grant.Store {
	return revokingStore{Store: store, v: v}
}

type revokingStore struct {
	grant.Store
	v *Verifier
}

func (s revokingStore) RevokeToken(ctx context.Context, t grant.Token) error {
	err := s.Store.RevokeToken(ctx, t)
	s.v.Forget(func(c grant.Token) bool { return c.ID == t.ID })
	return err
}

func (s revokingStore) RevokeUser(ctx context.Context, org client.OrgID, user string, at time.Time) error {
	err := s.Store.RevokeUser(ctx, org, user, at)
	s.v.Forget(func(c grant.Token) bool { return c.Org == org && c.User == user && !c.IssuedAt.After(at) })
	return err
}

func (s revokingStore) RevokeClient(ctx context.Context, id client.ID, at time.Time) error {
	err := s.Store.RevokeClient(ctx, id, at)
	s.v.Forget(func(c grant.Token) bool { return c.Client == id && !c.IssuedAt.After(at) })
	return err
}
