package jwtoken

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// TokenType is the "typ" header of a JWT access token (RFC 9068 §2.1).
const TokenType = "at+jwt"

// MaxLen is the longest token, in bytes, that Encode writes and a
// Verifier reads.
const MaxLen = 4096

// Claim names beyond RFC 9068's, for what the enforcer needs.
const (
	// ClaimOrg is the org the token acts in: where its user's (or a
	// client-credentials client's) permissions are looked up.
	ClaimOrg = "org_id"
	// ClaimGrantType is the grant the token came from, as OAuth names it
	// (authorization_code, implicit, client_credentials,
	// urn:ietf:params:oauth:grant-type:saml2-bearer).
	ClaimGrantType = "grant_type"
)

// claims is a token's JSON claims set. The order of the fields is the
// order Encode writes them in.
type claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  audience `json:"aud"`
	Expiry    *int64   `json:"exp"`
	IssuedAt  *int64   `json:"iat"`
	NotBefore *int64   `json:"nbf,omitempty"`
	ID        string   `json:"jti"`
	ClientID  string   `json:"client_id"`
	Scope     string   `json:"scope,omitempty"`
	Org       string   `json:"org_id"`
	GrantType string   `json:"grant_type"`
}

// audience is the "aud" claim: one string, or an array of them (RFC 7519
// §4.1.3).
type audience []string

func (a audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

func (a *audience) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = audience{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*a = list
	return nil
}

func (a audience) has(want []string) bool {
	for _, got := range a {
		for _, w := range want {
			if got == w {
				return true
			}
		}
	}
	return false
}

// newClaims returns t's claims, its times in whole seconds, rounded down:
// the token never expires later than t, and works from the moment it is
// issued.
func newClaims(t grant.Token, issuer string, aud []string) (claims, error) {
	if err := t.CheckClaims(); err != nil {
		return claims{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	iat, exp := t.IssuedAt.Unix(), t.ExpiresAt.Unix()
	rounded := t
	rounded.IssuedAt, rounded.ExpiresAt = time.Unix(iat, 0), time.Unix(exp, 0)
	if err := rounded.CheckClaims(); err != nil {
		return claims{}, fmt.Errorf("%w: in whole seconds: %w", ErrMalformed, err)
	}
	c := claims{
		Issuer:    issuer,
		Subject:   t.User,
		Audience:  aud,
		Expiry:    &exp,
		IssuedAt:  &iat,
		ID:        t.ID.String(),
		ClientID:  t.Client.String(),
		Scope:     t.Scopes.String(),
		Org:       string(t.Org),
		GrantType: t.GrantType.String(),
	}
	if !t.HasUser() {
		c.Subject = c.ClientID // RFC 9068 §2.2: the client, when no user
	}
	return c, nil
}

// token converts checked-signature claims to a grant.Token, checking that
// every claim is there and well formed. The times are not checked here.
func (c *claims) token() (grant.Token, error) {
	var t grant.Token
	var errs []error
	bad := func(claim string, err error) { errs = append(errs, fmt.Errorf("claim %q: %w", claim, err)) }
	var err error
	if t.ID, err = grant.ParseTokenID(c.ID); err != nil {
		bad("jti", err)
	}
	if t.Client, err = client.ParseID(c.ClientID); err != nil {
		bad("client_id", err)
	}
	if t.GrantType, err = client.ParseGrantType(c.GrantType); err != nil {
		bad(ClaimGrantType, err)
	}
	if c.Scope != "" {
		if t.Scopes, err = scope.ParseSet(c.Scope); err != nil {
			bad("scope", err)
		}
	}
	if c.Expiry == nil {
		bad("exp", errors.New("missing"))
	}
	if c.IssuedAt == nil {
		bad("iat", errors.New("missing"))
	}
	if c.Subject == "" {
		bad("sub", errors.New("missing"))
	}
	if len(errs) > 0 {
		return grant.Token{}, fmt.Errorf("%w: %w", ErrMalformed, errors.Join(errs...))
	}
	t.Org = client.OrgID(c.Org)
	t.IssuedAt = time.Unix(*c.IssuedAt, 0).UTC()
	t.ExpiresAt = time.Unix(*c.Expiry, 0).UTC()
	if t.GrantType == client.ClientCredentials {
		if c.Subject != c.ClientID {
			return grant.Token{}, fmt.Errorf("%w: claim \"sub\" of a client-credentials token is not its client_id", ErrMalformed)
		}
	} else {
		t.User = c.Subject
	}
	if err := t.CheckClaims(); err != nil {
		return grant.Token{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return t, nil
}

// checkIssuer refuses an issuer identifier that is not an absolute https
// URL (http on loopback), without query or fragment, as RFC 8414 §2 has
// it.
func checkIssuer(iss string) error {
	u, err := url.Parse(iss)
	switch {
	case err != nil || iss == "":
		return fmt.Errorf("%w: issuer %q is not a URL", ErrConfig, iss)
	case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
		return fmt.Errorf("%w: issuer %q must be https (http only on loopback)", ErrConfig, iss)
	case u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("%w: issuer %q must have a host and no query, fragment or user", ErrConfig, iss)
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
