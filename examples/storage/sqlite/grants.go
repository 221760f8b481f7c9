package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/grant"
)

// Consent implements grant.ConsentStore.
func (s *Store) Consent(ctx context.Context, org client.OrgID, id client.ID, user string) (grant.Consent, error) {
	var scopes string
	var at sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT scopes, granted_at_ns FROM consents WHERE org = ? AND client_id = ? AND user_id = ?`,
		string(org), id.String(), user).Scan(&scopes, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return grant.Consent{}, fmt.Errorf("%w: user %q, client %s, org %q", grant.ErrNoConsent, user, id, org)
	}
	if err != nil {
		return grant.Consent{}, s.fail("reading a consent", err)
	}
	set, err := row.Scopes(scopes)
	if err != nil {
		return grant.Consent{}, err
	}
	return grant.Consent{Org: org, Client: id, User: user, Scopes: set, GrantedAt: row.Time(nanos(at))}, nil
}

// AddConsent implements grant.ConsentStore: it reads the consent and
// writes the union back in one transaction that holds the database's
// write lock from its start, so that a DeleteConsent at the same time
// comes wholly before or wholly after it.
func (s *Store) AddConsent(ctx context.Context, c grant.Consent) error {
	at, err := row.Nanos(c.GrantedAt)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		var stored string
		err := tx.QueryRowContext(ctx, `SELECT scopes FROM consents WHERE org = ? AND client_id = ? AND user_id = ?`,
			string(c.Org), c.Client.String(), c.User).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		set, err := row.Scopes(stored)
		if err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO consents (org, client_id, user_id, scopes, granted_at_ns) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org, client_id, user_id) DO UPDATE SET scopes = excluded.scopes, granted_at_ns = excluded.granted_at_ns`,
			string(c.Org), c.Client.String(), c.User, set.Union(c.Scopes).String(), ptr(at))
		return nil, err
	})
	if err != nil {
		return s.fail("storing a consent", err)
	}
	return nil
}

// DeleteConsent implements grant.ConsentStore.
func (s *Store) DeleteConsent(ctx context.Context, org client.OrgID, id client.ID, user string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM consents WHERE org = ? AND client_id = ? AND user_id = ?`, string(org), id.String(), user)
	if err != nil {
		return s.fail("deleting a consent", err)
	}
	return nil
}

// PutCode implements grant.CodeStore: the code's SHA-256 is its key, and
// the code itself is never stored. A hash stored already is
// grant.ErrInvalidRequest. Every sweepEvery codes, the expired ones are
// deleted.
func (s *Store) PutCode(ctx context.Context, g grant.CodeGrant) error {
	issued, err := row.Nanos(g.IssuedAt)
	if err != nil {
		return err
	}
	expires, err := row.Nanos(g.ExpiresAt)
	if err != nil {
		return err
	}
	token, err := row.TokenJSON(g.Token)
	if err != nil {
		return err
	}
	var tok any
	if token != nil {
		tok = *token
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO codes (hash, org, client_id, user_id, redirect_uri, scopes, code_challenge,
		issued_at_ns, expires_at_ns, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.Hash[:], string(g.Org), g.Client.String(), g.User, g.RedirectURI, g.Scopes.String(), g.CodeChallenge, ptr(issued), ptr(expires), tok)
	if isUnique(err) {
		return fmt.Errorf("%w: duplicate code", grant.ErrInvalidRequest)
	}
	if err != nil {
		return s.fail("storing a code", err)
	}
	if s.codeSweep.Add(1)%sweepEvery == 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM codes WHERE expires_at_ns <= ?`, s.now().UnixNano()); err != nil {
			return s.fail("sweeping expired codes", err)
		}
	}
	return nil
}

// TakeCode implements grant.CodeStore in one statement: it marks the code
// used, and a replay (the code was used already) is recorded by the same
// update, so that of two concurrent calls exactly one gets the grant.
func (s *Store) TakeCode(ctx context.Context, hash [sha256.Size]byte) (grant.CodeGrant, error) {
	var (
		g                                          = grant.CodeGrant{Hash: hash}
		org, id, user, redirect, scopes, challenge string
		issued, expires                            sql.NullInt64
		token                                      sql.NullString
		replayed                                   bool
	)
	err := s.db.QueryRowContext(ctx, `UPDATE codes SET used = 1, replayed = (replayed OR used) WHERE hash = ?
		RETURNING org, client_id, user_id, redirect_uri, scopes, code_challenge, issued_at_ns, expires_at_ns, token, replayed`,
		hash[:]).Scan(&org, &id, &user, &redirect, &scopes, &challenge, &issued, &expires, &token, &replayed)
	if errors.Is(err, sql.ErrNoRows) {
		return grant.CodeGrant{}, grant.ErrInvalidCode
	}
	if err != nil {
		return grant.CodeGrant{}, s.fail("taking a code", err)
	}
	g.Org, g.User, g.RedirectURI, g.CodeChallenge = client.OrgID(org), user, redirect, challenge
	g.IssuedAt, g.ExpiresAt = row.Time(nanos(issued)), row.Time(nanos(expires))
	if g.Client, err = client.ParseID(id); err != nil {
		return grant.CodeGrant{}, err
	}
	if g.Scopes, err = row.Scopes(scopes); err != nil {
		return grant.CodeGrant{}, err
	}
	var tok *string
	if token.Valid {
		tok = &token.String
	}
	if g.Token, err = row.FromTokenJSON(tok); err != nil {
		return grant.CodeGrant{}, err
	}
	if replayed {
		return g, grant.ErrCodeUsed
	}
	return g, nil
}

// SetCodeToken implements grant.CodeStore: the token is recorded only if
// the code was not presented again since it was taken.
func (s *Store) SetCodeToken(ctx context.Context, hash [sha256.Size]byte, t grant.Token) error {
	token, err := row.TokenJSON(t)
	if err != nil {
		return err
	}
	var tok any
	if token != nil {
		tok = *token
	}
	var replayed bool
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		res, err := tx.ExecContext(ctx, `UPDATE codes SET token = ? WHERE hash = ? AND NOT replayed`, tok, hash[:])
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return nil, err
		}
		return nil, tx.QueryRowContext(ctx, `SELECT replayed FROM codes WHERE hash = ?`, hash[:]).Scan(&replayed)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return grant.ErrInvalidCode
	case err != nil:
		return s.fail("recording a code's token", err)
	case replayed:
		return fmt.Errorf("%w: presented again while its token was being issued", grant.ErrCodeUsed)
	}
	return nil
}

// revocationTime returns a revocation's time as nanoseconds; the zero
// time counts as the earliest there is, as it does for grant.MemStore.
func revocationTime(t time.Time) (int64, error) {
	ns, err := row.Nanos(t)
	if err != nil || ns == nil {
		return math.MinInt64, err
	}
	return *ns, nil
}

// RevokeToken implements grant.RevocationStore. Every sweepEvery
// revocations, the ones more than grant.MaxClockSkew past their token's
// expiry are deleted.
func (s *Store) RevokeToken(ctx context.Context, t grant.Token) error {
	if !t.ID.IsValid() {
		return fmt.Errorf("%w: revoking a token without an ID", grant.ErrInvalidRequest)
	}
	now := s.now()
	until := t.ExpiresAt
	if until.IsZero() {
		until = now.Add(client.MaxTokenLifetime)
	}
	ns, err := revocationTime(until)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO revoked_tokens (id, until_ns) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET until_ns = max(until_ns, excluded.until_ns)`, t.ID.String(), ns)
		return []storage.Change{{Kind: storage.TokenRevoked, Token: t.ID, At: time.Unix(0, ns)}}, err
	})
	if err != nil {
		return s.fail("revoking a token", err)
	}
	if s.tokenSweep.Add(1)%sweepEvery == 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM revoked_tokens WHERE until_ns <= ?`, now.Add(-grant.MaxClockSkew).UnixNano()); err != nil {
			return s.fail("sweeping revoked tokens", err)
		}
	}
	return nil
}

// RevokeUser implements grant.RevocationStore. A later revocation stays:
// an earlier one does not undo it.
func (s *Store) RevokeUser(ctx context.Context, org client.OrgID, user string, at time.Time) error {
	ns, err := revocationTime(at)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO revoked_users (org, user_id, at_ns) VALUES (?, ?, ?)
			ON CONFLICT (org, user_id) DO UPDATE SET at_ns = max(at_ns, excluded.at_ns)`, string(org), user, ns)
		return []storage.Change{{Kind: storage.UserRevoked, Org: org, User: user, At: at}}, err
	})
	if err != nil {
		return s.fail("revoking a user's tokens", err)
	}
	return nil
}

// RevokeClient implements grant.RevocationStore. A later revocation
// stays: an earlier one does not undo it.
func (s *Store) RevokeClient(ctx context.Context, id client.ID, at time.Time) error {
	ns, err := revocationTime(at)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO revoked_clients (client_id, at_ns) VALUES (?, ?)
			ON CONFLICT (client_id) DO UPDATE SET at_ns = max(at_ns, excluded.at_ns)`, id.String(), ns)
		return []storage.Change{{Kind: storage.ClientRevoked, Client: id, At: at}}, err
	})
	if err != nil {
		return s.fail("revoking a client's tokens", err)
	}
	return nil
}

// IsRevoked implements grant.Revocations, with a query: a storage.Cache
// answers it from memory.
func (s *Store) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	issued, err := revocationTime(t.IssuedAt)
	if err != nil {
		return false, err
	}
	var revoked bool
	err = s.db.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM revoked_tokens WHERE id = ?1)
		OR (?3 <> '' AND EXISTS (SELECT 1 FROM revoked_users WHERE org = ?2 AND user_id = ?3 AND ?4 <= at_ns))
		OR EXISTS (SELECT 1 FROM revoked_clients WHERE client_id = ?5 AND ?4 <= at_ns)`,
		t.ID.String(), string(t.Org), t.User, issued, t.Client.String()).Scan(&revoked)
	if err != nil {
		return false, s.fail("checking a revocation", err)
	}
	return revoked, nil
}

// Snapshot implements storage.Source: the revocations still kept and
// every client's status, read in one transaction.
func (s *Store) Snapshot(ctx context.Context) (*storage.Snapshot, error) {
	snap := &storage.Snapshot{Statuses: make(map[client.ID]client.Status)}
	cutoff := s.now().Add(-grant.MaxClockSkew).UnixNano()
	err := func() error {
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		each := func(q string, args []any, dest []any, f func() error) error {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := rows.Scan(dest...); err != nil {
					return err
				}
				if err := f(); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		var id, org, user string
		var ns int64
		var state int16
		var disabled sql.NullInt64
		if err := each(`SELECT id, until_ns FROM revoked_tokens WHERE until_ns > ?`, []any{cutoff}, []any{&id, &ns}, func() error {
			tid, err := grant.ParseTokenID(id)
			snap.Tokens = append(snap.Tokens, storage.RevokedToken{ID: tid, Until: time.Unix(0, ns)})
			return err
		}); err != nil {
			return err
		}
		if err := each(`SELECT org, user_id, at_ns FROM revoked_users`, nil, []any{&org, &user, &ns}, func() error {
			snap.Users = append(snap.Users, storage.RevokedUser{Org: client.OrgID(org), User: user, At: time.Unix(0, ns)})
			return nil
		}); err != nil {
			return err
		}
		if err := each(`SELECT client_id, at_ns FROM revoked_clients`, nil, []any{&id, &ns}, func() error {
			cid, err := client.ParseID(id)
			snap.Clients = append(snap.Clients, storage.RevokedClient{Client: cid, At: time.Unix(0, ns)})
			return err
		}); err != nil {
			return err
		}
		return each(`SELECT id, state, disabled_at_ns FROM clients`, nil, []any{&id, &state, &disabled}, func() error {
			cid, err := client.ParseID(id)
			snap.Statuses[cid] = client.Status{State: client.State(state), DisabledAt: row.Time(nanos(disabled))}
			return err
		})
	}()
	if err != nil {
		return nil, s.fail("loading a snapshot", err)
	}
	return snap, nil
}
