package permission

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// MemStore is an in-memory [Store] and [MemberStore] of orgs' divisions,
// members, roles, grants and groups, for tests, examples and small
// deployments. Every org is a wall: its roles, grants and groups are kept
// apart from every other org's, and role IDs are scoped to their org. It
// is safe for concurrent use. Every change increments [MemStore.Version],
// which a [Cache] watches. The zero MemStore is empty and ready to use.
type MemStore struct {
	mu        sync.RWMutex
	divisions map[OrgID]*Divisions
	members   map[memberKey]bool
	roles     map[roleKey]Role
	grants    map[subjectKey][]Grant
	groups    map[subjectKey][]Subject // user → groups
	version   atomic.Uint64
}

type memberKey struct {
	org  OrgID
	user string
}

type roleKey struct {
	org OrgID
	id  RoleID
}

type subjectKey struct {
	org OrgID
	s   Subject
}

var (
	_ Store       = (*MemStore)(nil)
	_ MemberStore = (*MemStore)(nil)
	_ Versioner   = (*MemStore)(nil)
)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{} }

// errNilMemStore is what every method of a nil *MemStore returns: it has
// nowhere to keep anything, and knows nothing.
var errNilMemStore = fmt.Errorf("%w: nil *MemStore (use NewMemStore, or the zero MemStore)", ErrInvalid)

// Version returns a number that changes whenever the store does; 0 for a
// nil store.
func (m *MemStore) Version() uint64 {
	if m == nil {
		return 0
	}
	return m.version.Load()
}

// lock takes the write lock and makes the maps of the zero MemStore.
func (m *MemStore) lock() {
	m.mu.Lock()
	if m.divisions == nil {
		m.divisions = make(map[OrgID]*Divisions)
		m.members = make(map[memberKey]bool)
		m.roles = make(map[roleKey]Role)
		m.grants = make(map[subjectKey][]Grant)
		m.groups = make(map[subjectKey][]Subject)
	}
}

// changed publishes a change and releases the write lock.
func (m *MemStore) changed() {
	m.version.Add(1)
	m.mu.Unlock()
}

// knownOrg reports, under the lock, an error for an org without divisions.
func (m *MemStore) knownOrg(org OrgID) error {
	if m.divisions[org] == nil {
		return fmt.Errorf("%w: %q (put its divisions first)", ErrUnknownOrg, org)
	}
	return nil
}

// PutDivisions makes org known with its divisions, or replaces them. A
// grant in a division the org no longer has grants nothing.
func (m *MemStore) PutDivisions(org OrgID, d *Divisions) error {
	if m == nil {
		return errNilMemStore
	}
	if org == "" || d == nil || d.home < 0 {
		return fmt.Errorf("%w: an org needs an ID and divisions made by NewDivisions", ErrInvalid)
	}
	m.lock()
	defer m.changed()
	m.divisions[org] = d
	return nil
}

// AddUser makes user a member of org.
func (m *MemStore) AddUser(org OrgID, user string) error {
	if m == nil {
		return errNilMemStore
	}
	if user == "" {
		return fmt.Errorf("%w: empty user ID", ErrInvalid)
	}
	m.lock()
	defer m.changed()
	if err := m.knownOrg(org); err != nil {
		return err
	}
	m.members[memberKey{org, user}] = true
	return nil
}

// RemoveUser takes user out of org, with its grants and group
// memberships there.
func (m *MemStore) RemoveUser(org OrgID, user string) error {
	if m == nil {
		return errNilMemStore
	}
	m.lock()
	defer m.changed()
	delete(m.members, memberKey{org, user})
	delete(m.grants, subjectKey{org, User(user)})
	delete(m.groups, subjectKey{org, User(user)})
	return nil
}

// PutRole adds a role to org, or replaces the org's role with the same ID.
func (m *MemStore) PutRole(org OrgID, r Role) error {
	if m == nil {
		return errNilMemStore
	}
	if err := r.Validate(); err != nil {
		return err
	}
	r.Policies = slices.Clone(r.Policies)
	m.lock()
	defer m.changed()
	if err := m.knownOrg(org); err != nil {
		return err
	}
	m.roles[roleKey{org, r.ID}] = r
	return nil
}

// DeleteRole removes a role of org and every grant of it.
func (m *MemStore) DeleteRole(org OrgID, id RoleID) error {
	if m == nil {
		return errNilMemStore
	}
	m.lock()
	defer m.changed()
	if _, ok := m.roles[roleKey{org, id}]; !ok {
		return fmt.Errorf("%w: %q in org %q", ErrRoleNotFound, id, org)
	}
	delete(m.roles, roleKey{org, id})
	for k, gs := range m.grants {
		if k.org == org {
			m.grants[k] = slices.DeleteFunc(gs, func(g Grant) bool { return g.Role == id })
		}
	}
	return nil
}

// AddGrant gives a subject a role of org in some of the org's divisions,
// or in all. If the subject already holds the role, the divisions add up.
// The role and the divisions must be the org's.
func (m *MemStore) AddGrant(org OrgID, g Grant) error {
	if m == nil {
		return errNilMemStore
	}
	if err := g.Validate(); err != nil {
		return err
	}
	m.lock()
	defer m.changed()
	if err := m.knownOrg(org); err != nil {
		return err
	}
	if _, ok := m.roles[roleKey{org, g.Role}]; !ok {
		return fmt.Errorf("%w: %q in org %q", ErrRoleNotFound, g.Role, org)
	}
	for _, d := range g.Divisions {
		if _, ok := m.divisions[org].Lookup(d); !ok {
			return fmt.Errorf("%w: org %q has no division %q", ErrInvalid, org, d)
		}
	}
	k := subjectKey{org, g.Subject}
	gs := m.grants[k]
	i := slices.IndexFunc(gs, func(x Grant) bool { return x.Role == g.Role })
	switch {
	case i < 0:
		g.Divisions = slices.Clone(g.Divisions)
		m.grants[k] = append(gs, g)
	case g.AllDivisions || gs[i].AllDivisions:
		gs[i] = Grant{Subject: g.Subject, Role: g.Role, AllDivisions: true}
	default:
		divs := append(slices.Clone(gs[i].Divisions), g.Divisions...)
		slices.Sort(divs)
		gs[i].Divisions = slices.Compact(divs)
	}
	return nil
}

// RemoveGrant takes a role of org away from a subject; it is not an error
// if the subject did not hold it.
func (m *MemStore) RemoveGrant(org OrgID, s Subject, role RoleID) error {
	if m == nil {
		return errNilMemStore
	}
	m.lock()
	defer m.changed()
	k := subjectKey{org, s}
	if gs := slices.DeleteFunc(m.grants[k], func(g Grant) bool { return g.Role == role }); len(gs) > 0 {
		m.grants[k] = gs
	} else {
		delete(m.grants, k)
	}
	return nil
}

// AddMember puts a user in a group of org; the group's grants then apply
// to the user.
func (m *MemStore) AddMember(org OrgID, group, user Subject) error {
	if m == nil {
		return errNilMemStore
	}
	if group.Kind != GroupSubject || !group.IsValid() || user.Kind != UserSubject || !user.IsValid() {
		return fmt.Errorf("%w: %s cannot be a member of %s", ErrInvalid, user, group)
	}
	m.lock()
	defer m.changed()
	if err := m.knownOrg(org); err != nil {
		return err
	}
	k := subjectKey{org, user}
	if !slices.Contains(m.groups[k], group) {
		m.groups[k] = append(m.groups[k], group)
	}
	return nil
}

// RemoveMember takes a user out of a group of org.
func (m *MemStore) RemoveMember(org OrgID, group, user Subject) error {
	if m == nil {
		return errNilMemStore
	}
	m.lock()
	defer m.changed()
	k := subjectKey{org, user}
	if gs := slices.DeleteFunc(m.groups[k], func(g Subject) bool { return g == group }); len(gs) > 0 {
		m.groups[k] = gs
	} else {
		delete(m.groups, k)
	}
	return nil
}

// Grants implements [GrantStore].
func (m *MemStore) Grants(_ context.Context, org OrgID, s Subject) ([]Grant, error) {
	if m == nil {
		return nil, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := slices.Clone(m.grants[subjectKey{org, s}])
	for i := range out {
		out[i].Divisions = slices.Clone(out[i].Divisions)
	}
	return out, nil
}

// Groups implements [GrantStore].
func (m *MemStore) Groups(_ context.Context, org OrgID, s Subject) ([]Subject, error) {
	if m == nil {
		return nil, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.groups[subjectKey{org, s}]), nil
}

// Role implements [RoleStore].
func (m *MemStore) Role(_ context.Context, org OrgID, id RoleID) (Role, error) {
	if m == nil {
		return Role{}, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.roles[roleKey{org, id}]
	if !ok {
		return Role{}, fmt.Errorf("%w: %q in org %q", ErrRoleNotFound, id, org)
	}
	r.Policies = slices.Clone(r.Policies)
	return r, nil
}

// Divisions implements [DivisionStore].
func (m *MemStore) Divisions(_ context.Context, org OrgID) (*Divisions, error) {
	if m == nil {
		return nil, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	d := m.divisions[org]
	if d == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownOrg, org)
	}
	return d, nil
}

// IsMember implements [MemberStore].
func (m *MemStore) IsMember(_ context.Context, org OrgID, user string) (bool, error) {
	if m == nil {
		return false, errNilMemStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.members[memberKey{org, user}], nil
}
