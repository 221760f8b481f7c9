// Package review helps teams follow least privilege with OAuth scopes, as
// the Genesys Cloud guide "OAuth Scopes and Permissions" asks: choose the
// minimum scopes for the endpoints an app calls, find the scopes a client
// holds but does not need, review which scopes it used over a period, and
// document the choice; and with the roles of client-credentials apps,
// which have no scopes.
//
// It works on an [enforce.Policy]'s endpoint table and scope catalog,
// arranged once by [New] into an [Index]:
//
//   - [Index.Minimal]: the smallest scope set that lets every call pass,
//     and which endpoint uses which scope;
//   - [Index.ReviewScopes]: a client's requested or authorized scopes
//     against its calls: the scopes no call needs, those another held
//     scope implies, those broader than needed (users:manage where
//     users:readonly suffices) and the calls no held scope lets pass, each
//     a [Finding] with its reason;
//   - [Index.ReviewUsage]: the quarterly review, from the [enforce.Record]
//     values a decision hook collected over a period: the scopes a client
//     holds but never used, and the calls refused for want of a scope (or
//     let through by the report-only mode) or that no scope it holds
//     serves any more; removing the first and adding what it advises for
//     the others leaves every scope-checked call of the period a scope
//     that serves it;
//   - [Index.ReviewRollout]: before an org's scope enforcement is turned
//     on, from the records of a period in report-only mode
//     ([enforce.Org].ScopeReportOnly), per client, the calls enforcement
//     would refuse for want of a scope and the smallest set of scopes to
//     add so that none is;
//   - [Index.Scrutinize]: when an org's admin reviews an app's request
//     for authorization, a risk summary of the scopes it requests (data,
//     and text with [Scrutiny.Text]): what each unlocks in the table, how
//     many of those write, the admin-grade endpoints among them (see
//     [WithAdminGrade]), bare read-write scopes where a :readonly form
//     exists, scopes another requested scope implies, and, when the
//     app's vendor declares its calls, the scopes none of them needs;
//   - [Index.Document]: the guide's "Document Your Scopes" record, as
//     Markdown ([Doc.Markdown]) or JSON, with a change log entry when the
//     scopes change.
//
// Client-credentials apps have no scopes: their reach is their roles,
// which the create-client guide asks to keep to a minimum, each in the
// right divisions. [Index.Roles] arranges an org's roles over the table
// into a [RoleIndex], with the role counterparts:
//
//   - [RoleIndex.Minimal]: the smallest set of (role, divisions) grants
//     that lets every call pass the permission check in every division
//     the app acts in, as [client.RoleAssignment] values;
//   - [RoleIndex.Review]: a client's roles against its calls: the roles
//     no call needs, those broader than needed (with the narrower one),
//     those whose calls other kept roles serve already, roles held in
//     more divisions than needed (all divisions where two suffice), and
//     the calls no held role serves, each a [RoleFinding];
//   - [RoleIndex.ReviewUsage]: the quarterly review for roles, from the
//     decision records of a period: which roles, in which divisions, the
//     client used, the roles it never used, and the calls refused for
//     want of a permission, with the grants to add.
//
// # Calls
//
// A call names an endpoint in one of three ways: a route, a method and
// path template ("GET /api/v2/users/{userId}", with any parameter names);
// a request, a method and request path ("GET /api/v2/users/123"), matched
// as the enforcer matches requests; or an endpoint name ("getUsersMe").
// [Index.Resolve] documents the rules. A call that reaches no endpoint is
// never skipped: it is an error, a [*CallError] naming the call, with the
// routes or names it was probably meant to be: the routes that end with
// its path ("GET /v2/users/me" for "GET /api/v2/users/me"), or else the
// nearest ones, a segment or two away ("GET /api/v2/user/{userId}" for
// "GET /api/v2/users/{userId}"; "PATCH /api/v2/users/{userId}/presence"
// for "PATCH /api/v2/users/{userId}/presences/{sourceId}"); names a few
// letters off.
//
// # Smallest and narrowest
//
// A scope unlocks an endpoint when the endpoint accepts it or a scope it
// implies. The [Breadth] of a scope counts, in this order of importance:
//
//  1. Writes: the endpoints it unlocks whose method is not GET, HEAD or
//     OPTIONS, unless the table marks them [enforce.Endpoint].ReadOnly
//     (an analytics query sent with POST only reads);
//  2. Endpoints: all the endpoints it unlocks;
//  3. Grants: the catalog scopes it grants, itself and those it implies.
//
// One scope is narrower than another when its Breadth is smaller, compared
// field by field in that order. So read-only scopes win where they
// suffice: in the sample table users:readonly unlocks 3 endpoints, none
// that writes, and users:manage 7, 4 of which write.
//
// The cost of a set of scopes is, field by field: the sum of its scopes'
// Writes, Endpoints and Grants; the number of bare scopes among them; and
// the number of scopes. A bare read-write scope (users) counts against a
// set because it covers whatever the API adds to its resource later, so
// users:manage wins where the two unlock the same endpoints. Of all the
// sets that let every call pass, [Index.Minimal] returns the one of least
// cost, comparing costs field by field in that order; between sets of
// equal cost, the one whose scopes, sorted, come first in canonical (byte)
// order. This order is total, so the answer is unique and does not depend
// on the order of the calls.
// Summing per scope counts twice an endpoint that two scopes unlock, which
// is what makes a scope that another chosen scope implies never worth
// keeping. [Index.ReviewScopes] uses the same order with one more
// criterion before the canonical order: fewer scopes the client does not
// hold already.
//
// # Algorithm and guarantee
//
// Choosing the scopes is weighted set cover, which is NP-hard in general.
// Minimal first reduces the instance without losing the optimum: it drops
// each scope that another covers at least the same remaining calls as, at
// no more cost (the first in canonical order on a tie); takes each scope
// that is the only one left for some call; and repeats. It splits what
// remains into groups of calls that no scope spans, and solves each group
// by branch and bound: it branches on the call with the fewest scopes
// left, tries the cheapest scopes first, and prunes with a lower bound
// (the cheapest scopes of calls that share no scope add up); the greedy
// cover is the starting bound. Endpoint tables give small groups, often
// none at all once reduced, and the answer is exact: [Selection].Exact
// reports it.
//
// The search takes at most [DefaultSearchLimit] branch-and-bound steps per
// call to Minimal ([WithSearchLimit] changes it). When they run out, the
// result is the best cover found so far, which is never costlier than the
// greedy cover, and Exact is false. The greedy cover repeatedly takes the
// scope with the least cost per call it newly covers, then drops the
// scopes the others made redundant; its cost is at most H(d) = 1 + 1/2 +
// ... + 1/d times the least cost, compared in the order above, where d is
// the most calls one scope lets pass (the classic bound for greedy set
// cover; H(100) ≈ 5.19).
//
// # Roles
//
// A call to an endpoint needs its [enforce.Endpoint].Permissions: all of
// a list, or any one of it. For a division-aware endpoint (its Division
// set), the requirement must hold in every division the app acts in
// ([RoleQuery].Divisions), or in all divisions ([RoleQuery].AllDivisions);
// for an org-wide one, in any one division. Roles together meet an
// all-of requirement when each of its permissions is held by one of them
// where it is needed.
//
// A role's [RoleBreadth] counts the endpoints of the table whose
// requirement it meets on its own, and how many of those write (as for
// scopes, [enforce.Endpoint].ReadOnly endpoints do not). A grant of a
// role in n divisions counts n times its breadth: it unlocks the role's
// endpoints in each. The cost of a set of grants is, field by field: the
// sum of the roles' Writes times their divisions; the same for Endpoints;
// and the number of (role, division) pairs, a grant in all divisions
// counting as one more division than the query names (all divisions are
// wider than any list). Of all the sets of grants that let every call
// pass, [RoleIndex.Minimal] returns the one of least cost, comparing
// costs field by field in that order; between sets of equal cost, the
// one whose (role, division) pairs, sorted by role ID and then by the
// division's place in the query, come first. So a narrow role wins
// where it suffices, one role may be granted in Sales and another in
// Support when that unlocks less, and a role that serves only org-wide
// calls is granted in one division, the first the query names.
// [RoleIndex.Review] uses the same order with one more criterion before
// the last: fewer pairs the client does not hold already.
//
// Choosing the grants is the same weighted set cover, solved by the same
// reductions, branch and bound, search limit and greedy fallback, with
// the same guarantees: exact ([RoleSelection].Exact) unless the search
// limit runs out, and never worse than the greedy cover. Its elements
// are the permissions of all-of requirements, and the lists of any-of
// requirements, once per division for a division-aware endpoint; its
// candidates, a role in one division. Role instances have more
// structure than scope instances, so the search also drops the elements
// another one implies (the same roles cover them), rules out the
// candidates the bound shows are in no cover as good as the greedy one
// (a role that holds everything, say), and bounds the branches by each
// element's least share of a candidate's cost as well.
//
// # Speed
//
// [New] does the work that depends only on the table and the catalog. On
// a 3,000-endpoint table, Minimal for a 100-endpoint app takes well under
// a millisecond (about 75 µs on a small VM), and an instance built to
// defeat the reductions stops at the search limit after a few
// milliseconds. [Index.Roles] arranges 200 roles over that table in a
// few milliseconds, once per set of roles, and [RoleIndex.Minimal] for a
// 100-call app acting in two divisions takes about 1.3 ms, exactly.
// BENCHMARKS.md has the figures.
//
// # What is stable
//
// The results' Go types and the meaning of their fields are part of the
// package's API. Two outputs are for people and may still change from
// one release to the next: the Markdown of [Doc.Markdown] and the words
// of the String methods and of explanations (Reason fields and the
// like). The JSON a [Doc] marshals to is meant to be kept in version
// control and read back with [ParseDocJSON]: fields may be added to it,
// and ParseDocJSON keeps reading the documents of earlier versions.
//
// # Zero values
//
// Zero values are safe: none panics. [New] refuses a nil policy and one
// not made by enforce.NewPolicy, and an Index not made by New, nil or
// zero, refuses every review with an error wrapping [ErrInvalid]. An
// error struct left empty, or a nil one, still names its kind of error.
//
// # Concurrency
//
// An [Index] and a [RoleIndex] are immutable and safe for concurrent use.
// The results ([Selection], [ScopeReview], [UsageReview], [RolloutReview],
// [Scrutiny], [Doc], [RoleSelection], [RoleReview], [RoleUsageReview])
// are plain values that the caller owns. Nothing in this package reads the clock: dates and
// periods come from the caller.
package review
