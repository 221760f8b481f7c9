package permission

import (
	"fmt"
	"slices"
)

// A RoleID identifies a role.
type RoleID string

// A Role is a named set of permission policies. Policies may use
// [Wildcard] as entity or action.
type Role struct {
	ID          RoleID
	Name        string
	Description string
	Policies    []Permission
}

// Validate checks that r has an ID, a name and valid policies.
func (r Role) Validate() error {
	switch {
	case r.ID == "":
		return fmt.Errorf("%w: role %q has no ID", ErrInvalid, r.Name)
	case r.Name == "":
		return fmt.Errorf("%w: role %q has no name", ErrInvalid, r.ID)
	}
	for i, p := range r.Policies {
		if !p.IsValid() {
			return fmt.Errorf("%w: role %q: policy %d is the zero Permission", ErrInvalid, r.ID, i)
		}
	}
	return nil
}

// A SubjectKind says what a [Subject] is. The zero SubjectKind is invalid.
type SubjectKind uint8

const (
	_ SubjectKind = iota
	// UserSubject is a person.
	UserSubject
	// GroupSubject is a group of users; its grants apply to its members.
	GroupSubject
	// ClientSubject is an OAuth client with the client-credentials grant,
	// which holds roles of its own.
	ClientSubject
)

var kindNames = [...]string{UserSubject: "user", GroupSubject: "group", ClientSubject: "client"}

func (k SubjectKind) String() string {
	if k >= UserSubject && k <= ClientSubject {
		return kindNames[k]
	}
	return fmt.Sprintf("SubjectKind(%d)", uint8(k))
}

// A Subject is who holds roles: a user, a group or an OAuth client. It is
// comparable and fit for a cache key. The zero Subject is invalid.
type Subject struct {
	Kind SubjectKind
	ID   string
}

// User returns the subject of the user with the given ID.
func User(id string) Subject { return Subject{Kind: UserSubject, ID: id} }

// Group returns the subject of the group with the given ID.
func Group(id string) Subject { return Subject{Kind: GroupSubject, ID: id} }

// Client returns the subject of the OAuth client with the given ID.
func Client(id string) Subject { return Subject{Kind: ClientSubject, ID: id} }

// IsValid reports whether s has a known kind and an ID.
func (s Subject) IsValid() bool {
	return s.Kind >= UserSubject && s.Kind <= ClientSubject && s.ID != ""
}

// String returns kind:id, such as user:alice.
func (s Subject) String() string { return s.Kind.String() + ":" + s.ID }

// A Grant gives a subject a role in some divisions, or in all divisions,
// present and future.
type Grant struct {
	Subject      Subject
	Role         RoleID
	Divisions    []DivisionID
	AllDivisions bool
}

// Validate checks that g names a valid subject and a role, and exactly one
// of a non-empty list of divisions or all divisions.
func (g Grant) Validate() error {
	switch {
	case !g.Subject.IsValid():
		return fmt.Errorf("%w: grant of role %q to an invalid subject", ErrInvalid, g.Role)
	case g.Role == "":
		return fmt.Errorf("%w: grant to %s names no role", ErrInvalid, g.Subject)
	case g.AllDivisions && len(g.Divisions) > 0:
		return fmt.Errorf("%w: grant of %q to %s lists divisions and all divisions", ErrInvalid, g.Role, g.Subject)
	case !g.AllDivisions && len(g.Divisions) == 0:
		return fmt.Errorf("%w: grant of %q to %s has no division", ErrInvalid, g.Role, g.Subject)
	case slices.Contains(g.Divisions, ""):
		return fmt.Errorf("%w: grant of %q to %s has an empty division ID", ErrInvalid, g.Role, g.Subject)
	}
	return nil
}
