package jwtoken

import (
	"encoding/json"
	"fmt"

	"github.com/scopegate/scopegate/grant"
)

// An Encoder writes grant.Tokens as signed JWT access tokens, for one
// issuer and audience. It is immutable and safe for concurrent use.
type Encoder struct {
	keys     *KeySet
	issuer   string
	audience audience
}

// NewEncoder returns an encoder that signs with keys' current key, naming
// issuer in "iss" and audience in "aud". issuer is the authorization
// server's issuer identifier (an https URL; http on loopback); audience
// names the resource servers the tokens are for, at least one.
func NewEncoder(keys *KeySet, issuer string, audience ...string) (*Encoder, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: an Encoder needs a KeySet", ErrConfig)
	}
	if err := checkIssuer(issuer); err != nil {
		return nil, err
	}
	if len(audience) == 0 {
		return nil, fmt.Errorf("%w: an Encoder needs an audience", ErrConfig)
	}
	for _, a := range audience {
		if a == "" {
			return nil, fmt.Errorf("%w: an empty audience", ErrConfig)
		}
	}
	return &Encoder{keys: keys, issuer: issuer, audience: append(audience[:0:0], audience...)}, nil
}

// Issuer returns the issuer identifier the encoder writes in "iss".
func (e *Encoder) Issuer() string { return e.issuer }

// Audience returns the audiences the encoder writes in "aud".
func (e *Encoder) Audience() []string { return append([]string(nil), e.audience...) }

// Encode returns t as a JWT access token (RFC 9068), signed with the key
// set's current key. It refuses a token whose claims do not fit together
// (grant.Token.CheckClaims), also once its times are rounded down to whole
// seconds, and one longer than MaxLen.
func (e *Encoder) Encode(t grant.Token) (string, error) {
	if e == nil || e.keys == nil {
		return "", fmt.Errorf("%w: an Encoder not made by NewEncoder", ErrConfig)
	}
	c, err := newClaims(t, e.issuer, e.audience)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	tok, err := e.keys.sign(payload, *c.Expiry)
	if err != nil {
		return "", err
	}
	if len(tok) > MaxLen {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(tok), MaxLen)
	}
	return tok, nil
}
