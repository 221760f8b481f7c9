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
// A [Registry] creates, changes, deletes and authenticates clients, on
// behalf of an actor whose permissions come compiled for its org (a
// [permission.Access]). A client belongs to the actor's org, and an actor
// reaches only its own org's clients: another org's look like none. The
// admin rules:
//
//   - Creating a client needs oauth:client:add, changing one
//     oauth:client:edit, deleting one oauth:client:delete.
//   - Nobody gives away more than they hold. An actor may give a
//     client-credentials client a role in a division only if the actor
//     holds that role there (in that division, or in all divisions), and
//     a role in all divisions only if the actor holds it in all
//     divisions; holding it in every division one by one is not enough,
//     since all divisions include tomorrow's. [Registry.Update] checks
//     the roles and divisions a change adds; removing them needs no role.
//   - Whoever receives a client's secret receives its power: rotating the
//     secret needs oauth:client:edit and every role the client holds,
//     where it holds it. No call hands out a stored secret.
//
// A refusal for roles is a [*RoleError], matching [ErrForbidden], that
// names each role and division the actor lacks.
//
// Disabling a client ends its tokens for good: [Client.DisabledAt]
// records when, and tokens issued until then stay refused even after the
// client is enabled again ([Status.TokenWorks]).
//
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
// authorizes a client for the admin's own org with an [Authorizer], by
// client ID or from an authorization URL ([ParseAuthorizationURL]),
// granting any subset of the scopes the client requests and denying the
// rest. Without an
// authorization the client gets no tokens in the org; [Authorizer.Revoke]
// stops new ones. [Authorization.Effective] is what new tokens may carry: a
// scope removed from the client drops out at once.
// [Authorization.Pending] lists scopes added to the client since, awaiting
// review. [Authorizer.List] lists an org's authorized applications.
//
// # Storage and concurrency
//
// Clients and authorizations live behind [Store] and [AuthorizationStore];
// [MemStore] implements both in memory, plus [MemStore.ClientStatus], the
// allocation-free status lookup a resource server makes per request. The
// registry looks roles and divisions up in a [Directory] (a
// [permission.MemStore] is one). [PermissionStore] serves
// client-credentials clients' roles to the permission package next to
// users' grants, in the client's own org only, and
// [Authorizer.EffectiveScopes] tells what a client's tokens may carry in
// an org right now.
//
// [ID], [GrantType], [State], [Status] and [Secret] are immutable values,
// safe for concurrent use. [Client], [Credentials] and [Authorization]
// are plain values: share a copy, not a value being changed. [Registry],
// [Authorizer], [MemStore] and [PermissionStore] are safe for concurrent
// use (the last as far as its stores are).
//
// Zero values are safe: none panics. A Registry or an Authorizer not made
// by its constructor, nil or zero, and a PermissionStore without both its
// stores, refuse every call with an error. The zero MemStore is empty and
// ready to use; a nil *MemStore refuses every call with an error that is
// not [ErrNotFound], so that a client's status is never taken for a
// deleted client's. A nil [Option], and WithClock(nil), are skipped. An
// error struct left empty, or a nil one, still names its kind of error
// and matches its sentinel.
package client
