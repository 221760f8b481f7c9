// Package row turns the library's values into what the SQL stores keep in
// their columns, and back: times as Unix nanoseconds, sets and lists as
// canonical text or JSON. Both engines share it, so that they store the
// same values the same way.
package row

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// Times are kept as Unix nanoseconds, exactly: a revocation at t revokes
// the tokens issued at or before t, to the nanosecond, and a database's
// microsecond timestamps would round that to the caller's loss. These are
// the times that fit in an int64.
var (
	minTime = time.Unix(0, -1<<63)
	maxTime = time.Unix(0, 1<<63-1)
)

// Nanos returns t as Unix nanoseconds, or nil (NULL) for the zero time.
// A time outside the years 1678 to 2261 is an error wrapping
// storage.ErrInvalid.
func Nanos(t time.Time) (*int64, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return nil, fmt.Errorf("%w: time %s is outside what the store keeps", storage.ErrInvalid, t.UTC().Format(time.RFC3339))
	}
	ns := t.UnixNano()
	return &ns, nil
}

// Time returns the time of Unix nanoseconds ns, or the zero time for nil.
func Time(ns *int64) time.Time {
	if ns == nil {
		return time.Time{}
	}
	return time.Unix(0, *ns)
}

// Scopes returns a set kept as canonical text ("" for the empty set).
func Scopes(s string) (scope.Set, error) {
	if s == "" {
		return scope.Set{}, nil
	}
	set, err := scope.ParseSet(s)
	if err != nil {
		return scope.Set{}, fmt.Errorf("storage: a stored scope set does not parse: %w", err)
	}
	return set, nil
}

// JSON returns v as JSON text.
func JSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", storage.ErrInvalid, err)
	}
	return string(b), nil
}

// FromJSON reads JSON text into v.
func FromJSON(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("storage: a stored value does not parse: %w", err)
	}
	return nil
}

// Policies returns a role's policies as text.
func Policies(ps []permission.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// FromPolicies parses a role's policies.
func FromPolicies(ss []string) ([]permission.Permission, error) {
	var out []permission.Permission
	for _, s := range ss {
		p, err := permission.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("storage: a stored policy does not parse: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Token is a grant.Token as JSON, for the token a code was exchanged for.
type Token struct {
	ID        string `json:"id"`
	Client    string `json:"client"`
	Org       string `json:"org"`
	GrantType string `json:"grant_type"`
	User      string `json:"user,omitempty"`
	Scopes    string `json:"scopes,omitempty"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// TokenJSON returns t as JSON, or nil for the zero token (none issued).
func TokenJSON(t grant.Token) (*string, error) {
	if !t.ID.IsValid() {
		return nil, nil
	}
	iat, err := Nanos(t.IssuedAt)
	if err != nil {
		return nil, err
	}
	exp, err := Nanos(t.ExpiresAt)
	if err != nil {
		return nil, err
	}
	r := Token{ID: t.ID.String(), Client: t.Client.String(), Org: string(t.Org), GrantType: t.GrantType.String(), User: t.User, Scopes: t.Scopes.String()}
	if iat != nil {
		r.IssuedAt = *iat
	}
	if exp != nil {
		r.ExpiresAt = *exp
	}
	s, err := JSON(r)
	return &s, err
}

// FromTokenJSON parses what TokenJSON wrote; nil is the zero token.
func FromTokenJSON(s *string) (grant.Token, error) {
	if s == nil {
		return grant.Token{}, nil
	}
	var r Token
	if err := FromJSON(*s, &r); err != nil {
		return grant.Token{}, err
	}
	var t grant.Token
	var err error
	if t.ID, err = grant.ParseTokenID(r.ID); err != nil {
		return grant.Token{}, err
	}
	if r.Client != "" {
		if t.Client, err = client.ParseID(r.Client); err != nil {
			return grant.Token{}, err
		}
	}
	if r.GrantType != "" {
		if t.GrantType, err = client.ParseGrantType(r.GrantType); err != nil {
			return grant.Token{}, err
		}
	}
	if t.Scopes, err = Scopes(r.Scopes); err != nil {
		return grant.Token{}, err
	}
	t.Org, t.User = client.OrgID(r.Org), r.User
	if r.IssuedAt != 0 {
		t.IssuedAt = time.Unix(0, r.IssuedAt)
	}
	if r.ExpiresAt != 0 {
		t.ExpiresAt = time.Unix(0, r.ExpiresAt)
	}
	return t, nil
}

// Client is a client as columns.
type Client struct {
	ID, Org, Name, Description string
	TokenLifetime              int64 // nanoseconds
	State, GrantType           int16
	Public                     bool
	Scopes                     string // canonical text
	RedirectURIs, Roles        string // JSON
	Secret, PreviousSecret     []byte // SHA-256 sums, nil for none
	PreviousNotAfter           *int64
	Revision                   int64
	CreatedAt, UpdatedAt       *int64
	DisabledAt                 *int64
}

// FromClient returns c as columns: its secrets as the hashes it holds,
// never anything in clear.
func FromClient(c client.Client) (Client, error) {
	r := Client{
		ID: c.ID.String(), Org: string(c.Org), Name: c.Name, Description: c.Description,
		TokenLifetime: int64(c.TokenLifetime), State: int16(c.State), GrantType: int16(c.GrantType), Public: c.Public,
		Scopes: c.Scopes.String(), Revision: int64(c.Revision),
	}
	if !c.ID.IsValid() {
		return Client{}, fmt.Errorf("%w: a client without an ID", storage.ErrInvalid)
	}
	if c.Revision > 1<<63-1 {
		return Client{}, fmt.Errorf("%w: revision %d", storage.ErrInvalid, c.Revision)
	}
	if !c.Credentials.Current.IsZero() {
		r.Secret = c.Credentials.Current.Sum[:]
	}
	if !c.Credentials.Previous.IsZero() {
		r.PreviousSecret = c.Credentials.Previous.Sum[:]
	}
	var errs [5]error
	r.PreviousNotAfter, errs[0] = Nanos(c.Credentials.Previous.NotAfter)
	r.CreatedAt, errs[1] = Nanos(c.CreatedAt)
	r.UpdatedAt, errs[2] = Nanos(c.UpdatedAt)
	r.DisabledAt, errs[3] = Nanos(c.DisabledAt)
	uris := c.RedirectURIs
	if uris == nil {
		uris = []string{}
	}
	r.RedirectURIs, errs[4] = JSON(uris)
	for _, err := range errs {
		if err != nil {
			return Client{}, err
		}
	}
	roles := c.Roles
	if roles == nil {
		roles = []client.RoleAssignment{}
	}
	var err error
	if r.Roles, err = JSON(roles); err != nil {
		return Client{}, err
	}
	return r, nil
}

// ToClient returns the client the columns hold.
func (r Client) ToClient() (client.Client, error) {
	id, err := client.ParseID(r.ID)
	if err != nil {
		return client.Client{}, err
	}
	c := client.Client{
		ID: id, Org: client.OrgID(r.Org), Name: r.Name, Description: r.Description,
		TokenLifetime: time.Duration(r.TokenLifetime), State: client.State(r.State), GrantType: client.GrantType(r.GrantType),
		Public: r.Public, Revision: uint64(r.Revision),
		CreatedAt: Time(r.CreatedAt), UpdatedAt: Time(r.UpdatedAt), DisabledAt: Time(r.DisabledAt),
	}
	if c.Scopes, err = Scopes(r.Scopes); err != nil {
		return client.Client{}, err
	}
	if err := FromJSON(r.RedirectURIs, &c.RedirectURIs); err != nil {
		return client.Client{}, err
	}
	if err := FromJSON(r.Roles, &c.Roles); err != nil {
		return client.Client{}, err
	}
	if len(c.RedirectURIs) == 0 {
		c.RedirectURIs = nil
	}
	if len(c.Roles) == 0 {
		c.Roles = nil
	}
	if err := sum(&c.Credentials.Current.Sum, r.Secret); err != nil {
		return client.Client{}, err
	}
	if err := sum(&c.Credentials.Previous.Sum, r.PreviousSecret); err != nil {
		return client.Client{}, err
	}
	c.Credentials.Previous.NotAfter = Time(r.PreviousNotAfter)
	return c, nil
}

// sum copies a stored SHA-256 sum; nil leaves the zero sum.
func sum(dst *[32]byte, b []byte) error {
	switch len(b) {
	case 0:
		return nil
	case len(dst):
		copy(dst[:], b)
		return nil
	}
	return fmt.Errorf("storage: a stored secret hash has %d bytes, not %d", len(b), len(dst))
}

// Subject kinds are kept as their numbers.

// FromSubject returns a subject's columns.
func FromSubject(s permission.Subject) (int16, string) { return int16(s.Kind), s.ID }

// ToSubject returns the subject of the columns.
func ToSubject(kind int16, id string) permission.Subject {
	return permission.Subject{Kind: permission.SubjectKind(kind), ID: id}
}
