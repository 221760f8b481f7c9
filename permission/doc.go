// Package permission decides what a user, or an OAuth client acting on its
// own, may do and where: permissions, roles, divisions and grants, as
// Genesys Cloud models them.
//
// # Permissions
//
// A [Permission] is domain:entity:action (directory:user:add), shown in the
// admin UI as Directory > User > Add. [Parse] reads both forms; each
// canonical part is an ASCII lower-case letter followed by letters and
// digits (Genesys uses camelCase: routing:directRoutingBackup:selfDelete).
// A role's policies may put [Wildcard] in the entity, the action or both
// (directory:user:*, routing:*:*); the domain never. A rejection is a
// [*ParseError] with the offset and, where it can tell, the permission
// probably meant.
//
// # Requirements
//
// A [Requirement] is what an endpoint demands: [NoneRequired], [AnyOf] or
// [AllOf] a list of concrete permissions (no wildcards, at most
// [MaxRequirement]). The zero Requirement is invalid and never satisfied.
//
// # Roles, divisions and grants
//
// A [Role] holds permission policies. A [Grant] gives a [Subject] (a user,
// a group whose grants apply to its members, or an OAuth client) a role in
// a list of divisions or in all divisions, present and future. An org's
// [Divisions] have exactly one Home division.
//
// # Evaluation
//
// [Compile] gathers a subject's grants, through its groups too, and merges
// the policies of all its roles into an [Access]. [Access.Check] then
// answers whether the subject meets a requirement at a [Target]: [In] a
// division, for a resource that lives there (the permission must be
// granted in that division or in all divisions), or [OrgWide], for an
// action that is not division-aware (granted in any division suffices). The
// zero Target, and In(""), satisfy nothing: a division that could not be
// resolved never widens access.
//
// The answer is a [Result], not a bool. When it is not satisfied,
// [Result.Missing] lists the missing permissions and, for each, the
// divisions where the subject does hold it, so a message can say "you have
// directory:user:edit, but not in division Sales". Check never allocates;
// Missing and String do the explaining, and the allocating, only when
// called. Its cost does not grow with the number of roles: a few hash
// probes per permission, about 65 ns for an ALL-of-3 requirement.
//
// # Storage and caching
//
// Grants and roles stay in the consumer's storage, behind [GrantStore] and
// [RoleStore]; [MemStore] is an in-memory implementation. [Evaluate]
// compiles and checks in one call and always sees the store's current
// state. For a request path, a [Cache] keeps compiled accesses. A cached
// access is a snapshot, so the cache must learn of changes: over a store
// that implements [Versioner], as MemStore does, every change is noticed
// by itself; otherwise call [Cache.Invalidate] when a subject's grants or
// groups change and [Cache.InvalidateAll] when a role changes.
//
// # Concurrency
//
// [Permission], [Requirement], [Target], [Result] and [Access] are
// immutable and safe for concurrent use, as are [Divisions], [MemStore]
// and [Cache]. [Role], [Grant], [Subject], [Division] and [Missing] are
// plain structs: share them freely, but do not modify one while other
// goroutines read it. The package keeps no global state beyond the hash
// seed it makes at start-up.
package permission
