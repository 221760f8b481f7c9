package client

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/scopegate/scopegate/internal/uuid"
)

// MemStore is an in-memory [Store] and [AuthorizationStore], for tests,
// examples and small deployments. It is safe for concurrent use. The zero
// MemStore is ready to use.
//
// [MemStore.ClientStatus], which a resource server calls on every request,
// takes no lock: it reads a snapshot of the clients' statuses that every
// change to a client replaces. [MemStore.Version] changes with every
// change to a client, so a [permission.Cache] over a [PermissionStore]
// notices new client roles by itself.
type MemStore struct {
	mu      sync.RWMutex
	clients map[ID]Client
	auths   map[authKey]Authorization
	states  atomic.Pointer[map[uint64][]idStatus] // a snapshot, replaced under mu: see statusKey
	version atomic.Uint64
}

type authKey struct {
	org OrgID
	id  ID
}

var (
	_ Store              = (*MemStore)(nil)
	_ AuthorizationStore = (*MemStore)(nil)
)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{} }

// errNilMemStore is what every method of a nil *MemStore returns: it has
// nowhere to keep anything, and knows no client. It is not ErrNotFound: a
// resource server that asks a nil store for a client's status cannot
// decide, and must not answer as if the client were deleted.
var errNilMemStore = errors.New("client: nil *MemStore: use NewMemStore, or the zero MemStore")

// Client returns a copy of the client with the given ID. An unknown ID
// costs what a known one does (see [Store]): the zero Client is copied
// all the same, and the error is made without formatting.
func (m *MemStore) Client(_ context.Context, id ID) (Client, error) {
	if m == nil {
		return Client{}, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.clients[id]
	c = c.clone()
	if !ok {
		return Client{}, &notFoundError{id}
	}
	return c, nil
}

// A notFoundError wraps ErrNotFound and names the ID, formatting its
// message only when asked.
type notFoundError struct{ id ID }

func (e *notFoundError) Error() string { return ErrNotFound.Error() + ": " + e.id.String() }
func (e *notFoundError) Unwrap() error { return ErrNotFound }

// ClientStatus returns the status of a client without copying it or
// taking a lock: the lookup a resource server makes on every request.
func (m *MemStore) ClientStatus(_ context.Context, id ID) (Status, error) {
	if m == nil {
		return Status{}, errNilMemStore
	}
	if states := m.states.Load(); states != nil {
		for _, e := range (*states)[statusKey(id.u)] {
			if e.u == id.u {
				return e.st, nil
			}
		}
	}
	return Status{}, ErrNotFound
}

// Version returns a number that changes whenever a client is created,
// updated or deleted: see [permission.Versioner].
func (m *MemStore) Version() uint64 {
	if m == nil {
		return 0
	}
	return m.version.Load()
}

// An idStatus is a client's status with its UUID, which the ID's text is
// made from.
type idStatus struct {
	u  uuid.UUID
	st Status
}

// statusKey is the key of a client's status in the snapshot: the first 8
// bytes of its UUID, random in the IDs NewID makes, so that a lookup
// hashes one integer. IDs that share them share a slice, and are told
// apart by the whole UUID.
func statusKey(u uuid.UUID) uint64 {
	return binary.LittleEndian.Uint64(u[:8])
}

// changed publishes a change to the clients, under m.mu: a new snapshot
// of the states, and a new version.
func (m *MemStore) changed() {
	states := make(map[uint64][]idStatus, len(m.clients))
	for id, c := range m.clients {
		k := statusKey(id.u)
		states[k] = append(states[k], idStatus{id.u, c.Status()})
	}
	m.states.Store(&states)
	m.version.Add(1)
}

func (m *MemStore) CreateClient(_ context.Context, c Client) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.clients[c.ID]; ok {
		return fmt.Errorf("%w: %s", ErrExists, c.ID)
	}
	if m.clients == nil {
		m.clients = make(map[ID]Client)
	}
	m.clients[c.ID] = c.clone()
	m.changed()
	return nil
}

func (m *MemStore) UpdateClient(_ context.Context, c Client) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.clients[c.ID]
	switch {
	case !ok:
		return fmt.Errorf("%w: %s", ErrNotFound, c.ID)
	case old.Revision != c.Revision:
		return fmt.Errorf("%w: %s is at revision %d, the update was based on %d", ErrConflict, c.ID, old.Revision, c.Revision)
	}
	c = c.clone()
	c.Revision++
	m.clients[c.ID] = c
	m.changed()
	return nil
}

func (m *MemStore) DeleteClient(_ context.Context, id ID) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.clients[id]; !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	delete(m.clients, id)
	m.changed()
	return nil
}

func (m *MemStore) Authorization(_ context.Context, org OrgID, id ID) (Authorization, error) {
	if m == nil {
		return Authorization{}, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	a, ok := m.auths[authKey{org, id}]
	if !ok {
		return Authorization{}, fmt.Errorf("%w: client %s in org %q", ErrNotAuthorized, id, org)
	}
	return a, nil
}

func (m *MemStore) PutAuthorization(_ context.Context, a Authorization) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.auths == nil {
		m.auths = make(map[authKey]Authorization)
	}
	m.auths[authKey{a.Org, a.Client}] = a
	return nil
}

func (m *MemStore) DeleteAuthorization(_ context.Context, org OrgID, id ID) error {
	if m == nil {
		return errNilMemStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := authKey{org, id}
	if _, ok := m.auths[k]; !ok {
		return fmt.Errorf("%w: client %s in org %q", ErrNotAuthorized, id, org)
	}
	delete(m.auths, k)
	return nil
}

func (m *MemStore) Authorizations(_ context.Context, org OrgID) ([]Authorization, error) {
	if m == nil {
		return nil, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Authorization
	for k, a := range m.auths {
		if k.org == org {
			out = append(out, a)
		}
	}
	return out, nil
}
