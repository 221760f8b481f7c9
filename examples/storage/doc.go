// Package storage is what scopegate's SQL stores share: the in-process
// [Cache] that answers an enforcer's questions from memory, the [Change]s
// that keep it current, and the errors of a database's bad states.
//
// The stores themselves are in the packages beside it: storage/postgres
// (github.com/jackc/pgx/v5, for many replicas sharing one database, with
// LISTEN/NOTIFY) and storage/sqlite (modernc.org/sqlite, pure Go, for one
// process). Both implement every store interface of the client, grant and
// permission packages, and storage/storetest holds the conformance suite
// they pass, as the memory stores do.
//
// # The cache
//
// An enforcer reads, on every request, whether the token was revoked, the
// status of its client, and the compiled permissions of its subject. A
// [Cache] answers the three from memory (a grant.MemStore's lock-free
// revocations, a map of statuses, a permission.Cache), without a query,
// a lock or an allocation on a hit. It learns of changes through
// [Cache.Apply]: a store that is a [Notifier] tells it of its own
// process's writes as they commit, and a change feed (the PostgreSQL
// replica's listener) of everyone else's. A revocation is applied from
// the change itself; a changed client's status is read again from the
// store; a changed subject's, or org's, compiled permissions are dropped
// and compiled again on the next request. [Cache.Resync] reloads
// everything from one [Snapshot]. A client the cache does not know is
// asked of the store on each request, without keeping the answer: a
// client registered through another replica works there at once, before
// its change arrives, and an unknown one costs a query (its token had to
// verify first).
//
// # Staleness
//
// A cache with a positive MaxStaleness ([CacheOptions]) answers only
// while its feed has vouched for it ([Cache.MarkFresh]) within that
// bound, and otherwise errs with ErrStale, so that an enforcer denies
// with 503 UNAVAILABLE: a change committed at t is never allowed past t +
// MaxStaleness. A cache whose Apply failed (the store could not be read)
// errs with ErrStale too, until a resynchronisation, retried in the
// background, succeeds. A cache with zero MaxStaleness is fed by its own
// process only, and is never stale.
//
// # Changes on the wire
//
// [Change.Payload] writes a change as a NOTIFY payload, at most
// [MaxPayload] bytes of JSON, and [ParseChange] reads it back, strictly; a
// change that does not fit travels as Everything, which makes every
// replica reload. A change holds IDs and times, never a secret.
package storage
