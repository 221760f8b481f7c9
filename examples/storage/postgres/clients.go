package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/permission"
)

const clientColumns = `id, org, name, description, token_lifetime_ns, state, grant_type, public, scopes,
	redirect_uris, roles, secret_sha256, previous_secret_sha256, previous_secret_not_after_ns,
	revision, created_at_ns, updated_at_ns, disabled_at_ns`

func scanClient(r pgx.Row) (row.Client, error) {
	var c row.Client
	err := r.Scan(&c.ID, &c.Org, &c.Name, &c.Description, &c.TokenLifetime, &c.State, &c.GrantType, &c.Public, &c.Scopes,
		&c.RedirectURIs, &c.Roles, &c.Secret, &c.PreviousSecret, &c.PreviousNotAfter,
		&c.Revision, &c.CreatedAt, &c.UpdatedAt, &c.DisabledAt)
	return c, err
}

func clientArgs(c row.Client) []any {
	return []any{c.ID, c.Org, c.Name, c.Description, c.TokenLifetime, c.State, c.GrantType, c.Public, c.Scopes,
		c.RedirectURIs, c.Roles, c.Secret, c.PreviousSecret, c.PreviousNotAfter,
		c.Revision, c.CreatedAt, c.UpdatedAt, c.DisabledAt}
}

// notFound wraps client.ErrNotFound without formatting a message: an
// unknown ID must cost what a known one does (see client.Store).
type notFound struct{ id client.ID }

func (e *notFound) Error() string { return client.ErrNotFound.Error() + ": " + e.id.String() }
func (e *notFound) Unwrap() error { return client.ErrNotFound }

// Client implements client.Store.
func (s *Store) Client(ctx context.Context, id client.ID) (client.Client, error) {
	if !id.IsValid() {
		return client.Client{}, &notFound{id}
	}
	r, err := scanClient(s.pool.QueryRow(ctx, s.sql(`SELECT `+clientColumns+` FROM {s}.clients WHERE id = $1`), id.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return client.Client{}, &notFound{id}
	}
	if err != nil {
		return client.Client{}, s.fail("reading a client", err)
	}
	return r.ToClient()
}

// ClientStatus implements grant.ClientStatuses, with a query: a
// [Replica] answers it from memory.
func (s *Store) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	if !id.IsValid() {
		return client.Status{}, &notFound{id}
	}
	var state int16
	var disabled *int64
	err := s.pool.QueryRow(ctx, s.sql(`SELECT state, disabled_at_ns FROM {s}.clients WHERE id = $1`), id.String()).Scan(&state, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return client.Status{}, &notFound{id}
	}
	if err != nil {
		return client.Status{}, s.fail("reading a client's status", err)
	}
	return client.Status{State: client.State(state), DisabledAt: row.Time(disabled)}, nil
}

func clientChanged(c client.Client) storage.Change {
	return storage.Change{Kind: storage.ClientChanged, Org: c.Org, Client: c.ID}
}

// CreateClient implements client.Store. A taken ID is client.ErrExists.
func (s *Store) CreateClient(ctx context.Context, c client.Client) error {
	r, err := row.FromClient(c)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.clients (`+clientColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`), clientArgs(r)...)
		return []storage.Change{clientChanged(c)}, err
	})
	if pgCode(err) == uniqueViolation {
		return fmt.Errorf("%w: %s", client.ErrExists, c.ID)
	}
	if err != nil {
		return s.fail("creating a client", err)
	}
	return nil
}

// UpdateClient implements client.Store: it replaces the client if its
// stored Revision is c.Revision, in one statement, so that of two
// replicas updating the same revision one wins and the other gets
// client.ErrConflict.
func (s *Store) UpdateClient(ctx context.Context, c client.Client) error {
	r, err := row.FromClient(c)
	if err != nil {
		return err
	}
	var stored *int64
	err = s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		tag, err := tx.Exec(ctx, s.sql(`UPDATE {s}.clients SET org = $2, name = $3, description = $4, token_lifetime_ns = $5,
			state = $6, grant_type = $7, public = $8, scopes = $9, redirect_uris = $10, roles = $11, secret_sha256 = $12,
			previous_secret_sha256 = $13, previous_secret_not_after_ns = $14, revision = $15 + 1, created_at_ns = $16,
			updated_at_ns = $17, disabled_at_ns = $18
			WHERE id = $1 AND revision = $15`), clientArgs(r)...)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 1 {
			return []storage.Change{clientChanged(c)}, nil
		}
		var rev int64
		switch err := tx.QueryRow(ctx, s.sql(`SELECT revision FROM {s}.clients WHERE id = $1`), r.ID).Scan(&rev); {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			stored = &rev
		}
		return nil, errNoUpdate
	})
	switch {
	case errors.Is(err, errNoUpdate) && stored == nil:
		return fmt.Errorf("%w: %s", client.ErrNotFound, c.ID)
	case errors.Is(err, errNoUpdate):
		return fmt.Errorf("%w: %s is at revision %d, the update was based on %d", client.ErrConflict, c.ID, *stored, c.Revision)
	case err != nil:
		return s.fail("updating a client", err)
	}
	return nil
}

// errNoUpdate rolls back an update that changed nothing.
var errNoUpdate = errors.New("postgres: nothing updated")

// DeleteClient implements client.Store.
func (s *Store) DeleteClient(ctx context.Context, id client.ID) error {
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		var org string
		err := tx.QueryRow(ctx, s.sql(`DELETE FROM {s}.clients WHERE id = $1 RETURNING org`), id.String()).Scan(&org)
		return []storage.Change{{Kind: storage.ClientChanged, Org: client.OrgID(org), Client: id}}, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %s", client.ErrNotFound, id)
	}
	if err != nil {
		return s.fail("deleting a client", err)
	}
	return nil
}

// Authorization implements client.AuthorizationStore.
func (s *Store) Authorization(ctx context.Context, org client.OrgID, id client.ID) (client.Authorization, error) {
	if !id.IsValid() {
		return client.Authorization{}, fmt.Errorf("%w: no client ID", client.ErrNotAuthorized)
	}
	a, err := scanAuthorization(s.pool.QueryRow(ctx, s.sql(`SELECT org, client_id, granted, denied, by_kind, by_id, at_ns
		FROM {s}.authorizations WHERE org = $1 AND client_id = $2`), string(org), id.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return client.Authorization{}, fmt.Errorf("%w: client %s in org %q", client.ErrNotAuthorized, id, org)
	}
	if err != nil {
		return client.Authorization{}, s.fail("reading an authorization", err)
	}
	return a, nil
}

func scanAuthorization(r pgx.Row) (client.Authorization, error) {
	var (
		org, id, granted, denied, byID string
		byKind                         int16
		at                             *int64
	)
	if err := r.Scan(&org, &id, &granted, &denied, &byKind, &byID, &at); err != nil {
		return client.Authorization{}, err
	}
	a := client.Authorization{Org: client.OrgID(org), AuthorizedBy: row.ToSubject(byKind, byID), AuthorizedAt: row.Time(at)}
	var err error
	if a.Client, err = client.ParseID(id); err != nil {
		return client.Authorization{}, err
	}
	if a.Granted, err = row.Scopes(granted); err != nil {
		return client.Authorization{}, err
	}
	if a.Denied, err = row.Scopes(denied); err != nil {
		return client.Authorization{}, err
	}
	return a, nil
}

// PutAuthorization implements client.AuthorizationStore.
func (s *Store) PutAuthorization(ctx context.Context, a client.Authorization) error {
	at, err := row.Nanos(a.AuthorizedAt)
	if err != nil {
		return err
	}
	kind, by := row.FromSubject(a.AuthorizedBy)
	_, err = s.pool.Exec(ctx, s.sql(`INSERT INTO {s}.authorizations (org, client_id, granted, denied, by_kind, by_id, at_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (org, client_id) DO UPDATE SET granted = excluded.granted, denied = excluded.denied,
			by_kind = excluded.by_kind, by_id = excluded.by_id, at_ns = excluded.at_ns`),
		string(a.Org), a.Client.String(), a.Granted.String(), a.Denied.String(), kind, by, at)
	if err != nil {
		return s.fail("storing an authorization", err)
	}
	return nil
}

// DeleteAuthorization implements client.AuthorizationStore.
func (s *Store) DeleteAuthorization(ctx context.Context, org client.OrgID, id client.ID) error {
	tag, err := s.pool.Exec(ctx, s.sql(`DELETE FROM {s}.authorizations WHERE org = $1 AND client_id = $2`), string(org), id.String())
	if err != nil {
		return s.fail("deleting an authorization", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: client %s in org %q", client.ErrNotAuthorized, id, org)
	}
	return nil
}

// Authorizations implements client.AuthorizationStore.
func (s *Store) Authorizations(ctx context.Context, org client.OrgID) ([]client.Authorization, error) {
	rows, err := s.pool.Query(ctx, s.sql(`SELECT org, client_id, granted, denied, by_kind, by_id, at_ns
		FROM {s}.authorizations WHERE org = $1`), string(org))
	if err != nil {
		return nil, s.fail("listing authorizations", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (client.Authorization, error) { return scanAuthorization(r) })
	if err != nil {
		return nil, s.fail("listing authorizations", err)
	}
	return out, nil
}

// subjectChange is the change that a grant of s makes: a group's reaches
// its members, so it touches the whole org.
func subjectChange(org permission.OrgID, sub permission.Subject) storage.Change {
	if sub.Kind == permission.GroupSubject {
		return storage.Change{Kind: storage.OrgChanged, Org: org}
	}
	return storage.Change{Kind: storage.SubjectChanged, Org: org, Subject: sub}
}
