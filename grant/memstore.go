package grant

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scopegate/scopegate/client"
)

// MemStore is an in-memory [Store], for tests, examples and small
// deployments. It is safe for concurrent use. Expired codes, used or not,
// and revoked tokens more than [MaxClockSkew] past their expiry, are swept
// out as new ones arrive, so memory stays bounded by what is live (for
// revoked tokens, at most about twice what was live at the last sweep).
// Revocations of a user's or a client's tokens are kept, one entry per
// user or client, for the life of the store.
//
// [MemStore.IsRevoked], which a resource server calls on every request,
// takes no lock and allocates nothing: revocations live in concurrent
// maps ([sync.Map]) whose reads are lock-free. A revocation costs O(1)
// amortised, sweeps included.
type MemStore struct {
	mu         sync.RWMutex
	now        func() time.Time
	consents   map[consentKey]Consent
	codes      map[[sha256.Size]byte]*codeEntry
	sweepCodes int

	// Revocations are written under revMu and read without a lock.
	revMu   sync.Mutex
	tokens  sync.Map      // TokenID → time.Time: its expiry, or the latest it can be
	users   sync.Map      // userKey → time.Time: revoked at or before
	clients sync.Map      // client.ID → time.Time: revoked at or before
	kinds   atomic.Uint32 // the kinds of revocation ever stored: revokedTokens | ...
	version atomic.Uint64 // moves after every revocation stored
	// nTokens is how many entries tokens holds; the next sweep comes when
	// it reaches sweepTokensAt.
	nTokens, sweepTokensAt int
}

// Kinds of revocation, bits of MemStore.kinds: IsRevoked skips the maps
// that never held anything.
const (
	revokedTokens uint32 = 1 << iota
	revokedUsers
	revokedClients
)

type consentKey struct {
	org  client.OrgID
	id   client.ID
	user string
}

type userKey struct {
	org  client.OrgID
	user string
}

type codeEntry struct {
	grant    CodeGrant
	used     bool
	replayed bool // presented again after it was taken
}

// sweepEvery is how many insertions pass between sweeps of expired
// codes, and the fewest between sweeps of revoked tokens.
const sweepEvery = 256

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore. now is the clock used to sweep
// expired entries; nil means time.Now, as in the zero MemStore, which is
// ready to use.
func NewMemStore(now func() time.Time) *MemStore { return &MemStore{now: now} }

// errNilMemStore is what every method of a nil *MemStore returns: it has
// nowhere to keep anything, and cannot tell whether a token is revoked.
var errNilMemStore = errors.New("grant: nil *MemStore: use NewMemStore, or the zero MemStore")

// init makes the maps of the zero MemStore; m.mu is held for writing.
func (m *MemStore) init() {
	if m.consents == nil {
		m.consents = make(map[consentKey]Consent)
		m.codes = make(map[[sha256.Size]byte]*codeEntry)
	}
}

// clock returns the time for sweeping.
func (m *MemStore) clock() time.Time {
	if m.now == nil {
		return time.Now()
	}
	return m.now()
}

func (m *MemStore) Consent(_ context.Context, org client.OrgID, id client.ID, user string) (Consent, error) {
	if m == nil {
		return Consent{}, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.consents[consentKey{org, id, user}]
	if !ok {
		return Consent{}, fmt.Errorf("%w: user %q, client %s, org %q", ErrNoConsent, user, id, org)
	}
	return c, nil
}

func (m *MemStore) AddConsent(_ context.Context, c Consent) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	k := consentKey{c.Org, c.Client, c.User}
	if prev, ok := m.consents[k]; ok {
		c.Scopes = prev.Scopes.Union(c.Scopes)
	}
	m.consents[k] = c
	return nil
}

func (m *MemStore) DeleteConsent(_ context.Context, org client.OrgID, id client.ID, user string) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	delete(m.consents, consentKey{org, id, user})
	return nil
}

func (m *MemStore) PutCode(_ context.Context, g CodeGrant) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if _, ok := m.codes[g.Hash]; ok {
		return fmt.Errorf("%w: duplicate code", ErrInvalidRequest)
	}
	if m.sweepCodes++; m.sweepCodes%sweepEvery == 0 {
		now := m.clock()
		for h, e := range m.codes {
			if !now.Before(e.grant.ExpiresAt) {
				delete(m.codes, h)
			}
		}
	}
	m.codes[g.Hash] = &codeEntry{grant: g}
	return nil
}

func (m *MemStore) TakeCode(_ context.Context, hash [sha256.Size]byte) (CodeGrant, error) {
	if m == nil {
		return CodeGrant{}, errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	e, ok := m.codes[hash]
	switch {
	case !ok:
		return CodeGrant{}, ErrInvalidCode
	case e.used:
		e.replayed = true
		return e.grant, ErrCodeUsed
	}
	e.used = true
	return e.grant, nil
}

func (m *MemStore) SetCodeToken(_ context.Context, hash [sha256.Size]byte, t Token) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	e, ok := m.codes[hash]
	switch {
	case !ok:
		return ErrInvalidCode
	case e.replayed:
		return fmt.Errorf("%w: presented again while its token was being issued", ErrCodeUsed)
	}
	e.grant.Token = t
	return nil
}

// RevokeToken revokes t by its ID. A zero ID is refused (ErrInvalidRequest).
// A token whose expiry is unknown (a zero ExpiresAt: revoked by its ID
// alone) may live until client.MaxTokenLifetime from now, so its
// revocation is kept that long, and MaxClockSkew more.
func (m *MemStore) RevokeToken(_ context.Context, t Token) error {
	if m == nil {
		return errNilMemStore
	}
	if !t.ID.IsValid() {
		return fmt.Errorf("%w: revoking a token without an ID", ErrInvalidRequest)
	}
	m.revMu.Lock()
	defer m.revMu.Unlock()
	now := m.clock()
	if m.nTokens >= m.sweepTokensAt {
		m.sweepTokens(now)
	}
	exp := t.ExpiresAt
	if exp.IsZero() {
		exp = now.Add(client.MaxTokenLifetime)
	}
	prev, ok := loadTime(&m.tokens, t.ID)
	switch {
	case !ok:
		m.nTokens++
	case !exp.After(prev):
		return nil // already kept as long
	}
	m.tokens.Store(t.ID, exp)
	m.kinds.Or(revokedTokens)
	m.version.Add(1)
	return nil
}

// sweepTokens forgets the revoked tokens that no validator accepts any
// more, and schedules the next sweep once as many tokens again have been
// added (at least sweepEvery): each sweep's cost is paid for by the
// revocations since the last one. m.revMu is held.
func (m *MemStore) sweepTokens(now time.Time) {
	// A validator with a clock skew accepts a token's times until
	// MaxClockSkew past its expiry, so the revocation stays that long.
	cutoff := now.Add(-MaxClockSkew)
	m.tokens.Range(func(id, exp any) bool {
		if exp, ok := exp.(time.Time); ok && !cutoff.Before(exp) {
			m.tokens.Delete(id)
			m.nTokens--
		}
		return true
	})
	m.sweepTokensAt = m.nTokens + max(m.nTokens, sweepEvery)
}

func (m *MemStore) RevokeUser(_ context.Context, org client.OrgID, user string, at time.Time) error {
	if m == nil {
		return errNilMemStore
	}
	m.revMu.Lock()
	defer m.revMu.Unlock()
	revokeAt(&m.users, userKey{org, user}, at)
	m.kinds.Or(revokedUsers)
	m.version.Add(1)
	return nil
}

func (m *MemStore) RevokeClient(_ context.Context, id client.ID, at time.Time) error {
	if m == nil {
		return errNilMemStore
	}
	m.revMu.Lock()
	defer m.revMu.Unlock()
	revokeAt(&m.clients, id, at)
	m.kinds.Or(revokedClients)
	m.version.Add(1)
	return nil
}

// RevocationVersion returns a number that moves after every revocation:
// see [RevocationVersioner]. Sweeps, which forget only revocations of
// tokens no validator accepts any more, leave it.
func (m *MemStore) RevocationVersion() uint64 {
	if m == nil {
		return 0
	}
	return m.version.Load()
}

// revokeAt records a revocation of the tokens issued at or before at,
// unless a later one is recorded: an earlier revocation does not undo a
// later one. m.revMu is held.
func revokeAt(revoked *sync.Map, key any, at time.Time) {
	if prev, ok := loadTime(revoked, key); ok && !at.After(prev) {
		return
	}
	revoked.Store(key, at)
}

// loadTime returns the time stored under key.
func loadTime(revoked *sync.Map, key any) (time.Time, bool) {
	v, ok := revoked.Load(key)
	if !ok {
		return time.Time{}, false
	}
	at, ok := v.(time.Time)
	return at, ok
}

func (m *MemStore) IsRevoked(_ context.Context, t Token) (bool, error) {
	if m == nil {
		return false, errNilMemStore
	}
	return m.revoked(&t), nil
}

// revoked is IsRevoked for a non-nil m, without copying the token: a
// Validator over a MemStore calls it directly. A store that never held a
// revocation answers in line.
func (m *MemStore) revoked(t *Token) bool {
	kinds := m.kinds.Load()
	return kinds != 0 && m.revokedBy(t, kinds)
}

// revokedBy looks t up in the maps of the kinds of revocation stored.
func (m *MemStore) revokedBy(t *Token, kinds uint32) bool {
	if kinds&revokedTokens != 0 {
		if _, ok := m.tokens.Load(t.ID); ok {
			return true
		}
	}
	if kinds&revokedUsers != 0 && t.User != "" {
		if at, ok := loadTime(&m.users, userKey{t.Org, t.User}); ok && !t.IssuedAt.After(at) {
			return true
		}
	}
	if kinds&revokedClients != 0 {
		if at, ok := loadTime(&m.clients, t.Client); ok && !t.IssuedAt.After(at) {
			return true
		}
	}
	return false
}
