// Package client models OAuth clients and their authorization by orgs, as
// Genesys Cloud's "Create an OAuth client" and "Authorize an OAuth client"
// describe them.
//
// # Clients
//
// A [Client] is an application registered by an app provider. It has an
// [ID] (a random UUID, nnnnnnnn-nnnn-nnnn-nnnn-nnnnnnnnnnnn), a name shown
// on consent screens, a description, a token lifetime (300 to 172800
// seconds, 86400 when not given), a [State] and a [GrantType]. What else
// it has depends on the grant type:
//
//   - [ClientCredentials]: roles, each in some divisions or all of them
//     (the org's Home division when none is named). No scopes, no user:
//     user-specific endpoints refuse its tokens.
//   - [AuthorizationCode] and [Implicit]: the scopes it requests (at least
//     one, each known to the scope catalog) and its redirect URIs (at least
//     one; absolute, without fragment or user info, https except on a
//     loopback host; matched exactly, with any port on a loopback IP as RFC
//     8252 §7.3 requires).
//   - [SAML2Bearer]: the scopes it requests.
//
// [Client.Validate] checks all of it and reports every problem at once, as
// [*FieldError] values that name their field and match [ErrInvalid].
//
// A [Registry] creates, changes, deletes and authenticates clients. It
// checks that the actor holds oauth:client:add (create), oauth:client:edit
// (update, rotate the secret) or oauth:client:delete, through a compiled
// [permission.Access], and that a client is changed only through the org
// that registered it. An Access does not say which org its subject
// belongs to: pass the actor's own org, and compile the actor's access
// from that org's grants.
// Confidential clients get a secret of 256 random bits from crypto/rand,
// returned once as a [Secret] (which prints as "[redacted]" with every fmt
// verb and with log/slog, by value, by pointer and nested, and refuses to
// marshal; [SecretFrom] makes one from the text a client sends); only its
// SHA-256 hash is stored, and [Credentials.Verify] compares in constant
// time.
// [Registry.Authenticate] takes the same time for an unknown client ID as
// for a wrong secret, given a [Store] whose lookup does ([MemStore]'s
// does; see [Store]). [Registry.RotateSecret] replaces the secret,
// optionally keeping the old one working for a grace period.
//
// # Org authorization
//
// Scopes are org-specific. An admin holding oauth:client:authorize
// authorizes a client for their org with an [Authorizer], by client ID or
// from an authorization URL ([ParseAuthorizationURL]), granting any subset
// of the scopes the client requests and denying the rest. Without an
// authorization the client gets no tokens in the org; [Authorizer.Revoke]
// stops new ones. [Authorization.Effective] is what new tokens may carry: a
// scope removed from the client drops out at once.
// [Authorization.Pending] lists scopes added to the client since, awaiting
// review. [Authorizer.List] lists an org's authorized applications.
//
// # Storage and concurrency
//
// Clients and authorizations live behind [Store] and [AuthorizationStore];
// [MemStore] implements both in memory, plus [MemStore.ClientState], the
// allocation-free state lookup a resource server makes per request.
// [PermissionStore] serves client-credentials clients' roles to the
// permission package next to users' grants, and
// [Authorizer.EffectiveScopes] tells what a client's tokens may carry in
// an org right now.
//
// [ID], [GrantType], [State] and [Secret] are immutable values, safe for
// concurrent use. [Client], [Credentials] and [Authorization] are plain
// values: share a copy, not a value being changed. [Registry], [Authorizer],
// [MemStore] and [PermissionStore] are safe for concurrent use (the last
// as far as its stores are).
package client
