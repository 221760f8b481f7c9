package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/migrate"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

var migrations, migrationsErr = migrate.Load(migrationFiles, "migrations")

// SchemaVersion is the schema version this code reads and writes.
func SchemaVersion() int { return len(migrations) }

// Store keeps clients, authorizations, consents, codes, revocations,
// divisions, members, roles and grants in one SQLite database file. It
// implements client.Store, client.AuthorizationStore,
// grant.ClientStatuses, grant.Store, permission.Store and
// permission.MemberStore, and the writes of a directory (PutDivisions,
// AddGrant, ...). It is safe for concurrent use. It tells the observers of
// its process about its changes ([Store.Observe]), which is how a
// storage.Cache in front of it stays current: use one process per
// database file.
type Store struct {
	db  *sql.DB
	now func() time.Time
	storage.Observers

	codeSweep, tokenSweep atomic.Uint64
}

var (
	_ client.Store              = (*Store)(nil)
	_ client.AuthorizationStore = (*Store)(nil)
	_ grant.ClientStatuses      = (*Store)(nil)
	_ grant.Store               = (*Store)(nil)
	_ permission.Store          = (*Store)(nil)
	_ permission.MemberStore    = (*Store)(nil)
	_ storage.Source            = (*Store)(nil)
	_ storage.Notifier          = (*Store)(nil)
)

// An Option configures a [Store].
type Option func(*Store)

// WithClock sets the clock that sweeps expired codes and revocations, and
// dates revocations of tokens whose expiry is unknown; the default is
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// Open opens (creating it if need be) the database file at path, in WAL
// mode, with foreign keys on, write transactions that take the write lock
// at once (BEGIN IMMEDIATE), and a busy timeout of ten seconds. It does
// not create the tables: call [Store.Migrate].
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if migrationsErr != nil {
		return nil, migrationsErr
	}
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%w: sqlite: a database file path, without ? or #", storage.ErrInvalid)
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	s := &Store{db: db, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// DB returns the store's database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Migrate creates the tables, or upgrades them to this code's version, in
// one transaction that holds the database's write lock: processes that
// call it at once take turns, and the later ones find nothing to do. It
// refuses a database newer than the code with an error wrapping
// storage.ErrSchemaTooNew, and changes nothing then.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrating: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrating: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("sqlite: migrating: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("%w: the database is at version %d; this code knows up to %d", storage.ErrSchemaTooNew, current, len(migrations))
	}
	for _, m := range migrations[current:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			return fmt.Errorf("sqlite: migrating: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrating: %w", err)
	}
	return nil
}

// Check reports whether the database's schema is this code's version:
// nil, or an error wrapping storage.ErrNotMigrated (missing or older:
// run Migrate) or storage.ErrSchemaTooNew (upgrade the code).
func (s *Store) Check(ctx context.Context) error {
	var current int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return s.fail("checking the schema version", err)
	}
	switch {
	case current < len(migrations):
		return fmt.Errorf("%w: the database is at version %d, the code needs %d", storage.ErrNotMigrated, current, len(migrations))
	case current > len(migrations):
		return fmt.Errorf("%w: the database is at version %d; this code knows up to %d", storage.ErrSchemaTooNew, current, len(migrations))
	}
	return nil
}

// fail wraps a database error, mapping a missing table to
// storage.ErrNotMigrated.
func (s *Store) fail(what string, err error) error {
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return fmt.Errorf("%w: sqlite: %s: %v", storage.ErrNotMigrated, what, err)
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// code returns the extended result code of an SQLite error, or 0.
func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isUnique(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

func isForeignKey(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

// write runs f in a transaction that holds the write lock and, once it
// commits, tells this process's observers of the changes f returns.
func (s *Store) write(ctx context.Context, f func(tx *sql.Tx) ([]storage.Change, error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	changes, err := f(tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for i, c := range changes {
		if c.Check() != nil { // an empty user ID, a zero time: reload it all
			changes[i] = storage.Change{Kind: storage.Everything}
		}
	}
	s.Notify(ctx, changes...)
	return nil
}

// sweepEvery is how many insertions of codes, or of revoked tokens, pass
// between two sweeps of the expired ones.
const sweepEvery = 256

// nullable returns b, or nil (NULL) for no bytes.
func nullable(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// ptr returns *p for a NULL-able integer argument.
func ptr(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
