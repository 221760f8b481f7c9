package client

import (
	"context"
	"errors"

	"github.com/scopegate/scopegate/permission"
)

// PermissionStore serves client-credentials clients' own roles to the
// permission package, next to the grants of users and groups. It
// implements [permission.Store]: for a client subject it returns the
// client's role assignments as grants, in the client's own org only; for
// every other subject, and for roles and divisions, it asks Users. A
// PermissionStore without both stores answers every call with an error.
type PermissionStore struct {
	// Users holds the grants of users and groups, and the roles.
	Users permission.Store
	// Clients holds the clients.
	Clients Store
}

var (
	_ permission.Store     = PermissionStore{}
	_ permission.Versioner = PermissionStore{}
)

// Version implements [permission.Versioner], so that a [permission.Cache]
// over the store notices changes by itself: it adds up the versions of
// Users and Clients, each of them that is a Versioner (as
// [permission.MemStore] and [MemStore] are). Changes to a store that is
// not a Versioner still need [permission.Cache.Invalidate].
func (s PermissionStore) Version() uint64 {
	var v uint64
	if u, ok := s.Users.(permission.Versioner); ok {
		v += u.Version()
	}
	if c, ok := s.Clients.(permission.Versioner); ok {
		v += c.Version()
	}
	return v
}

// errNoStores is what a PermissionStore without its stores answers.
var errNoStores = errors.New("client: PermissionStore needs both its Users and Clients stores")

// Grants implements [permission.GrantStore]. A client subject that names
// no stored client, or a client of another org, has no grants in org.
func (s PermissionStore) Grants(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Grant, error) {
	if s.Users == nil || s.Clients == nil {
		return nil, errNoStores
	}
	if sub.Kind != permission.ClientSubject {
		return s.Users.Grants(ctx, org, sub)
	}
	id, err := ParseID(sub.ID)
	if err != nil {
		return nil, nil
	}
	c, err := s.Clients.Client(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.Org != org {
		return nil, nil // a client acts with its roles only in its own org
	}
	return c.Grants(), nil
}

// Groups implements [permission.GrantStore]; clients belong to no group.
func (s PermissionStore) Groups(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Subject, error) {
	switch {
	case s.Users == nil:
		return nil, errNoStores
	case sub.Kind == permission.ClientSubject:
		return nil, nil
	}
	return s.Users.Groups(ctx, org, sub)
}

// Role implements [permission.RoleStore].
func (s PermissionStore) Role(ctx context.Context, org permission.OrgID, id permission.RoleID) (permission.Role, error) {
	if s.Users == nil {
		return permission.Role{}, errNoStores
	}
	return s.Users.Role(ctx, org, id)
}

// Divisions implements [permission.DivisionStore].
func (s PermissionStore) Divisions(ctx context.Context, org permission.OrgID) (*permission.Divisions, error) {
	if s.Users == nil {
		return nil, errNoStores
	}
	return s.Users.Divisions(ctx, org)
}
