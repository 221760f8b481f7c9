package client

import "context"

// A Store keeps clients. The [Registry] uses it; implement it over your
// database, or use [MemStore].
type Store interface {
	// Client returns the client with the given ID, or an error wrapping
	// ErrNotFound. It should take as long for an unknown ID as for a
	// known one: [Registry.Authenticate] takes as long as it does, and
	// would otherwise tell which client IDs exist. Formatting the error's
	// message (fmt.Errorf) costs more than copying a client: make the
	// error without it, as [MemStore] does.
	Client(ctx context.Context, id ID) (Client, error)
	// CreateClient stores a new client, or returns an error wrapping
	// ErrExists if its ID is taken.
	CreateClient(ctx context.Context, c Client) error
	// UpdateClient replaces a stored client. It returns an error wrapping
	// ErrNotFound if there is none, and one wrapping ErrConflict if the
	// stored client's Revision differs from c.Revision (someone changed it
	// since c was read). On success the store's copy has Revision
	// c.Revision+1.
	UpdateClient(ctx context.Context, c Client) error
	// DeleteClient removes a client, or returns an error wrapping
	// ErrNotFound.
	DeleteClient(ctx context.Context, id ID) error
}

// An AuthorizationStore keeps orgs' authorizations of clients.
type AuthorizationStore interface {
	// Authorization returns the org's authorization of the client, or an
	// error wrapping ErrNotAuthorized.
	Authorization(ctx context.Context, org OrgID, id ID) (Authorization, error)
	// PutAuthorization stores an authorization, replacing the org's
	// earlier one for the same client.
	PutAuthorization(ctx context.Context, a Authorization) error
	// DeleteAuthorization removes the org's authorization of the client,
	// or returns an error wrapping ErrNotAuthorized.
	DeleteAuthorization(ctx context.Context, org OrgID, id ID) error
	// Authorizations lists the org's authorizations, in any order.
	Authorizations(ctx context.Context, org OrgID) ([]Authorization, error)
}
