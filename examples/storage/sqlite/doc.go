// Package sqlite keeps scopegate's clients, authorizations, consents,
// codes, revocations, divisions, members, roles and grants in one SQLite
// database file: the embedded default for a single process, such as the
// demo API.
//
// It uses modernc.org/sqlite through database/sql: SQLite translated to
// pure Go, so that the examples build without cgo or a C compiler, on
// every platform Go supports.
//
// [Store] implements every store interface of the client, grant and
// permission packages, and the writes of a directory of orgs, exactly as
// the PostgreSQL store does (the conformance suite in storage/storetest
// runs against both). [Store.Migrate] applies the embedded, versioned
// migrations in one transaction holding the write lock, and refuses a
// database newer than the code (storage.ErrSchemaTooNew); a store over an
// unmigrated database answers storage.ErrNotMigrated. Secrets and codes
// are kept as SHA-256 sums only, and times as Unix nanoseconds, exactly.
//
// The database runs in WAL mode, so that reads never wait for a write,
// and every write transaction takes the write lock at its start (BEGIN
// IMMEDIATE): a read-modify-write such as AddConsent's union of scopes or
// UpdateClient's revision check is atomic with respect to every other
// write, in this process and in any other that opens the file.
//
// In front of the store, a storage.Cache answers the hot path's questions
// from memory. It observes the store, so it sees this process's writes as
// soon as they commit, and it is never stale. Writes by another process
// to the same file do not reach it: one process per file, or PostgreSQL
// for many replicas.
package sqlite
