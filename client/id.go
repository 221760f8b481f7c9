package client

import (
	"fmt"

	"github.com/scopegate/scopegate/internal/uuid"
	"github.com/scopegate/scopegate/permission"
)

// An ID identifies a client: a random UUID, written
// nnnnnnnn-nnnn-nnnn-nnnn-nnnnnnnnnnnn in hexadecimal. IDs are comparable
// values; the zero ID is invalid.
type ID struct {
	u uuid.UUID
	s string // u's canonical text, kept so that String never allocates
}

func newID(u uuid.UUID) ID { return ID{u: u, s: u.String()} }

// NewID returns a new random client ID.
func NewID() ID { return newID(uuid.New()) }

// ParseID parses a client ID in the 8-4-4-4-12 hexadecimal form, in either
// case, as an admin pastes it.
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return ID{}, fmt.Errorf("%w: client ID %q: %v", ErrSyntax, clip(s), err)
	}
	return newID(u), nil
}

// MustParseID is like [ParseID] but panics on error; for tests and
// constants.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the lower-case 8-4-4-4-12 form, or "" for the zero ID.
func (id ID) String() string { return id.s }

// IsValid reports whether id is not the zero ID.
func (id ID) IsValid() bool { return id.u != uuid.UUID{} }

// MarshalText implements [encoding.TextMarshaler]. The zero ID does not
// marshal.
func (id ID) MarshalText() ([]byte, error) {
	if !id.IsValid() {
		return nil, fmt.Errorf("%w: zero client ID", ErrSyntax)
	}
	return []byte(id.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseID].
func (id *ID) UnmarshalText(text []byte) error {
	v, err := ParseID(string(text))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// An OrgID identifies an organization: the tenant that registers clients,
// authorizes them, and owns users, roles and divisions. It is
// [permission.OrgID], under the name this package's API uses.
type OrgID = permission.OrgID

// clip shortens untrusted input quoted in an error message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
