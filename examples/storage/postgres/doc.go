// Package postgres keeps scopegate's clients, authorizations, consents,
// codes, revocations, divisions, members, roles and grants in PostgreSQL,
// shared by every replica of a service, and keeps each replica's
// in-process caches current through LISTEN/NOTIFY.
//
// It uses github.com/jackc/pgx/v5 and its pool, pgxpool: the PostgreSQL
// driver written for PostgreSQL alone, with context-aware calls, statements
// prepared and cached per connection, and direct access to LISTEN/NOTIFY
// on a dedicated connection, which database/sql does not offer.
//
// # The store
//
// [Store] implements every store interface of the client, grant and
// permission packages (see the interfaces' documentation for their
// contracts, which the conformance suite in storage/storetest checks), and
// the writes of a directory of orgs: [Store.PutDivisions],
// [Store.AddUser], [Store.PutRole], [Store.AddGrant], [Store.AddMember]
// and their inverses. Every method takes the org: orgs are walls.
//
// The schema lives in its own PostgreSQL schema ([DefaultSchema], or
// [WithSchema]) and is versioned: [Store.Migrate] applies the embedded
// migrations in one transaction under an advisory lock, so that every
// replica may call it at start; it refuses a database newer than the code
// (storage.ErrSchemaTooNew). A store over an unmigrated database answers
// storage.ErrNotMigrated; [Store.Check] says which. Secrets and codes are
// kept as SHA-256 sums only, and times as Unix nanoseconds, exactly.
//
// The documented concurrency guarantees hold across processes, each in
// one statement on one row: of two updates of a client from the same
// revision (two replicas rotating its secret) one wins and the other gets
// client.ErrConflict; a consent is one row whose union of scopes is one
// upsert, so that a withdrawal at the same time comes wholly before or
// after it; taking a code marks it used and records a replay in one
// update, so that of two exchanges exactly one gets the grant. Constraint
// violations map to the interfaces' errors: a taken client ID is
// client.ErrExists, a grant of a role deleted at the same time
// permission.ErrRoleNotFound, a duplicate code grant.ErrInvalidRequest.
//
// # Replicas, changes and staleness
//
// The hot path must not query the database. A [Replica] is a
// storage.Cache (revocations, client statuses and compiled permissions,
// in memory) kept current by a listener on a dedicated connection: every
// write that a cache must hear of sends a NOTIFY (a storage.Change) in
// its own transaction, delivered to every replica when, and only if, it
// commits, in commit order. The replica that made the write applies it
// at once, before the write returns.
//
// The listener proves the feed alive with heartbeats: every
// MaxStaleness/4 it sends a NOTIFY on a channel of its own and waits for
// it to come back. Notifications arrive in commit order, so a heartbeat
// sent at t that came back proves that every change committed before t
// has arrived. The replica answers only while its last such proof is less
// than MaxStaleness old ([ReplicaOptions]); past that it answers
// storage.ErrStale, and the enforcer denies with 503 UNAVAILABLE. So a
// change committed (acknowledged) at t is never allowed past t +
// MaxStaleness on any replica, even if its notification was lost: the
// bound holds whatever happens to the network, within the timer's latency
// (about a millisecond).
//
// On a lost connection the listener reconnects, with a growing pause,
// LISTENs, and reloads everything (storage.Cache.Resync) in one
// repeatable-read snapshot; changes made while it was away are in that
// snapshot, and those made since arrive as notifications. Until then the
// replica serves from its cache for at most MaxStaleness after its last
// proof, then denies.
package postgres
