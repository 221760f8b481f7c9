package permission

import "context"

// A GrantStore looks up who holds which roles. Implement it over your
// directory, or use [MemStore].
type GrantStore interface {
	// Grants returns the grants held directly by s (not through its
	// groups). A subject without grants has none: return nil, not an
	// error.
	Grants(ctx context.Context, s Subject) ([]Grant, error)
	// Groups returns the groups the user s belongs to; nil for subjects
	// that are not users or belong to no group.
	Groups(ctx context.Context, s Subject) ([]Subject, error)
}

// A RoleStore looks up roles.
type RoleStore interface {
	// Role returns the role with the given ID, or an error wrapping
	// ErrRoleNotFound.
	Role(ctx context.Context, id RoleID) (Role, error)
}

// A Store is what [Compile] needs: grants and roles.
type Store interface {
	GrantStore
	RoleStore
}
