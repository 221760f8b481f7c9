package client

import (
	"context"
	"errors"

	"github.com/scopegate/scopegate/permission"
)

// PermissionStore serves client-credentials clients' own roles to the
// permission package, next to the grants of users and groups. It
// implements [permission.Store]: for a client subject it returns the
// client's role assignments as grants; for every other subject, and for
// roles, it asks Users.
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

// Grants implements [permission.GrantStore]. A client subject that names
// no stored client has no grants.
func (s PermissionStore) Grants(ctx context.Context, sub permission.Subject) ([]permission.Grant, error) {
	if sub.Kind != permission.ClientSubject {
		return s.Users.Grants(ctx, sub)
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
	return c.Grants(), nil
}

// Groups implements [permission.GrantStore]; clients belong to no group.
func (s PermissionStore) Groups(ctx context.Context, sub permission.Subject) ([]permission.Subject, error) {
	if sub.Kind == permission.ClientSubject {
		return nil, nil
	}
	return s.Users.Groups(ctx, sub)
}

// Role implements [permission.RoleStore].
func (s PermissionStore) Role(ctx context.Context, id permission.RoleID) (permission.Role, error) {
	return s.Users.Role(ctx, id)
}
