package grant

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope"
)

// A Consent records the scopes a user allowed a client in an org.
type Consent struct {
	Org       client.OrgID
	Client    client.ID
	User      string
	Scopes    scope.Set
	GrantedAt time.Time
}

// A ConsentStore keeps users' consents.
//
// A store must make AddConsent and DeleteConsent atomic with respect to
// each other: each takes effect at one instant, so that a withdrawal is
// never undone by an approval recorded at the same time. An approval adds
// only the scopes it names, never scopes it read earlier: a store must not
// read the consent and write it back in two steps outside a transaction.
// In SQL, a row per (org, client, user, scope) does it: AddConsent inserts
// c's rows in one statement (ON CONFLICT DO UPDATE of their granted_at),
// Consent reads the rows (GrantedAt is the latest), and DeleteConsent
// deletes them.
type ConsentStore interface {
	// Consent returns the user's consent for the client in the org, or an
	// error wrapping ErrNoConsent.
	Consent(ctx context.Context, org client.OrgID, id client.ID, user string) (Consent, error)
	// AddConsent records that the user consented to c.Scopes for c.Client
	// in c.Org, in one atomic step: the stored scopes become the stored
	// ones ∪ c.Scopes (c.Scopes if none were stored), and GrantedAt
	// becomes c.GrantedAt. A DeleteConsent at the same time comes either
	// before (the consent is then c.Scopes) or after (there is none).
	AddConsent(ctx context.Context, c Consent) error
	// DeleteConsent forgets a consent (the user withdrew it); deleting a
	// consent that does not exist is not an error.
	DeleteConsent(ctx context.Context, org client.OrgID, id client.ID, user string) error
}

// A CodeGrant is what an authorization code stands for. Stores keep it
// under the SHA-256 of the code, never the code itself.
type CodeGrant struct {
	Hash                [sha256.Size]byte
	Org                 client.OrgID
	Client              client.ID
	User                string
	RedirectURI         string
	Scopes              scope.Set
	CodeChallenge       string // S256 challenge, or "" without PKCE
	IssuedAt, ExpiresAt time.Time
	// Token is the token issued for the code, once it is exchanged.
	Token Token
}

// A CodeStore keeps authorization codes.
type CodeStore interface {
	// PutCode stores a new code.
	PutCode(ctx context.Context, g CodeGrant) error
	// TakeCode marks a code used and returns its grant, atomically: of
	// two concurrent calls for one code, one gets the grant and the other
	// an error wrapping ErrCodeUsed, with the grant (so that the token
	// issued for it can be revoked). An unknown code gives an error
	// wrapping ErrInvalidCode. Stores may forget codes after they expire.
	TakeCode(ctx context.Context, hash [sha256.Size]byte) (CodeGrant, error)
	// SetCodeToken records the token issued for a taken code, before the
	// issuer hands the token out. If the code was presented again since
	// it was taken, the replay could not revoke a token it did not know:
	// SetCodeToken then records nothing and returns an error wrapping
	// ErrCodeUsed, and the issuer withholds the token.
	SetCodeToken(ctx context.Context, hash [sha256.Size]byte, t Token) error
}

// Revocations tells whether a token was revoked: the one question a
// [Validator] asks about revocations. Every [RevocationStore] is one.
type Revocations interface {
	// IsRevoked reports whether t was revoked: by its ID, or by a
	// revocation of its user's or its client's tokens at or after its
	// IssuedAt.
	IsRevoked(ctx context.Context, t Token) (bool, error)
}

// A RevocationVersioner is a [Revocations] that can tell when it changed:
// RevocationVersion returns a different number after every revocation
// (and may move at other times). [MemStore] is one. A [Validator] over
// one, and over client statuses that are a permission.Versioner, can
// give a [Pass] that spares a token's next requests the lookups.
type RevocationVersioner interface {
	RevocationVersion() uint64
}

// A RevocationStore keeps revoked tokens. The consumer implements it over
// its database or cache, or uses [MemStore].
type RevocationStore interface {
	Revocations
	// RevokeToken revokes one token, by its ID; a zero ID is refused with
	// an error wrapping ErrInvalidRequest. A store keeps the revocation
	// until MaxClockSkew past t.ExpiresAt (a validator allows at most that
	// much skew) and may forget it then. A token whose expiry is unknown
	// (a zero ExpiresAt: a revocation by ID alone) may live up to
	// client.MaxTokenLifetime from now, so its revocation is kept at least
	// until now + client.MaxTokenLifetime + MaxClockSkew. Revoking a token
	// again never shortens how long it is kept.
	RevokeToken(ctx context.Context, t Token) error
	// RevokeUser revokes every token of the user in the org issued at or
	// before at.
	RevokeUser(ctx context.Context, org client.OrgID, user string, at time.Time) error
	// RevokeClient revokes every token of the client issued at or before
	// at.
	RevokeClient(ctx context.Context, id client.ID, at time.Time) error
}

// A Store keeps everything the [Issuer] and [Validator] need besides
// clients and authorizations.
type Store interface {
	ConsentStore
	CodeStore
	RevocationStore
}
