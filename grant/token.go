package grant

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/internal/uuid"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A TokenID identifies one token, for revocation. The zero TokenID is
// invalid.
type TokenID struct {
	u uuid.UUID
}

// NewTokenID returns a random token ID.
func NewTokenID() TokenID { return TokenID{uuid.New()} }

// ParseTokenID parses the 8-4-4-4-12 hexadecimal form.
func ParseTokenID(s string) (TokenID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return TokenID{}, fmt.Errorf("%w: token ID: %v", ErrInvalidRequest, err)
	}
	return TokenID{u}, nil
}

// String returns the 8-4-4-4-12 form, or "" for the zero TokenID.
func (id TokenID) String() string {
	if !id.IsValid() {
		return ""
	}
	return id.u.String()
}

// IsValid reports whether id is not the zero TokenID.
func (id TokenID) IsValid() bool { return id.u != uuid.UUID{} }

// MarshalText implements [encoding.TextMarshaler].
func (id TokenID) MarshalText() ([]byte, error) {
	if !id.IsValid() {
		return nil, fmt.Errorf("%w: zero token ID", ErrInvalidRequest)
	}
	return []byte(id.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (id *TokenID) UnmarshalText(text []byte) error {
	v, err := ParseTokenID(string(text))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// A Token is what an access token stands for: its claims. How it travels
// (an opaque string looked up in a database, a signed JWT, ...) is the
// consumer's choice; the library only needs these fields back.
//
// A Token holds no secret, but the bearer string that carries it is one:
// never log that.
type Token struct {
	ID        TokenID
	Client    client.ID
	Org       client.OrgID
	GrantType client.GrantType
	// User is the user the token acts for; "" for client credentials.
	User string
	// Scopes are the token's effective scopes; empty for client
	// credentials, whose access comes from the client's own roles.
	Scopes    scope.Set
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Subject returns who the token's permissions are checked for: its user,
// or for a client-credentials token (and a token without a user) the
// client itself. A client-credentials token never acts for a user, even
// if one is named in it.
func (t Token) Subject() permission.Subject {
	if !t.HasUser() {
		return permission.Client(t.Client.String())
	}
	return permission.User(t.User)
}

// HasUser reports whether the token acts for a user: it names one, and it
// is not a client-credentials token.
func (t Token) HasUser() bool { return t.User != "" && t.GrantType != client.ClientCredentials }

// CheckClaims reports, with an error wrapping [ErrMalformed], whether the
// token's claims do not fit together: it needs an ID, a client, an org
// and a valid grant type; a user exactly when the grant type acts for one;
// no scopes for client credentials; and an expiry after its issue time,
// at most [client.MaxTokenLifetime] later. The issuer never makes such a
// token, so one that fails came from somewhere else. It does no I/O.
func (t Token) CheckClaims() error {
	if p := t.claimsProblem(); p != claimsOK {
		return fmt.Errorf("%w: %s", ErrMalformed, t.describe(p))
	}
	return nil
}

// A claimsProblem is what CheckClaims finds wrong, without the words, so
// that Validator.Check can refuse a token without allocating.
type claimsProblem uint8

const (
	claimsOK claimsProblem = iota
	noID
	noClient
	noOrg
	noGrantType
	noUser
	unwantedUser
	unwantedScopes
	expiresBeforeIssued
	livesTooLong
)

func (t *Token) claimsProblem() claimsProblem {
	if p := t.fieldsProblem(); p != claimsOK {
		return p
	}
	return lifeProblem(instantOf(t.IssuedAt), instantOf(t.ExpiresAt))
}

// fieldsProblem is claimsProblem without the times.
func (t *Token) fieldsProblem() claimsProblem {
	switch {
	case !t.ID.IsValid():
		return noID
	case !t.Client.IsValid():
		return noClient
	case t.Org == "":
		return noOrg
	case !t.GrantType.IsValid():
		return noGrantType
	case t.GrantType.NeedsUser() && t.User == "":
		return noUser
	case !t.GrantType.NeedsUser() && t.User != "":
		return unwantedUser
	case !t.GrantType.UsesScopes() && !t.Scopes.IsEmpty():
		return unwantedScopes
	}
	return claimsOK
}

// lifeProblem is claimsProblem's look at the times: the token expires
// after it is issued, and at most client.MaxTokenLifetime later.
func lifeProblem(iat, exp instant) claimsProblem {
	// The lifetime is whole seconds: in seconds and nanoseconds, a
	// difference that overflows is negative, and more than the most.
	const most = int64(client.MaxTokenLifetime / time.Second)
	const _ = uint(-(client.MaxTokenLifetime % time.Second)) // whole seconds, or this fails to compile
	switch diff := exp.sec - iat.sec; {
	case !iat.before(exp):
		return expiresBeforeIssued
	case diff < 0 || diff > most || diff == most && exp.nsec > iat.nsec:
		return livesTooLong
	}
	return claimsOK
}

func (t Token) describe(p claimsProblem) string {
	switch p {
	case noID:
		return "no token ID"
	case noClient:
		return "no client"
	case noOrg:
		return "no org"
	case noGrantType:
		return "no grant type"
	case noUser:
		return fmt.Sprintf("a %s token without a user", t.GrantType)
	case unwantedUser:
		return fmt.Sprintf("a %s token that names a user", t.GrantType)
	case unwantedScopes:
		return fmt.Sprintf("a %s token with scopes", t.GrantType)
	case expiresBeforeIssued:
		return "expires no later than it was issued"
	case livesTooLong:
		return fmt.Sprintf("lives longer than %v", client.MaxTokenLifetime)
	}
	return "claims are fine"
}

// CheckTime reports whether the token is valid at now, allowing skew for
// clocks that disagree: it is not yet valid before IssuedAt-skew
// ([ErrNotYetValid]) and expired from ExpiresAt+skew on ([ErrExpired]). It
// does no I/O: the [Validator] adds revocation and the client's state.
func (t Token) CheckTime(now time.Time, skew time.Duration) error {
	switch t.timeProblem(now, skew) {
	case ErrNotYetValid:
		return fmt.Errorf("%w: issued at %s, now %s", ErrNotYetValid, t.IssuedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case ErrExpired:
		return fmt.Errorf("%w: at %s", ErrExpired, t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// timeProblem is CheckTime without the words: ErrNotYetValid, ErrExpired
// or nil.
func (t *Token) timeProblem(now time.Time, skew time.Duration) error {
	if skew == 0 { // the usual case, without the cost of two Adds
		switch {
		case now.Before(t.IssuedAt):
			return ErrNotYetValid
		case !now.Before(t.ExpiresAt):
			return ErrExpired
		}
		return nil
	}
	switch {
	case now.Before(t.IssuedAt.Add(-skew)):
		return ErrNotYetValid
	case !now.Before(t.ExpiresAt.Add(skew)):
		return ErrExpired
	}
	return nil
}

// LogValue implements [slog.LogValuer].
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", t.ID.String()),
		slog.String("client", t.Client.String()),
		slog.String("org", string(t.Org)),
		slog.String("user", t.User),
		slog.String("scopes", t.Scopes.String()),
		slog.Time("expires_at", t.ExpiresAt),
	)
}
