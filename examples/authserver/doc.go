// Package authserver serves the OAuth 2 authorization server endpoints
// over a grant.Issuer, for real OAuth clients (golang.org/x/oauth2, a
// browser): authorization with an HTML consent page, token, revocation,
// introspection, metadata and the JWK Set. Access tokens are JWTs
// (package jwtoken).
//
// # Endpoints
//
// The endpoints live under the issuer's path, so a Server mounts under any
// prefix: with issuer https://example.com/oauth, Register puts them at
//
//	GET/POST /oauth/authorize   RFC 6749 §4.1 (code, PKCE S256 per RFC 7636) and §4.2 (implicit)
//	POST     /oauth/token       authorization_code, client_credentials, RFC 7522's saml2-bearer
//	POST     /oauth/revoke      RFC 7009
//	POST     /oauth/introspect  RFC 7662, for the resource servers in Config.Introspectors
//	GET      /oauth/jwks.json   the JWK Set (RFC 7517)
//	GET      /.well-known/oauth-authorization-server/oauth   RFC 8414 metadata
//
// # Authorization and consent
//
// The authorization endpoint first checks client_id and redirect_uri
// (required, matched exactly as the client registered it); when either is
// wrong it shows an error page and redirects nowhere. Every later error
// goes back to the redirect URI, in the query (code) or the fragment
// (implicit), with the state, as RFC 6749 §4.1.2.1 says. It then signs the
// user in through Config.SignIn, the consumer's hook, and shows the consent
// page: the app's name, and each scope the token would carry with its
// catalog description, granted all or none (Allow / Deny). A user who
// consented before to every scope skips the page. The form posts back to
// the endpoint with a CSRF token: an HMAC of the user, the org, every
// parameter of the request, the scopes shown and an expiry
// (ConsentLifetime), so a page of another site cannot answer for the user
// and an answer applies only to what was shown. The page forbids framing
// (X-Frame-Options, CSP frame-ancestors) and sends no referrer.
//
// # Token, revocation, introspection
//
// Clients authenticate with client_secret_basic (the ID and the secret
// form-encoded, RFC 6749 §2.3.1) or client_secret_post, never both;
// public clients send their client_id and a PKCE verifier. Answers and
// errors are RFC 6749 §5's JSON with Cache-Control: no-store: invalid_client
// (401, with a Basic challenge after an Authorization header),
// invalid_request for a missing or repeated parameter, a body over
// MaxBodyBytes, another content type or method, or parameters in the URL;
// invalid_grant for a code that is unknown, expired, replayed (which
// revokes the token it gave) or issued for another redirect URI, and for
// a wrong PKCE verifier; unauthorized_client, invalid_scope and
// unsupported_grant_type. Descriptions name no secret, user or org, and
// bad input never gets a 500. The revocation endpoint answers 200 for a
// token that is not valid; a client may revoke only its own tokens. The
// introspection endpoint answers {"active": false} for any token that
// does not work now (expired, revoked, its client disabled).
//
// # Concurrency
//
// A Server is immutable once built and safe for concurrent use.
package authserver
