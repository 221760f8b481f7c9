// Package grant runs the OAuth grants and issues and validates tokens: the
// authorization code exchange (with PKCE), the implicit grant, client
// credentials and SAML2 bearer (RFC 6749, RFC 7636, RFC 7522), user consent,
// and token validity.
//
// # Grant types
//
// The four grant types are [client.GrantType] values, whose methods state
// their rules: which act for a user (all but client credentials), which
// request scopes and which hold roles (client credentials), which use
// redirect URIs and consent (authorization code and implicit), and which
// can keep a secret (all but implicit; an authorization-code client may be
// registered as public and use PKCE instead).
//
// # Issuing tokens
//
// An [Issuer] issues a [Token] with the effective scopes: requested ∩ the
// client's scopes ∩ the org's authorization ∩ the user's consent. An empty
// request means the client's scopes. Requested scopes beyond the client or
// the authorization are dropped, as RFC 6749 §3.3 allows, and the token says
// which it carries. A client-credentials token carries no scope and no
// user: the client's own roles apply. The token's expiry comes from the
// client's lifetime. The issuer refuses, with an error wrapping a
// sentinel, an unknown client ([ErrUnknownClient]), a client not authorized
// in the org ([client.ErrNotAuthorized]), a user who does not belong to
// the org named in the request ([ErrNotMember]: orgs are walls, and the
// issuer asks a [permission.MemberStore], again when a code is
// exchanged), a request that leaves no scope ([ErrNoScope]), a grant type
// that does not fit ([ErrGrantType]), and an inactive or disabled client
// ([ErrClientState]). A client-credentials client gets tokens only in its
// own org. [OAuthError] maps every error to its RFC 6749 error code.
//
// # Consent
//
// [Issuer.Prompt] returns what the consent screen shows: the app's name and
// every scope the token would carry, with its catalog description. The user
// grants all or none ([Issuer.Consent]), and only what the prompt showed:
// if the request has grown since, approving fails and the prompt must be
// shown again. Approving adds the scopes to the user's consent in one
// atomic step of the store ([ConsentStore.AddConsent]): a withdrawal
// ([ConsentStore.DeleteConsent]) at the same moment is never undone. A
// later request for a scope outside the consent, such as one added to the
// client since, fails with [ErrConsentRequired] until the user consents
// again. SAML2 bearer tokens need no prompt: the org's identity provider
// vouches for the user.
//
// # Authorization codes
//
// [Issuer.AuthorizeCode] issues a code bound to the client, user, org,
// redirect URI and scopes. It lives at most [MaxCodeLifetime] (ten minutes)
// and only its SHA-256 hash is stored. [Issuer.Exchange] uses it up,
// whatever the outcome, and checks the org's authorization and the user's
// consent again. A second exchange fails with [ErrCodeUsed] and revokes the
// token the first one issued, since the code has leaked (RFC 6749 §4.1.2);
// a second exchange that comes while the first is still issuing makes the
// first fail too. PKCE supports S256 only, and public clients must use it.
// A [Code] and a [CodeVerifier], like a client secret, print and log as
// "[redacted]", by value, by pointer and nested, and refuse to marshal
// ([ErrSecret]). The requests carry a secret, a code and a verifier as
// these types ([client.SecretFrom], [CodeFrom], [CodeVerifierFrom] make
// them from a token request's parameters), so they print and log with
// them redacted, and marshal to JSON with "[redacted]" in their place.
//
// # Validity
//
// [Token.CheckClaims] checks that a token's claims fit together (a user
// exactly when its grant type acts for one, no scopes for client
// credentials, a lifetime the issuer could have given: [ErrMalformed]) and
// [Token.CheckTime] checks expiry ([ErrExpired], from ExpiresAt on) and
// issue time ([ErrNotYetValid]), with a clock skew of at most
// [MaxClockSkew]; neither does I/O. A [Validator] does both and adds
// revocation ([ErrRevoked]) and the client's status, which it reads
// through the one-method [ClientStatuses] interface: tokens of a disabled
// or deleted client stop working ([ErrClientDisabled]), and so do, for
// good, the tokens a client had when it was last disabled, even once it
// is enabled again; tokens of an inactive client keep working until they
// expire. Revocation goes through a
// [RevocationStore] the consumer implements. It revokes one token, all of
// a user's tokens in an org, or all of a client's tokens, issued at or
// before a time. A token revoked by its ID alone, its expiry unknown,
// stays revoked for the longest token lifetime and the clock skew from
// the revocation; a revocation without a token ID is refused
// ([ErrInvalidRequest]). [Validator.Validate] explains a refusal in its
// error; [Validator.Check], for a resource server's every request, returns
// the bare sentinel and allocates nothing. [Validator.Pass] is Check, and
// gives a [Pass] that a caller keeps with the token: while
// [Validator.Holds] reports true (the token within its times, and neither
// store changed since), Check would accept the token again. It needs
// stores that tell when they change: a [RevocationVersioner], as MemStore
// is, and client statuses that are a permission.Versioner.
//
// # Storage, clocks and concurrency
//
// Consents, codes and revocations live behind [ConsentStore], [CodeStore]
// and [RevocationStore]. [MemStore] implements all three in memory and
// sweeps expired entries; its zero value is ready to use. Its revocation
// check takes no lock and allocates nothing, and a revocation costs O(1)
// amortised. The clock is injectable everywhere ([WithClock],
// [NewMemStore]). A Validator, and [Token.CheckClaims], compare a token's
// times with the clock, and with its client's DisabledAt, on the wall
// clock, as time.Time's Before and After compare times without a
// monotonic clock reading, and the same way for times centuries from
// 1970: a monotonic reading, which only a time.Time from this process's
// time.Now carries, is not consulted, so a token's times mean the same
// whether it was issued in this process or read back from a string.
// (Revocation times compare as time.Time values do.) A wall clock stepped
// back by some minutes therefore lengthens a token's life by as much, and
// can make a token issued before its client was disabled, then enabled
// again, look issued after: keep the clock slewed, not stepped.
//
// Each type takes the options it understands: an Issuer its
// [IssuerOption]s ([WithClock], [WithCodeLifetime]), a Validator its
// [ValidatorOption]s ([WithClock], [WithClockSkew]).
//
// [Issuer], [Validator] and [MemStore] are safe for concurrent use.
// [TokenID] and [Code] are immutable values; [Token], [Consent],
// [CodeGrant], [Prompt] and the request types are plain values, safe to
// share as long as nobody changes them.
//
// Zero values are safe: none panics, and none lets a token through. A
// Validator that was not built by [NewValidator] with both its stores,
// nil or zero, refuses every token as undecidable, and an Issuer not made
// by [NewIssuer] refuses every request. The zero MemStore is ready to use;
// a nil *MemStore refuses every call with an error, and cannot say that a
// token is not revoked. A nil option, and WithClock(nil), are skipped.
package grant
