// Package enforce decides whether an API call is allowed: the caller's
// token must carry a scope the endpoint accepts, and the token's user (or,
// for a client-credentials token, the OAuth client's own roles) must hold
// the endpoint's permissions in the right division. It is the part of
// scopegate that runs on every request.
//
// # The endpoint table
//
// An [Endpoint] maps a method and a path template
// (GET /api/v2/users/{userId}) to the scopes any one of which suffices,
// the [permission.Requirement], whether the call needs a user, where the
// resource's division comes from, and whether an operation sent with a
// method that usually writes only reads (ReadOnly: an analytics query
// sent with POST), for the reviews that count what a scope lets write. Build the table in code or read it
// with [ParseEndpointsJSON]. [NewPolicy] compiles it with a
// [scope.Catalog] and per-org settings ([Org]) into a [Policy]. Every
// problem with an entry is reported at once, each an [*EndpointError]
// naming the entry and, where it is one field's, the field
// ("permissions.any[2]").
//
// Loading is strict by default: one bad entry fails the table. A real
// table, as written, may have a few ([Lenient] mode): [ReadEndpointsJSON],
// [NewPolicyLenient] and, in one step, [LoadPolicyJSON] leave each bad
// entry out whole and report it in a [LoadReport], with notes on what the
// good ones say that deserves a look (a permission listed twice, a legacy
// one-word permission). An entry is never loaded in part, nor with a
// weaker requirement than it states, and the route of one left out is
// kept as refused ([Config].Refused): it matches nothing and is denied,
// rather than reach another endpoint whose template would take it. A
// refused route is read liberally (a method in lower case, a trailing
// '/', a brace anywhere in a segment), and an entry of the same method
// and path shape as one is left out too: no other entry serves a bad
// entry's route.
//
// A Policy is data, and only data: it reads nothing, so it can be built,
// inspected ([Policy.Match], [Policy.Route], [Policy.Accepted]) and
// reviewed (package review) on its own. What changes from one request to
// the next is read from [Sources], given once to [New]: the permissions of
// users and clients in their org ([AccessSource], such as a
// [permission.Cache]), revocations and clients' statuses (the grant
// package's interfaces), the [DivisionResolver], and the optional live
// scopes ([ScopeSource]). Options configure the rest: the clock and its
// skew, the status of unknown endpoints, the realm, the decision hook,
// detailed errors.
//
// Templates may overlap where Go's http.ServeMux would refuse them: both
// GET /api/v2/users/{userId}/roles and GET /api/v2/users/rules/{ruleId}
// match /api/v2/users/rules/roles. The table resolves every path by one
// rule: a static segment beats a parameter at the first position where two
// templates differ. Only two entries with the same method and the same
// shape (equal but for parameter names) conflict.
//
// # Deciding
//
// An [Enforcer] holds the current policy and answers [Enforcer.Enforce]
// with a [Decision]: allowed or not, the HTTP status, a stable [Code], and
// for a denial every cause found ([Decision.Causes]), a reason in words
// ([Decision.Reason]), the scopes that would have satisfied the endpoint,
// the missing permissions with the division concerned
// ([Decision.MissingPermissions]), and what to do about it
// ([Decision.Remedy]). The checks and their statuses:
//
//	no token, malformed, failed verification, not yet valid   401 TOKEN_MISSING, TOKEN_INVALID
//	token expired                                              401 TOKEN_EXPIRED
//	token revoked                                              401 TOKEN_REVOKED
//	token of a disabled or deleted client                      401 CLIENT_DISABLED
//	no endpoint matches                                        404 (or 403) ENDPOINT_UNKNOWN
//	client-credentials token where a user is needed            403 USER_REQUIRED
//	the token has no accepted scope                            403 SCOPE_INSUFFICIENT
//	the user or client lacks the permission in the division    403 PERMISSIONS_INSUFFICIENT
//	both                                                       403 SCOPE_AND_PERMISSIONS_INSUFFICIENT
//	the request names a division that is not the org's         403 DIVISION_UNKNOWN
//	scope and permission present                               200 ALLOWED
//
// A denial is a Decision, not an error: the error return is for decisions
// that could not be made (no policy, a store failed), and the Decision then
// denies with 503 UNAVAILABLE. The zero Decision denies too.
//
// Enforce does not allocate, whatever it decides, when the consumer's
// stores do not. A Decision keeps references to what it found, and builds
// its explanations only when they are read.
//
// A verifier that keeps the tokens it verified can keep a [TokenMemo]
// with each and pass it in [Request].Memo: the token's claims, its
// revocation and its client are then checked once, its scopes compiled
// once and its subject's permissions looked up once, until something
// they depend on changes (a policy swap, a revocation, a client or
// permission change), and its next requests cost about a fifth less.
// Filling a memo allocates; a memo serves only the token and the
// enforcer it was filled for.
//
// # Matching requests
//
// The enforcer must judge the endpoint the consumer's router dispatches
// to. An unknown endpoint is always denied.
//
// With a router that reports the pattern it matched, as Go's
// http.ServeMux does in http.Request.Pattern, pass it in
// [Request].Pattern: the endpoint is then the one with that route.
// Register the handlers with [Endpoint.Route] so the two agree. Parameter
// names may differ ({id} for {userId}). The pattern's method must be
// [Request].Method, as a router dispatches, a GET pattern serving HEAD
// too: a pattern of another method matches nothing. A pattern without a
// method takes Request.Method.
//
// Otherwise the escaped [Request].Path is matched by these rules, so that
// a crafted path never reaches another endpoint than a router would
// dispatch to; anything doubtful matches nothing, and is denied:
//
//   - segments are compared after percent-decoding; an escaped '/' (%2F)
//     stays inside its segment;
//   - a static segment beats a parameter at the first position where two
//     templates differ, with backtracking: /users/rules/roles matches
//     /users/rules/{ruleId} before /users/{userId}/roles;
//   - empty segments (//), "." and "..", and the same brought in by escapes
//     (%2E%2E, a%2F%2Fb, %2F: a router cleans the decoded path and
//     redirects), malformed escapes, bytes an escaped path cannot hold
//     (spaces, control characters, non-ASCII), a trailing slash, paths
//     deeper than [MaxSegments] and longer than [MaxPathLen] match nothing;
//   - matching is case-sensitive, for methods too; HEAD falls back to GET.
//
// # Divisions and orgs
//
// A division-aware endpoint names where its resource's division comes
// from: the request ([DivisionFromRequest], with [Request].Division), or a
// path parameter ("{userId}") that a [DivisionResolver] maps to a division.
// A division that cannot be determined denies. [Request].Division is for a
// division the caller names (a resource it creates, a query it scopes):
// the answer names what the caller lacks there. A division looked up from
// a stored resource belongs to a resolver, whose answers never tell the
// caller whether the resource exists or where it lives.
//
// Orgs are walls. Permissions are looked up for the token's org and
// subject (its user, or the client for client credentials), and a grant
// in all divisions means all of that org's divisions: a division of
// another org, or one that exists nowhere, is never granted. Named in the
// request, it is denied with DIVISION_UNKNOWN; found by the resolver, the
// resource is not the org's, and for this token it does not exist. The
// enforcer trusts a verified token's org and user; the issuer gives
// tokens only to members of the org (see the grant package). Division IDs
// must be unique across the orgs an enforcer serves, as Genesys Cloud's
// UUIDs are.
//
// A caller never learns whether a resource it may not read exists, nor
// where it lives. When the resolver finds no resource (or another org's),
// a caller that holds the endpoint's permissions in all divisions, and so
// could read the resource wherever it lived, gets 404
// RESOURCE_NOT_FOUND; any other caller gets the 403
// PERMISSIONS_INSUFFICIENT it would get for an existing resource in a
// division it lacks, word for word. For a token without an accepted scope
// the resource is not looked up at all (the resolver is not called): the
// permission counts as held only if the caller holds it in all
// divisions, so the answer is SCOPE_INSUFFICIENT or
// SCOPE_AND_PERMISSIONS_INSUFFICIENT whatever the path names. And what
// the caller is told of the permission on such an endpoint is the
// requirement itself ("does not hold all of a, b"), not what it lacks in
// the resource's division, which would tell divisions apart.
//
// # What the caller is told, and what the operator sees
//
// [Decision.ErrorBody] gives the JSON body of a denial,
//
//	{"error": {"message": "...", "code": "SCOPE_INSUFFICIENT", "status": 403}}
//
// and [Decision.WWWAuthenticate] the WWW-Authenticate header of RFC 6750
// §3: error="invalid_token" for a token that does not work,
// error="insufficient_scope" with the accepted scopes for a missing scope.
// Both go to the caller, often a third-party app: they carry the code,
// the status, the scopes the endpoint accepts and the permissions the
// caller lacks ([Decision.Message]), and nothing more. Which division was
// concerned, where the caller does hold a missing permission, division
// names and whether a resource exists go only to the operator:
// [Decision.Reason], [Decision.Remedy], [Decision.MissingPermissions] and
// the hook. [WithDetailedErrors] sends the operator's text to callers too,
// for an API whose callers may know all that. The package does not import
// net/http; see the examples for middleware.
//
// # Changing policy at run time
//
// A [Policy] is immutable. Build a new one when the table, the catalog or
// the org settings change, and install it with [Enforcer.Swap]: a decision
// sees the old policy or the new one, never a mix. Swap only ever means a
// new table, catalog or org settings: role and grant changes reach
// decisions through the sources (a [permission.Cache] over a store that
// reports versions notices them by itself).
//
// Removing a scope from a client, or from its org authorization, affects
// the tokens issued afterwards; existing tokens keep it until they expire,
// as in Genesys Cloud. [Sources].Scopes makes removals apply to existing
// tokens at once, for a lookup per request.
//
// Per org, scope enforcement can be turned off ([Org].DisableScopeEnforcement):
// an app then has its user's access, and only the permission check applies.
// It is on by default.
//
// Turning it on for an org that had it off breaks the apps whose scopes
// were never checked. The rollout mode ([Org].ScopeReportOnly) comes
// between the two: every decision checks the scope in full, and a token
// without an accepted scope is let through the scope check, the decision
// saying what enforcement would have answered ([Decision.Unenforced], and
// [Record].Unenforced for the hook). The permission check is enforced as
// usual, and what the caller is told is what it would be told with scope
// enforcement off. A review of the hook's records (package review) lists,
// per client, the scopes to add; then a new policy without the mode,
// installed with [Enforcer.Swap], turns enforcement on. The switch is a
// policy swap like any other: a decision sees the org in one mode or the
// other, never a mix. An org in neither mode pays nothing for it: the
// mode is read only when a token lacks an accepted scope.
//
// # Audit and usage
//
// [WithHook] calls a [Hook] with a [Record] of every decision: which
// client, for which user, called which endpoint with which scope, and the
// outcome, with what scope enforcement would have answered in an org in
// report-only mode. [SlogHook] logs records with log/slog. A Record holds no token
// and no secret.
//
// # Zero values
//
// Zero values deny; none panics. A nil or zero [Enforcer], one without a
// policy or with a [Policy] not made by [NewPolicy], and a nil [Request]
// deny with CodeUnavailable (503) and an error, which wraps [ErrNoPolicy]
// when the policy is what is missing. The zero [Decision] denies with
// CodeUnavailable. A nil or zero Policy matches no endpoint. A nil
// [Option] is skipped; WithClock(nil) means time.Now, WithHook(nil) means
// no hook, and a nil [Sources].Divisions or Sources.Scopes means none.
//
// # Concurrency
//
// [Policy], [Enforcer] and [Decision] are safe for concurrent use.
package enforce
