package grant

import (
	"errors"

	"github.com/scopegate/scopegate/client"
)

// Sentinel errors: every refusal wraps one, so callers branch with
// [errors.Is]. [OAuthError] maps each to its RFC 6749 error code.
var (
	// ErrUnknownClient: no client has the ID.
	ErrUnknownClient = errors.New("grant: unknown client")
	// ErrClientState: the client is inactive or disabled and gets no new
	// tokens.
	ErrClientState = errors.New("grant: client may not get tokens in its current state")
	// ErrGrantType: the request does not fit the client's grant type.
	ErrGrantType = errors.New("grant: request does not fit the client's grant type")
	// ErrNoScope: the request leaves no scope the client may have.
	ErrNoScope = errors.New("grant: no scope the client may have")
	// ErrConsentRequired: the user has not consented to every scope the
	// token would carry; show the consent prompt.
	ErrConsentRequired = errors.New("grant: user consent required")
	// ErrConsentDenied: the user declined the consent prompt.
	ErrConsentDenied = errors.New("grant: user denied consent")
	// ErrRedirectURI: the redirect URI is not one of the client's. Do not
	// redirect to it.
	ErrRedirectURI = errors.New("grant: redirect URI not registered for the client")
	// ErrInvalidRequest: a required parameter is missing or malformed.
	ErrInvalidRequest = errors.New("grant: invalid request")
	// ErrInvalidCode: the authorization code is unknown, or was issued to
	// another client or for another redirect URI.
	ErrInvalidCode = errors.New("grant: invalid authorization code")
	// ErrCodeUsed: the authorization code was already exchanged. The token
	// issued for it has been revoked (RFC 6749 §4.1.2).
	ErrCodeUsed = errors.New("grant: authorization code already used")
	// ErrCodeExpired: the authorization code is past its lifetime.
	ErrCodeExpired = errors.New("grant: authorization code expired")
	// ErrPKCE: a PKCE challenge or verifier is missing or does not match.
	ErrPKCE = errors.New("grant: PKCE verification failed")

	// ErrMalformed: the token's claims are missing or do not fit together
	// (see [Token.CheckClaims]).
	ErrMalformed = errors.New("grant: malformed token")
	// ErrExpired: the token is past its expiry.
	ErrExpired = errors.New("grant: token expired")
	// ErrNotYetValid: the token's issue time is in the future.
	ErrNotYetValid = errors.New("grant: token not yet valid")
	// ErrRevoked: the token, or every token of its user or client, was
	// revoked.
	ErrRevoked = errors.New("grant: token revoked")
	// ErrClientDisabled: the client that got the token is disabled or
	// deleted, so its tokens no longer work.
	ErrClientDisabled = errors.New("grant: client disabled")
	// ErrNoConsent: a consent store has no consent for the user and client.
	ErrNoConsent = errors.New("grant: no consent recorded")
	// ErrNotMember: the user named in the request does not belong to the
	// org named beside it.
	ErrNotMember = errors.New("grant: user does not belong to the org")
)

// OAuthError returns the RFC 6749 §5.2 (or §4.1.2.1) error code for an
// error returned by this package: invalid_client, unauthorized_client,
// invalid_scope, access_denied, invalid_grant or invalid_request, and
// invalid_token (RFC 6750) for a token that failed validation. It returns
// server_error for anything else: a store that failed, say.
func OAuthError(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrUnknownClient), errors.Is(err, client.ErrCredentials):
		return "invalid_client"
	case errors.Is(err, ErrClientState), errors.Is(err, ErrGrantType), errors.Is(err, client.ErrNotAuthorized):
		return "unauthorized_client"
	case errors.Is(err, ErrNoScope):
		return "invalid_scope"
	case errors.Is(err, ErrConsentRequired), errors.Is(err, ErrConsentDenied), errors.Is(err, ErrNotMember):
		return "access_denied"
	case errors.Is(err, ErrInvalidCode), errors.Is(err, ErrCodeUsed), errors.Is(err, ErrCodeExpired), errors.Is(err, ErrPKCE):
		return "invalid_grant"
	case errors.Is(err, ErrRedirectURI), errors.Is(err, ErrInvalidRequest):
		return "invalid_request"
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrExpired), errors.Is(err, ErrNotYetValid), errors.Is(err, ErrRevoked), errors.Is(err, ErrClientDisabled):
		return "invalid_token"
	}
	return "server_error"
}
