package permission

import "context"

// An OrgID identifies an organization: the tenant that owns users, groups,
// roles, divisions and grants. Orgs are walls: a store answers every
// question for one org, and nothing of one org counts in another.
type OrgID string

// A GrantStore looks up who holds which roles in an org. Implement it over
// your directory, or use [MemStore].
type GrantStore interface {
	// Grants returns the grants held directly by s in org (not through
	// its groups). A subject without grants there has none: return nil,
	// not an error. Grants of other orgs are never returned.
	Grants(ctx context.Context, org OrgID, s Subject) ([]Grant, error)
	// Groups returns the groups of org the user s belongs to; nil for
	// subjects that are not users or belong to no group.
	Groups(ctx context.Context, org OrgID, s Subject) ([]Subject, error)
}

// A RoleStore looks up an org's roles. Role IDs are scoped to their org:
// asked for a role of another org, a store answers ErrRoleNotFound.
type RoleStore interface {
	// Role returns org's role with the given ID, or an error wrapping
	// ErrRoleNotFound.
	Role(ctx context.Context, org OrgID, id RoleID) (Role, error)
}

// A DivisionStore looks up an org's divisions. "All divisions" in a grant
// means these, and no other org's.
type DivisionStore interface {
	// Divisions returns the org's divisions, or an error wrapping
	// ErrUnknownOrg for an org the store does not know. The result is
	// immutable and may be shared.
	Divisions(ctx context.Context, org OrgID) (*Divisions, error)
}

// A MemberStore tells which users belong to an org. User IDs are unique
// across orgs, as Genesys Cloud's UUIDs are, so that a user named in a
// request can be checked against the org named beside it.
type MemberStore interface {
	// IsMember reports whether the user belongs to org.
	IsMember(ctx context.Context, org OrgID, user string) (bool, error)
}

// A Store is what [Compile] needs: an org's grants, roles and divisions.
type Store interface {
	GrantStore
	RoleStore
	DivisionStore
}
