package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/grant"
)

// Consent implements grant.ConsentStore.
func (s *Store) Consent(ctx context.Context, org client.OrgID, id client.ID, user string) (grant.Consent, error) {
	if !id.IsValid() {
		return grant.Consent{}, fmt.Errorf("%w: user %q, no client, org %q", grant.ErrNoConsent, user, org)
	}
	var scopes []string
	var at *int64
	err := s.pool.QueryRow(ctx, s.sql(`SELECT scopes, granted_at_ns FROM {s}.consents WHERE org = $1 AND client_id = $2 AND user_id = $3`),
		string(org), id.String(), user).Scan(&scopes, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return grant.Consent{}, fmt.Errorf("%w: user %q, client %s, org %q", grant.ErrNoConsent, user, id, org)
	}
	if err != nil {
		return grant.Consent{}, s.fail("reading a consent", err)
	}
	set, err := row.Scopes(strings.Join(scopes, " "))
	if err != nil {
		return grant.Consent{}, err
	}
	return grant.Consent{Org: org, Client: id, User: user, Scopes: set, GrantedAt: row.Time(at)}, nil
}

// AddConsent implements grant.ConsentStore in one upsert: the union of
// the stored scopes and c's is computed by the statement, on the row it
// locks, so that a DeleteConsent at the same time comes wholly before or
// wholly after it.
func (s *Store) AddConsent(ctx context.Context, c grant.Consent) error {
	at, err := row.Nanos(c.GrantedAt)
	if err != nil {
		return err
	}
	scopes := make([]string, 0, c.Scopes.Len())
	for sc := range c.Scopes.All() {
		scopes = append(scopes, sc.String())
	}
	_, err = s.pool.Exec(ctx, s.sql(`INSERT INTO {s}.consents AS c (org, client_id, user_id, scopes, granted_at_ns)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org, client_id, user_id) DO UPDATE SET
			scopes = ARRAY(SELECT DISTINCT x COLLATE "C" FROM unnest(c.scopes || excluded.scopes) AS x ORDER BY 1),
			granted_at_ns = excluded.granted_at_ns`),
		string(c.Org), c.Client.String(), c.User, scopes, at)
	if err != nil {
		return s.fail("storing a consent", err)
	}
	return nil
}

// DeleteConsent implements grant.ConsentStore.
func (s *Store) DeleteConsent(ctx context.Context, org client.OrgID, id client.ID, user string) error {
	if !id.IsValid() {
		return nil
	}
	_, err := s.pool.Exec(ctx, s.sql(`DELETE FROM {s}.consents WHERE org = $1 AND client_id = $2 AND user_id = $3`), string(org), id.String(), user)
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
	_, err = s.pool.Exec(ctx, s.sql(`INSERT INTO {s}.codes (hash, org, client_id, user_id, redirect_uri, scopes, code_challenge,
		issued_at_ns, expires_at_ns, token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`),
		g.Hash[:], string(g.Org), g.Client.String(), g.User, g.RedirectURI, g.Scopes.String(), g.CodeChallenge, issued, expires, token)
	if pgCode(err) == uniqueViolation {
		return fmt.Errorf("%w: duplicate code", grant.ErrInvalidRequest)
	}
	if err != nil {
		return s.fail("storing a code", err)
	}
	if s.codeSweep.Add(1)%sweepEvery == 0 {
		if _, err := s.pool.Exec(ctx, s.sql(`DELETE FROM {s}.codes WHERE expires_at_ns <= $1`), s.now().UnixNano()); err != nil {
			return s.fail("sweeping expired codes", err)
		}
	}
	return nil
}

// TakeCode implements grant.CodeStore in one statement: it marks the code
// used, and a replay (the code was used already) is recorded by the same
// row update, so that of two concurrent calls exactly one gets the grant.
func (s *Store) TakeCode(ctx context.Context, hash [sha256.Size]byte) (grant.CodeGrant, error) {
	var (
		g                                          = grant.CodeGrant{Hash: hash}
		org, id, user, redirect, scopes, challenge string
		issued, expires                            *int64
		token                                      *string
		replayed                                   bool
	)
	err := s.pool.QueryRow(ctx, s.sql(`UPDATE {s}.codes SET used = true, replayed = replayed OR used WHERE hash = $1
		RETURNING org, client_id, user_id, redirect_uri, scopes, code_challenge, issued_at_ns, expires_at_ns, token, replayed`),
		hash[:]).Scan(&org, &id, &user, &redirect, &scopes, &challenge, &issued, &expires, &token, &replayed)
	if errors.Is(err, pgx.ErrNoRows) {
		return grant.CodeGrant{}, grant.ErrInvalidCode
	}
	if err != nil {
		return grant.CodeGrant{}, s.fail("taking a code", err)
	}
	g.Org, g.User, g.RedirectURI, g.CodeChallenge = client.OrgID(org), user, redirect, challenge
	g.IssuedAt, g.ExpiresAt = row.Time(issued), row.Time(expires)
	if g.Client, err = client.ParseID(id); err != nil {
		return grant.CodeGrant{}, err
	}
	if g.Scopes, err = row.Scopes(scopes); err != nil {
		return grant.CodeGrant{}, err
	}
	if g.Token, err = row.FromTokenJSON(token); err != nil {
		return grant.CodeGrant{}, err
	}
	if replayed {
		return g, grant.ErrCodeUsed
	}
	return g, nil
}

// SetCodeToken implements grant.CodeStore: the token is recorded only if
// the code was not presented again since it was taken, in one statement.
func (s *Store) SetCodeToken(ctx context.Context, hash [sha256.Size]byte, t grant.Token) error {
	token, err := row.TokenJSON(t)
	if err != nil {
		return err
	}
	var replayed bool
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, s.sql(`UPDATE {s}.codes SET token = $2 WHERE hash = $1 AND NOT replayed`), hash[:], token)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		return tx.QueryRow(ctx, s.sql(`SELECT replayed FROM {s}.codes WHERE hash = $1`), hash[:]).Scan(&replayed)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
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
	err = s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.revoked_tokens (id, until_ns) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET until_ns = greatest({s}.revoked_tokens.until_ns, excluded.until_ns)`), t.ID.String(), ns)
		return []storage.Change{{Kind: storage.TokenRevoked, Token: t.ID, At: time.Unix(0, ns)}}, err
	})
	if err != nil {
		return s.fail("revoking a token", err)
	}
	if s.tokenSweep.Add(1)%sweepEvery == 0 {
		if _, err := s.pool.Exec(ctx, s.sql(`DELETE FROM {s}.revoked_tokens WHERE until_ns <= $1`), now.Add(-grant.MaxClockSkew).UnixNano()); err != nil {
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
	err = s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.revoked_users (org, user_id, at_ns) VALUES ($1, $2, $3)
			ON CONFLICT (org, user_id) DO UPDATE SET at_ns = greatest({s}.revoked_users.at_ns, excluded.at_ns)`), string(org), user, ns)
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
	err = s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.revoked_clients (client_id, at_ns) VALUES ($1, $2)
			ON CONFLICT (client_id) DO UPDATE SET at_ns = greatest({s}.revoked_clients.at_ns, excluded.at_ns)`), id.String(), ns)
		return []storage.Change{{Kind: storage.ClientRevoked, Client: id, At: at}}, err
	})
	if err != nil {
		return s.fail("revoking a client's tokens", err)
	}
	return nil
}

// IsRevoked implements grant.Revocations, with a query: a [Replica]
// answers it from memory.
func (s *Store) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	var id *string
	if t.ID.IsValid() {
		str := t.ID.String()
		id = &str
	}
	var cid *string
	if t.Client.IsValid() {
		str := t.Client.String()
		cid = &str
	}
	issued, err := revocationTime(t.IssuedAt)
	if err != nil {
		return false, err
	}
	var revoked bool
	err = s.pool.QueryRow(ctx, s.sql(`SELECT
		EXISTS (SELECT 1 FROM {s}.revoked_tokens WHERE id = $1)
		OR ($3 <> '' AND EXISTS (SELECT 1 FROM {s}.revoked_users WHERE org = $2 AND user_id = $3 AND $4 <= at_ns))
		OR EXISTS (SELECT 1 FROM {s}.revoked_clients WHERE client_id = $5 AND $4 <= at_ns)`),
		id, string(t.Org), t.User, issued, cid).Scan(&revoked)
	if err != nil {
		return false, s.fail("checking a revocation", err)
	}
	return revoked, nil
}

// Snapshot implements storage.Source: the revocations still kept and
// every client's status, read in one repeatable-read transaction.
func (s *Store) Snapshot(ctx context.Context) (*storage.Snapshot, error) {
	snap := &storage.Snapshot{Statuses: make(map[client.ID]client.Status)}
	cutoff := s.now().Add(-grant.MaxClockSkew).UnixNano()
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, s.sql(`SELECT id, until_ns FROM {s}.revoked_tokens WHERE until_ns > $1`), cutoff)
		var err error
		snap.Tokens, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.RevokedToken, error) {
			var id string
			var until int64
			if err := r.Scan(&id, &until); err != nil {
				return storage.RevokedToken{}, err
			}
			tid, err := grant.ParseTokenID(id)
			return storage.RevokedToken{ID: tid, Until: time.Unix(0, until)}, err
		})
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, s.sql(`SELECT org, user_id, at_ns FROM {s}.revoked_users`))
		snap.Users, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.RevokedUser, error) {
			var u storage.RevokedUser
			var at int64
			err := r.Scan(&u.Org, &u.User, &at)
			u.At = time.Unix(0, at)
			return u, err
		})
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, s.sql(`SELECT client_id, at_ns FROM {s}.revoked_clients`))
		snap.Clients, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.RevokedClient, error) {
			var id string
			var at int64
			if err := r.Scan(&id, &at); err != nil {
				return storage.RevokedClient{}, err
			}
			cid, err := client.ParseID(id)
			return storage.RevokedClient{Client: cid, At: time.Unix(0, at)}, err
		})
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, s.sql(`SELECT id, state, disabled_at_ns FROM {s}.clients`))
		var id string
		var state int16
		var disabled *int64
		_, err = pgx.ForEachRow(rows, []any{&id, &state, &disabled}, func() error {
			cid, err := client.ParseID(id)
			snap.Statuses[cid] = client.Status{State: client.State(state), DisabledAt: row.Time(disabled)}
			return err
		})
		return err
	})
	if err != nil {
		return nil, s.fail("loading a snapshot", err)
	}
	return snap, nil
}
