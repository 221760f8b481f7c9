package client

import "fmt"

// A GrantType is the way a client gets its access tokens: one of the four
// OAuth 2 grants Genesys Cloud supports. Each has fixed rules, which its
// methods state; the grant package implements the flows. The zero
// GrantType is invalid.
type GrantType uint8

const (
	_ GrantType = iota
	// ClientCredentials: a service without a user (a cron job, a
	// back-end integration) trades its ID and secret for a token. Its
	// access comes from roles assigned to the client itself, in chosen
	// divisions; it has no scopes and cannot call user-specific endpoints
	// such as GET /api/v2/users/me.
	ClientCredentials
	// AuthorizationCode: a user signs in and consents; the client's
	// server trades the returned code (and its secret, or a PKCE
	// verifier for a public client) for a token. The most secure grant.
	AuthorizationCode
	// Implicit: a browser application receives the token directly after
	// the user signs in and consents. It cannot keep a secret.
	Implicit
	// SAML2Bearer: a client trades a SAML2 assertion about a user, from
	// the org's identity provider, for a token.
	SAML2Bearer
)

var grantNames = [...]string{
	ClientCredentials: "client_credentials",
	AuthorizationCode: "authorization_code",
	Implicit:          "implicit",
	SAML2Bearer:       "urn:ietf:params:oauth:grant-type:saml2-bearer",
}

// String returns the grant type's OAuth name: client_credentials,
// authorization_code, implicit or urn:ietf:params:oauth:grant-type:saml2-bearer.
func (g GrantType) String() string {
	if g.IsValid() {
		return grantNames[g]
	}
	return fmt.Sprintf("GrantType(%d)", uint8(g))
}

// ParseGrantType parses the names [GrantType.String] returns.
func ParseGrantType(s string) (GrantType, error) {
	for g, name := range grantNames {
		if name != "" && name == s {
			return GrantType(g), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown grant type %q", ErrSyntax, clip(s))
}

// IsValid reports whether g is one of the four grant types.
func (g GrantType) IsValid() bool { return g >= ClientCredentials && g <= SAML2Bearer }

// NeedsUser reports whether tokens of this grant act for a user. Only
// client-credentials tokens do not.
func (g GrantType) NeedsUser() bool { return g.IsValid() && g != ClientCredentials }

// UsesScopes reports whether clients of this grant request scopes. Every
// grant but client credentials does.
func (g GrantType) UsesScopes() bool { return g.NeedsUser() }

// UsesRoles reports whether clients of this grant hold roles of their own.
// Only client-credentials clients do.
func (g GrantType) UsesRoles() bool { return g == ClientCredentials }

// UsesRedirectURIs reports whether the grant sends the user back to a
// registered redirect URI: authorization code and implicit.
func (g GrantType) UsesRedirectURIs() bool { return g == AuthorizationCode || g == Implicit }

// NeedsConsent reports whether the user approves the client's scopes on a
// consent screen: authorization code and implicit. A SAML2 bearer token is
// issued on the identity provider's assertion, without a prompt.
func (g GrantType) NeedsConsent() bool { return g.UsesRedirectURIs() }

// CanKeepSecret reports whether a client of this grant can hold a client
// secret: every grant but implicit, which runs in a browser. An
// authorization-code client may still be registered as public (see
// [Client].Public), and then proves itself with PKCE instead.
func (g GrantType) CanKeepSecret() bool { return g.IsValid() && g != Implicit }

// MarshalText implements [encoding.TextMarshaler].
func (g GrantType) MarshalText() ([]byte, error) {
	if !g.IsValid() {
		return nil, fmt.Errorf("%w: invalid grant type %d", ErrSyntax, uint8(g))
	}
	return []byte(g.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseGrantType].
func (g *GrantType) UnmarshalText(text []byte) error {
	v, err := ParseGrantType(string(text))
	if err != nil {
		return err
	}
	*g = v
	return nil
}
