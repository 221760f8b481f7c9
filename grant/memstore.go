package grant

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scopegate/scopegate/client"
)

// MemStore is an in-memory [Store], for tests, examples and small
// deployments. It is safe for concurrent use. Expired codes, used or not,
// and revoked tokens more than [MaxClockSkew] past their expiry, are swept
// out as new ones arrive, so memory stays bounded by what is live.
//
// [MemStore.IsRevoked], which a resource server calls on every request,
// takes no lock: it reads a snapshot of the revocations that each
// revocation replaces, at a cost that grows with the number of live
// revocations.
type MemStore struct {
	mu          sync.RWMutex
	now         func() time.Time
	consents    map[consentKey]Consent
	codes       map[[sha256.Size]byte]*codeEntry
	revoked     atomic.Pointer[revocations] // replaced, never changed, under mu
	sweepCodes  int
	sweepTokens int
}

// revocations is a snapshot of what was revoked. Its maps are never
// changed once it is published.
type revocations struct {
	tokens  map[TokenID]time.Time // revoked token → its expiry
	users   map[userKey]time.Time // revoked at or before
	clients map[client.ID]time.Time
}

// revocationsForChange returns a copy of the current snapshot for a
// change; m.mu is held for writing.
func (m *MemStore) revocationsForChange() *revocations {
	r := &revocations{}
	if old := m.revoked.Load(); old != nil {
		*r = *old
	}
	return r
}

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
// entries.
const sweepEvery = 256

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore. now is the clock used to sweep
// expired entries; nil means time.Now, as in the zero MemStore, which is
// ready to use.
func NewMemStore(now func() time.Time) *MemStore { return &MemStore{now: now} }

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
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.consents[consentKey{org, id, user}]
	if !ok {
		return Consent{}, fmt.Errorf("%w: user %q, client %s, org %q", ErrNoConsent, user, id, org)
	}
	return c, nil
}

func (m *MemStore) PutConsent(_ context.Context, c Consent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	m.consents[consentKey{c.Org, c.Client, c.User}] = c
	return nil
}

func (m *MemStore) DeleteConsent(_ context.Context, org client.OrgID, id client.ID, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	delete(m.consents, consentKey{org, id, user})
	return nil
}

func (m *MemStore) PutCode(_ context.Context, g CodeGrant) error {
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

func (m *MemStore) RevokeToken(_ context.Context, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.revocationsForChange()
	r.tokens = maps.Clone(r.tokens)
	if r.tokens == nil {
		r.tokens = make(map[TokenID]time.Time)
	}
	if m.sweepTokens++; m.sweepTokens%sweepEvery == 0 {
		// A validator with a clock skew accepts a token's times until
		// MaxClockSkew past its expiry, so the revocation stays that long.
		cutoff := m.clock().Add(-MaxClockSkew)
		for id, exp := range r.tokens {
			if !cutoff.Before(exp) {
				delete(r.tokens, id)
			}
		}
	}
	r.tokens[t.ID] = t.ExpiresAt
	m.revoked.Store(r)
	return nil
}

func (m *MemStore) RevokeUser(_ context.Context, org client.OrgID, user string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := userKey{org, user}
	if prev, ok := m.revokedAt(k); ok && !at.After(prev) {
		return nil
	}
	r := m.revocationsForChange()
	r.users = maps.Clone(r.users)
	if r.users == nil {
		r.users = make(map[userKey]time.Time)
	}
	r.users[k] = at
	m.revoked.Store(r)
	return nil
}

func (m *MemStore) revokedAt(k userKey) (time.Time, bool) {
	if r := m.revoked.Load(); r != nil {
		at, ok := r.users[k]
		return at, ok
	}
	return time.Time{}, false
}

func (m *MemStore) RevokeClient(_ context.Context, id client.ID, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.revoked.Load(); r != nil {
		if prev, ok := r.clients[id]; ok && !at.After(prev) {
			return nil
		}
	}
	r := m.revocationsForChange()
	r.clients = maps.Clone(r.clients)
	if r.clients == nil {
		r.clients = make(map[client.ID]time.Time)
	}
	r.clients[id] = at
	m.revoked.Store(r)
	return nil
}

func (m *MemStore) IsRevoked(_ context.Context, t Token) (bool, error) {
	r := m.revoked.Load()
	if r == nil {
		return false, nil
	}
	if len(r.tokens) > 0 {
		if _, ok := r.tokens[t.ID]; ok {
			return true, nil
		}
	}
	if len(r.users) > 0 && t.User != "" {
		if at, ok := r.users[userKey{t.Org, t.User}]; ok && !t.IssuedAt.After(at) {
			return true, nil
		}
	}
	if len(r.clients) > 0 {
		if at, ok := r.clients[t.Client]; ok && !t.IssuedAt.After(at) {
			return true, nil
		}
	}
	return false, nil
}
