package permission

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// MemStore is an in-memory [Store] of roles, grants and group members, for
// tests, examples and small deployments. It is safe for concurrent use.
// Every change increments [MemStore.Version], which a [Cache] watches. The
// zero MemStore is empty and ready to use.
type MemStore struct {
	mu      sync.RWMutex
	roles   map[RoleID]Role
	grants  map[Subject][]Grant
	groups  map[Subject][]Subject // user → groups
	version atomic.Uint64
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{roles: make(map[RoleID]Role), grants: make(map[Subject][]Grant), groups: make(map[Subject][]Subject)}
}

// Version returns a number that changes whenever the store does.
func (m *MemStore) Version() uint64 { return m.version.Load() }

// PutRole adds a role, or replaces the one with the same ID.
func (m *MemStore) PutRole(r Role) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Policies = slices.Clone(r.Policies)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.roles == nil {
		m.roles = make(map[RoleID]Role)
	}
	m.roles[r.ID] = r
	m.version.Add(1)
	return nil
}

// DeleteRole removes a role and every grant of it.
func (m *MemStore) DeleteRole(id RoleID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.roles[id]; !ok {
		return fmt.Errorf("%w: %q", ErrRoleNotFound, id)
	}
	delete(m.roles, id)
	for s, gs := range m.grants {
		m.grants[s] = slices.DeleteFunc(gs, func(g Grant) bool { return g.Role == id })
	}
	m.version.Add(1)
	return nil
}

// AddGrant gives a subject a role in some divisions, or in all. If the
// subject already holds the role, the divisions add up. The role must
// exist.
func (m *MemStore) AddGrant(g Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.roles[g.Role]; !ok {
		return fmt.Errorf("%w: %q", ErrRoleNotFound, g.Role)
	}
	if m.grants == nil {
		m.grants = make(map[Subject][]Grant)
	}
	gs := m.grants[g.Subject]
	i := slices.IndexFunc(gs, func(x Grant) bool { return x.Role == g.Role })
	switch {
	case i < 0:
		g.Divisions = slices.Clone(g.Divisions)
		m.grants[g.Subject] = append(gs, g)
	case g.AllDivisions || gs[i].AllDivisions:
		gs[i] = Grant{Subject: g.Subject, Role: g.Role, AllDivisions: true}
	default:
		divs := append(slices.Clone(gs[i].Divisions), g.Divisions...)
		slices.Sort(divs)
		gs[i].Divisions = slices.Compact(divs)
	}
	m.version.Add(1)
	return nil
}

// RemoveGrant takes a role away from a subject; it is not an error if the
// subject did not hold it.
func (m *MemStore) RemoveGrant(s Subject, role RoleID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gs := slices.DeleteFunc(m.grants[s], func(g Grant) bool { return g.Role == role }); len(gs) > 0 {
		m.grants[s] = gs
	} else {
		delete(m.grants, s)
	}
	m.version.Add(1)
	return nil
}

// AddMember puts a user in a group; the group's grants then apply to the
// user.
func (m *MemStore) AddMember(group, user Subject) error {
	if group.Kind != GroupSubject || !group.IsValid() || user.Kind != UserSubject || !user.IsValid() {
		return fmt.Errorf("%w: %s cannot be a member of %s", ErrInvalid, user, group)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.groups == nil {
		m.groups = make(map[Subject][]Subject)
	}
	if !slices.Contains(m.groups[user], group) {
		m.groups[user] = append(m.groups[user], group)
	}
	m.version.Add(1)
	return nil
}

// RemoveMember takes a user out of a group.
func (m *MemStore) RemoveMember(group, user Subject) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gs := slices.DeleteFunc(m.groups[user], func(g Subject) bool { return g == group }); len(gs) > 0 {
		m.groups[user] = gs
	} else {
		delete(m.groups, user)
	}
	m.version.Add(1)
	return nil
}

// Grants implements [GrantStore].
func (m *MemStore) Grants(_ context.Context, s Subject) ([]Grant, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := slices.Clone(m.grants[s])
	for i := range out {
		out[i].Divisions = slices.Clone(out[i].Divisions)
	}
	return out, nil
}

// Groups implements [GrantStore].
func (m *MemStore) Groups(_ context.Context, s Subject) ([]Subject, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.groups[s]), nil
}

// Role implements [RoleStore].
func (m *MemStore) Role(_ context.Context, id RoleID) (Role, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.roles[id]
	if !ok {
		return Role{}, fmt.Errorf("%w: %q", ErrRoleNotFound, id)
	}
	r.Policies = slices.Clone(r.Policies)
	return r, nil
}
