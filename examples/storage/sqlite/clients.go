package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/permission"
)

const clientColumns = `id, org, name, description, token_lifetime_ns, state, grant_type, public, scopes,
	redirect_uris, roles, secret_sha256, previous_secret_sha256, previous_secret_not_after_ns,
	revision, created_at_ns, updated_at_ns, disabled_at_ns`

type scanner interface{ Scan(dest ...any) error }

func scanClient(r scanner) (row.Client, error) {
	var c row.Client
	var prev, created, updated, disabled sql.NullInt64
	err := r.Scan(&c.ID, &c.Org, &c.Name, &c.Description, &c.TokenLifetime, &c.State, &c.GrantType, &c.Public, &c.Scopes,
		&c.RedirectURIs, &c.Roles, &c.Secret, &c.PreviousSecret, &prev,
		&c.Revision, &created, &updated, &disabled)
	c.PreviousNotAfter, c.CreatedAt, c.UpdatedAt, c.DisabledAt = nanos(prev), nanos(created), nanos(updated), nanos(disabled)
	return c, err
}

// nanos returns a NULL-able integer as a pointer.
func nanos(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func clientArgs(c row.Client) []any {
	return []any{c.ID, c.Org, c.Name, c.Description, c.TokenLifetime, c.State, c.GrantType, c.Public, c.Scopes,
		c.RedirectURIs, c.Roles, nullable(c.Secret), nullable(c.PreviousSecret), ptr(c.PreviousNotAfter),
		c.Revision, ptr(c.CreatedAt), ptr(c.UpdatedAt), ptr(c.DisabledAt)}
}

// notFound wraps client.ErrNotFound without formatting a message: an
// unknown ID must cost what a known one does (see client.Store).
type notFound struct{ id client.ID }

func (e *notFound) Error() string { return client.ErrNotFound.Error() + ": " + e.id.String() }
func (e *notFound) Unwrap() error { return client.ErrNotFound }

// Client implements client.Store.
func (s *Store) Client(ctx context.Context, id client.ID) (client.Client, error) {
	r, err := scanClient(s.db.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return client.Client{}, &notFound{id}
	}
	if err != nil {
		return client.Client{}, s.fail("reading a client", err)
	}
	return r.ToClient()
}

// ClientStatus implements grant.ClientStatuses, with a query: a
// storage.Cache answers it from memory.
func (s *Store) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	var state int16
	var disabled sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT state, disabled_at_ns FROM clients WHERE id = ?`, id.String()).Scan(&state, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return client.Status{}, &notFound{id}
	}
	if err != nil {
		return client.Status{}, s.fail("reading a client's status", err)
	}
	return client.Status{State: client.State(state), DisabledAt: row.Time(nanos(disabled))}, nil
}

func clientChanged(org client.OrgID, id client.ID) []storage.Change {
	return []storage.Change{{Kind: storage.ClientChanged, Org: org, Client: id}}
}

// CreateClient implements client.Store. A taken ID is client.ErrExists.
func (s *Store) CreateClient(ctx context.Context, c client.Client) error {
	r, err := row.FromClient(c)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO clients (`+clientColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, clientArgs(r)...)
		return clientChanged(c.Org, c.ID), err
	})
	if isUnique(err) {
		return fmt.Errorf("%w: %s", client.ErrExists, c.ID)
	}
	if err != nil {
		return s.fail("creating a client", err)
	}
	return nil
}

// UpdateClient implements client.Store: it replaces the client if its
// stored Revision is c.Revision, in one transaction holding the write
// lock, so that of two updates of the same revision one wins and the
// other gets client.ErrConflict.
func (s *Store) UpdateClient(ctx context.Context, c client.Client) error {
	r, err := row.FromClient(c)
	if err != nil {
		return err
	}
	var stored sql.NullInt64
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		args := clientArgs(r)
		res, err := tx.ExecContext(ctx, `UPDATE clients SET org = ?2, name = ?3, description = ?4, token_lifetime_ns = ?5,
			state = ?6, grant_type = ?7, public = ?8, scopes = ?9, redirect_uris = ?10, roles = ?11, secret_sha256 = ?12,
			previous_secret_sha256 = ?13, previous_secret_not_after_ns = ?14, revision = ?15 + 1, created_at_ns = ?16,
			updated_at_ns = ?17, disabled_at_ns = ?18
			WHERE id = ?1 AND revision = ?15`, args...)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return clientChanged(c.Org, c.ID), err
		}
		err = tx.QueryRowContext(ctx, `SELECT revision FROM clients WHERE id = ?`, r.ID).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, errNoUpdate
	})
	switch {
	case errors.Is(err, errNoUpdate) && !stored.Valid:
		return fmt.Errorf("%w: %s", client.ErrNotFound, c.ID)
	case errors.Is(err, errNoUpdate):
		return fmt.Errorf("%w: %s is at revision %d, the update was based on %d", client.ErrConflict, c.ID, stored.Int64, c.Revision)
	case err != nil:
		return s.fail("updating a client", err)
	}
	return nil
}

var errNoUpdate = errors.New("sqlite: nothing updated")

// DeleteClient implements client.Store.
func (s *Store) DeleteClient(ctx context.Context, id client.ID) error {
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		var org string
		err := tx.QueryRowContext(ctx, `DELETE FROM clients WHERE id = ? RETURNING org`, id.String()).Scan(&org)
		return clientChanged(client.OrgID(org), id), err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", client.ErrNotFound, id)
	}
	if err != nil {
		return s.fail("deleting a client", err)
	}
	return nil
}

// Authorization implements client.AuthorizationStore.
func (s *Store) Authorization(ctx context.Context, org client.OrgID, id client.ID) (client.Authorization, error) {
	a, err := scanAuthorization(s.db.QueryRowContext(ctx, `SELECT org, client_id, granted, denied, by_kind, by_id, at_ns
		FROM authorizations WHERE org = ? AND client_id = ?`, string(org), id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return client.Authorization{}, fmt.Errorf("%w: client %s in org %q", client.ErrNotAuthorized, id, org)
	}
	if err != nil {
		return client.Authorization{}, s.fail("reading an authorization", err)
	}
	return a, nil
}

func scanAuthorization(r scanner) (client.Authorization, error) {
	var (
		org, id, granted, denied, byID string
		byKind                         int16
		at                             sql.NullInt64
	)
	if err := r.Scan(&org, &id, &granted, &denied, &byKind, &byID, &at); err != nil {
		return client.Authorization{}, err
	}
	a := client.Authorization{Org: client.OrgID(org), AuthorizedBy: row.ToSubject(byKind, byID), AuthorizedAt: row.Time(nanos(at))}
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
	_, err = s.db.ExecContext(ctx, `INSERT INTO authorizations (org, client_id, granted, denied, by_kind, by_id, at_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, client_id) DO UPDATE SET granted = excluded.granted, denied = excluded.denied,
			by_kind = excluded.by_kind, by_id = excluded.by_id, at_ns = excluded.at_ns`,
		string(a.Org), a.Client.String(), a.Granted.String(), a.Denied.String(), kind, by, ptr(at))
	if err != nil {
		return s.fail("storing an authorization", err)
	}
	return nil
}

// DeleteAuthorization implements client.AuthorizationStore.
func (s *Store) DeleteAuthorization(ctx context.Context, org client.OrgID, id client.ID) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM authorizations WHERE org = ? AND client_id = ?`, string(org), id.String())
	if err != nil {
		return s.fail("deleting an authorization", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("%w: client %s in org %q", client.ErrNotAuthorized, id, org)
	}
	return nil
}

// Authorizations implements client.AuthorizationStore.
func (s *Store) Authorizations(ctx context.Context, org client.OrgID) ([]client.Authorization, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org, client_id, granted, denied, by_kind, by_id, at_ns
		FROM authorizations WHERE org = ?`, string(org))
	if err != nil {
		return nil, s.fail("listing authorizations", err)
	}
	defer rows.Close()
	var out []client.Authorization
	for rows.Next() {
		a, err := scanAuthorization(rows)
		if err != nil {
			return nil, s.fail("listing authorizations", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
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
