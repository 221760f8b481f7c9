// Package permission decides what a user, or an OAuth client acting on its
// own, may do and where: permissions, roles, divisions and grants, as
// Genesys Cloud models them.
//
// # Permissions
//
// A [Permission] is domain:entity:action (directory:user:add), shown in the
// admin UI as Directory > User > Add. [Parse] reads both forms; each
// canonical part is ASCII letters and digits (Genesys uses camelCase,
// routing:directRoutingBackup:selfDelete, and some parts start with a
// digit or a capital: chat:1on1Message:add, messaging:XIntegration:edit).
// Names are case-sensitive and kept exactly as written: the canonical form
// round-trips, and so does [Permission.Label], which gives the canonical
// form for a name the case-folding admin-UI form cannot spell. A role's
// policies may put [Wildcard] in the entity, the action or both
// (directory:user:*, routing:*:*); the domain never.
//
// Genesys still lists a few legacy one-word permissions beside the
// three-part ones (admin, content_management_user): lower-case letters,
// digits and '_'. They are a kind of their own ([Permission.IsLegacy]):
// roles hold them and requirements name them, but only a policy of the
// same word grants one; no wildcard policy does.
//
// A rejection is a [*ParseError] with the offset and, where it can tell,
// the permission probably meant: a suggestion only ever changes
// separators (directory.user.add suggests directory:user:add), never the
// case or letters of a name. Prose where a permission should be ("They
// are enforced by the backend") is refused without a suggestion.
//
// # Requirements
//
// A [Requirement] is what an endpoint demands: [NoneRequired], [AnyOf] or
// [AllOf] a list of concrete permissions (no wildcards, at most
// [MaxRequirement] distinct ones: 256, where real APIs list up to 68). A
// permission listed twice counts once, as it changes nothing. The zero
// Requirement is invalid and never satisfied.
//
// # Orgs, roles, divisions and grants
//
// Everything here belongs to one org ([OrgID]), and orgs are walls: an
// org's divisions, roles, users, groups and grants never count in another
// org. A [Role] holds permission policies; role IDs are scoped to their
// org. A [Grant] gives a [Subject] (a user, a group whose grants apply to
// its members, or an OAuth client) a role of the org in a list of the
// org's divisions or in all divisions, present and future: all of the
// org's divisions, and no other org's. An org's [Divisions] have exactly
// one Home division. User and division IDs are unique across orgs, as
// Genesys Cloud's UUIDs are, so that a user or a division named in a
// request can be checked against the org named beside it.
//
// # Evaluation
//
// [Compile] gathers a subject's grants in an org, through its groups too,
// and merges the policies of all its roles into an [Access] for that org.
// [Access.Check] then answers whether the subject meets a requirement at
// a [Target]: [In] a division, for a resource that lives there (the
// permission must be granted in that division or in all divisions),
// [OrgWide], for an action that is not division-aware (granted in any
// division suffices), or [AllDivisions] (only a grant in all divisions
// suffices: could the subject act wherever the resource lives?). The zero
// Target, and In(""), satisfy nothing: a division that could not be
// resolved never widens access. A division that is not one of the org's
// is never granted, whatever the subject holds, and the [Result] says so
// ([Result.DivisionUnknown]).
//
// [Access.HasRole] tells where the subject holds a role, for the rule
// that nobody gives away more than they hold: an admin may give an OAuth
// client a role in a division only if the admin holds that role there
// (client.Registry enforces it).
//
// The answer is a [Result], not a bool. When it is not satisfied,
// [Result.Missing] lists the missing permissions and, for each, the
// divisions where the subject does hold it, so a message can say "you have
// directory:user:edit, but not in division Sales". Check never allocates;
// Missing and String do the explaining, and the allocating, only when
// called. Its cost does not grow with the number of roles: a few bit
// tests per permission of an ALL requirement (its policy keys numbered
// when it is built, before the access is compiled: see Concurrency),
// about 450 instructions (25 ns) for ALL-of-3.
// Nor does an ANY requirement's cost grow with its list: the check
// intersects the requirement's policy keys with the subject's, 64 at a
// time, so that ANY-1 and ANY-256 cost about the same, 20 ns; only a
// permission of the list that the subject holds somewhere, but not in all
// divisions, is looked at on its own.
//
// # Storage and caching
//
// Orgs' divisions, grants, roles and members stay in the consumer's
// storage, behind [DivisionStore], [GrantStore], [RoleStore] and
// [MemberStore], every method of which takes the org it answers for;
// [MemStore] is an in-memory implementation of all four. A store answers
// only for the org it is asked about: grants, groups and roles of other
// orgs are never returned. [Evaluate] compiles and checks in one call and
// always sees the store's current state. For a request path, a [Cache]
// keeps compiled accesses, by org and subject. A cached access is a
// snapshot, so the cache must learn of changes: over a store that
// implements [Versioner], as MemStore does, every change is noticed by
// itself; otherwise call [Cache.Invalidate] when a subject's grants or
// groups change and [Cache.InvalidateAll] when a role or an org's
// divisions change. A caller that keeps an access itself (a memo of a
// token) takes a [CacheStamp] first ([Cache.Stamp]) and keeps the access
// while [Cache.Current] reports the stamp current.
//
// # Zero values
//
// Zero values are safe: none panics, and none grants anything. A nil or
// zero [Access] holds no permission, a nil or zero [Cache] returns an
// error wrapping [ErrInvalid], the zero [MemStore] is empty and ready to
// use, and a nil *MemStore refuses every change and lookup with an error
// wrapping ErrInvalid. An error struct left empty, or a nil one, still
// names its kind of error.
//
// # Concurrency
//
// [Permission], [Requirement], [Target], [Result] and [Access] are
// immutable and safe for concurrent use, as are [Divisions], [MemStore]
// and [Cache]. [Role], [Grant], [Subject], [Division] and [Missing] are
// plain structs: share them freely, but do not modify one while other
// goroutines read it. The package keeps two pieces of global state: the
// hash seed it makes at start-up, and the numbers it gives the policy keys
// that requirements name (a permission and its wildcard shapes), so
// that an access and a requirement built apart share them. The numbers
// only grow when [AllOf] or [AnyOf] names a new key, never on a check, a
// compilation or [Access.Has], and stop at 65,536 keys: a requirement
// built past that is checked by hash probes, key by key, with the same
// answers. Build requirements once, as a policy does, not per request
// from what a caller sends.
package permission
