package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/migrate"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the schema's versions, read once.
var migrations, migrationsErr = migrate.Load(migrationFiles, "migrations")

// SchemaVersion is the schema version this code reads and writes.
func SchemaVersion() int { return len(migrations) }

// DefaultSchema is the PostgreSQL schema the tables live in unless
// [WithSchema] says otherwise.
const DefaultSchema = "scopegate"

// Store keeps clients, authorizations, consents, codes, revocations,
// divisions, members, roles, grants and groups in PostgreSQL. It
// implements client.Store, client.AuthorizationStore,
// grant.ClientStatuses, grant.Store, permission.Store and
// permission.MemberStore, and the writes of a directory (PutDivisions,
// AddGrant, ...). It is safe for concurrent use by any number of
// goroutines and processes.
//
// Every write that a cache must hear of sends a NOTIFY in its own
// transaction, so that replicas learn of it when, and only if, it
// commits; and tells the observers of this process ([Store.Observe]) right
// after the commit. The reads query the database: put a [Replica] in front
// of the store on the hot path.
type Store struct {
	pool    *pgxpool.Pool
	schema  string // quoted identifier
	channel string // the NOTIFY channel of changes
	now     func() time.Time
	q       *queries
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

// WithSchema keeps the tables in another PostgreSQL schema than
// DefaultSchema: lower-case letters, digits and underscores, starting
// with a letter, at most 40 bytes. Stores of different schemas share
// nothing, changes and their notifications included.
func WithSchema(name string) Option { return func(s *Store) { s.schema = name } }

// New returns a store over pool. It does not touch the database: call
// [Store.Migrate] to create or upgrade the schema, or [Store.Check] to
// see that it is current. Statements are prepared and cached per
// connection, as pgx does by default.
func New(pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if migrationsErr != nil {
		return nil, migrationsErr
	}
	if pool == nil {
		return nil, fmt.Errorf("%w: postgres: no pool", storage.ErrInvalid)
	}
	s := &Store{pool: pool, schema: DefaultSchema, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	if !validSchema(s.schema) {
		return nil, fmt.Errorf("%w: postgres: schema name %q: use lower-case letters, digits and underscores", storage.ErrInvalid, clip(s.schema))
	}
	s.channel = s.schema + "_changes"
	s.q = newQueries(`"` + s.schema + `"`)
	return s, nil
}

// Open connects a pool to the database at dsn (a postgres:// URL or
// key=value string, as pgxpool.ParseConfig reads it) and returns a store
// over it. Close the store to close the pool.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: the connection string does not parse: %w", redactDSN(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s, err := New(pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// redactDSN keeps a connection string, which may hold a password, out of
// an error: pgx's parse errors quote it.
func redactDSN(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("invalid connection string")
	}
	return err
}

// Pool returns the store's pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the PostgreSQL schema of the store's tables.
func (s *Store) Schema() string { return s.schema }

// Channel returns the NOTIFY channel the store sends its changes on.
func (s *Store) Channel() string { return s.channel }

// Close closes the store's pool.
func (s *Store) Close() { s.pool.Close() }

func validSchema(name string) bool {
	if name == "" || len(name) > 40 || !('a' <= name[0] && name[0] <= 'z') {
		return false
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Migrate creates the schema and its tables, or upgrades them to this
// code's version, in one transaction. Replicas may all call it at start:
// an advisory lock lets one migrate while the others wait, and then find
// nothing to do. It refuses a database newer than the code with an error
// wrapping storage.ErrSchemaTooNew, and changes nothing then.
func (s *Store) Migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, advisoryClass, s.schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+s.q.schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+s.q.schema+`.schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+s.q.schema+`.schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if current > len(migrations) {
			return fmt.Errorf("%w: schema %s is at version %d; this code knows up to %d", storage.ErrSchemaTooNew, s.schema, current, len(migrations))
		}
		for _, m := range migrations[current:] {
			if _, err := tx.Exec(ctx, strings.ReplaceAll(m.SQL, "{schema}", s.q.schema)); err != nil {
				return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+s.q.schema+`.schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, storage.ErrSchemaTooNew) {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	return err
}

// advisoryClass is the first key of Migrate's advisory lock; the second
// is the hash of the schema's name.
const advisoryClass = 0x5c09e

// Check reports whether the database's schema is this code's version:
// nil, or an error wrapping storage.ErrNotMigrated (missing or older:
// run Migrate) or storage.ErrSchemaTooNew (upgrade the code).
func (s *Store) Check(ctx context.Context) error {
	var current int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+s.q.schema+`.schema_migrations`).Scan(&current)
	if err != nil {
		return s.fail("checking the schema version", err)
	}
	switch {
	case current < len(migrations):
		return fmt.Errorf("%w: schema %s is at version %d, the code needs %d", storage.ErrNotMigrated, s.schema, current, len(migrations))
	case current > len(migrations):
		return fmt.Errorf("%w: schema %s is at version %d; this code knows up to %d", storage.ErrSchemaTooNew, s.schema, current, len(migrations))
	}
	return nil
}

// fail wraps a database error, mapping a missing table or schema to
// storage.ErrNotMigrated.
func (s *Store) fail(what string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000") {
		return fmt.Errorf("%w: postgres: %s: %s", storage.ErrNotMigrated, what, pe.Message)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// write runs f in a transaction and sends the changes it returns, as
// NOTIFYs in the same transaction; once it commits, it tells this
// process's observers.
func (s *Store) write(ctx context.Context, f func(tx pgx.Tx) ([]storage.Change, error)) error {
	var changes []storage.Change
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if changes, err = f(tx); err != nil {
			return err
		}
		for i, c := range changes {
			if c.Check() != nil { // an empty user ID, a zero time: reload it all
				changes[i] = storage.Change{Kind: storage.Everything}
			}
			if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, c.Payload()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.Notify(ctx, changes...)
	return nil
}

// sweepEvery is how many insertions of codes, or of revoked tokens, pass
// between two sweeps of the expired ones.
const sweepEvery = 256

// queries holds the store's SQL with the schema filled in, made once per
// template: write SQL with {s} for the schema.
type queries struct {
	schema string // quoted
	m      sync.Map
}

func newQueries(schema string) *queries { return &queries{schema: schema} }

// sql returns the template with the schema filled in.
func (s *Store) sql(template string) string {
	if v, ok := s.q.m.Load(template); ok {
		return v.(string)
	}
	q := strings.ReplaceAll(template, "{s}", s.q.schema)
	s.q.m.Store(template, q)
	return q
}

// clip shortens untrusted input quoted in an error message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
