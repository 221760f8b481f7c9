package storage

import "errors"

// Sentinel errors of the SQL stores and the cache. Callers branch on them
// with [errors.Is]; the stores also return the errors their interfaces
// document (client.ErrNotFound, grant.ErrInvalidCode, ...).
var (
	// ErrNotMigrated reports a database whose schema is older than the
	// code, or missing: call Migrate.
	ErrNotMigrated = errors.New("storage: the database schema is not migrated to this version; run Migrate")
	// ErrSchemaTooNew reports a database migrated by a newer version of
	// the code. Migrate refuses to touch it, and the stores refuse to use
	// it: upgrade the code.
	ErrSchemaTooNew = errors.New("storage: the database schema is newer than this code")
	// ErrStale reports a [Cache] that cannot vouch for its content: its
	// change feed has been cut for longer than the configured staleness
	// bound, or a change could not be applied. Its callers deny: an
	// enforcer answers 503 UNAVAILABLE, never an allow.
	ErrStale = errors.New("storage: the cache is stale: its change feed is down")
	// ErrInvalid reports a value a store cannot hold: a time outside the
	// years 1678 to 2261, a schema name that is not an identifier, a
	// change that does not parse.
	ErrInvalid = errors.New("storage: invalid value")
	// ErrClosed reports a call on a closed store or replica.
	ErrClosed = errors.New("storage: closed")
)
