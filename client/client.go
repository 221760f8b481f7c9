package client

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// Token lifetimes: what a client may set, and what it gets when it sets
// nothing.
const (
	MinTokenLifetime     = 300 * time.Second
	MaxTokenLifetime     = 172800 * time.Second // 2 days
	DefaultTokenLifetime = 86400 * time.Second  // 24 hours
)

// Limits on the text fields of a client.
const (
	MaxNameLen        = 128
	MaxDescriptionLen = 1024
	MaxRedirectURILen = 2048
)

// A State says whether a client may get tokens and whether its tokens work.
// The zero State is invalid.
type State uint8

const (
	_ State = iota
	// Active clients get new tokens, and their tokens work.
	Active
	// Inactive clients get no new tokens; the tokens they have keep
	// working until they expire.
	Inactive
	// Disabled clients get no new tokens, and their tokens stop working
	// at once.
	Disabled
)

var stateNames = [...]string{Active: "active", Inactive: "inactive", Disabled: "disabled"}

// String returns active, inactive or disabled.
func (s State) String() string {
	if s.IsValid() {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// IsValid reports whether s is Active, Inactive or Disabled.
func (s State) IsValid() bool { return s >= Active && s <= Disabled }

// CanIssue reports whether a client in state s may get new tokens.
func (s State) CanIssue() bool { return s == Active }

// TokensWork reports whether the tokens a client in state s already holds
// still work.
func (s State) TokensWork() bool { return s == Active || s == Inactive }

// MarshalText implements [encoding.TextMarshaler].
func (s State) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("%w: invalid state %d", ErrSyntax, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *State) UnmarshalText(text []byte) error {
	for v, name := range stateNames {
		if name != "" && name == string(text) {
			*s = State(v)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown state %q", ErrSyntax, clip(string(text)))
}

// A RoleAssignment gives a client-credentials client a role in some
// divisions of its org, or in all of them, present and future. A
// registration that names no division gets the org's Home division.
type RoleAssignment struct {
	Role         permission.RoleID       `json:"role"`
	Divisions    []permission.DivisionID `json:"divisions,omitempty"`
	AllDivisions bool                    `json:"all_divisions,omitempty"`
}

// A Client is an OAuth client: an application registered by an app
// provider, with the rules of its grant type.
//
// A Client is a plain value. The [Registry] creates and changes clients and
// checks every rule; [Client.Validate] states them.
type Client struct {
	ID ID
	// Org is the org that registered the client: the app provider's.
	Org OrgID
	// Name is shown on consent screens and authorization pages.
	Name        string
	Description string
	// TokenLifetime is how long the client's tokens last: whole seconds
	// from MinTokenLifetime to MaxTokenLifetime.
	TokenLifetime time.Duration
	State         State
	GrantType     GrantType
	// Public marks an authorization-code client that cannot keep a secret
	// (a single-page or mobile app). It has no secret and must use PKCE.
	Public bool
	// Scopes are the scopes the client requests: at least one for every
	// grant type but client credentials, which has none.
	Scopes scope.Set
	// RedirectURIs are where authorization-code and implicit clients send
	// users back; requests must name one of them exactly.
	RedirectURIs []string
	// Roles are a client-credentials client's own roles.
	Roles []RoleAssignment
	// Credentials hold the hash of the client's secret; public and
	// implicit clients have none.
	Credentials Credentials
	// Revision counts the stored changes; stores use it to refuse an
	// update based on a stale copy.
	Revision  uint64
	CreatedAt time.Time
	UpdatedAt time.Time
	// DisabledAt is when the client was last disabled, or zero. Tokens
	// issued at or before it never work again, even once the client is
	// enabled again: disabling a client (after an incident, say) ends its
	// tokens for good. The [Registry] sets it.
	DisabledAt time.Time
}

// Status returns what a resource server needs to know of the client on
// every request.
func (c Client) Status() Status { return Status{State: c.State, DisabledAt: c.DisabledAt} }

// A Status is what a resource server needs to know of a client to accept
// its tokens: its state, and when it was last disabled.
type Status struct {
	State      State
	DisabledAt time.Time
}

// TokenWorks reports whether a token the client got at issuedAt still
// works: the client's state lets its tokens work, and the token was
// issued after the client was last disabled. The zero Status works for
// no token.
func (s Status) TokenWorks(issuedAt time.Time) bool {
	return s.State.TokensWork() && (s.DisabledAt.IsZero() || issuedAt.After(s.DisabledAt))
}

// Subject returns the permission subject that a client-credentials
// client's roles are granted to.
func (c Client) Subject() permission.Subject { return permission.Client(c.ID.String()) }

// Grants returns a client-credentials client's roles as permission grants,
// for the permission package to evaluate. It is empty for other clients.
func (c Client) Grants() []permission.Grant {
	if !c.GrantType.UsesRoles() {
		return nil
	}
	grants := make([]permission.Grant, 0, len(c.Roles))
	for _, r := range c.Roles {
		grants = append(grants, permission.Grant{
			Subject:      c.Subject(),
			Role:         r.Role,
			Divisions:    slices.Clone(r.Divisions),
			AllDivisions: r.AllDivisions,
		})
	}
	return grants
}

// clone returns a copy of c that shares no slice with it.
func (c Client) clone() Client {
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.Roles = slices.Clone(c.Roles)
	for i := range c.Roles {
		c.Roles[i].Divisions = slices.Clone(c.Roles[i].Divisions)
	}
	return c
}

// Validate checks every rule a client must follow and reports every
// broken one, as [*FieldError] values joined with [errors.Join]:
//
//   - a valid ID, an org, a name (one line of UTF-8, at most MaxNameLen
//     bytes) and a description (UTF-8, at most MaxDescriptionLen bytes);
//   - a token lifetime of whole seconds from 300 to 172800;
//   - a valid state and grant type; Public only for authorization code;
//   - client credentials: at least one role, each named once and with its
//     divisions, each named once (or all divisions); no scopes and no
//     redirect URIs;
//   - authorization code and implicit: at least one scope, each known to
//     catalog, and at least one redirect URI: absolute, without fragment
//     or user info, https (http only for a loopback host); no roles;
//   - SAML2 bearer: at least one known scope; no redirect URIs, no roles.
func (c Client) Validate(catalog *scope.Catalog) error {
	var p problems
	c.validateFields(catalog, &p)
	return p.err()
}

func (c Client) validateFields(catalog *scope.Catalog, p *problems) {
	if !c.ID.IsValid() {
		p.add("id", "missing")
	}
	if c.Org == "" {
		p.add("org", "missing")
	}
	switch name := strings.TrimSpace(c.Name); {
	case name == "":
		p.add("name", "missing: the name is shown when someone authorizes the client")
	case len(c.Name) > MaxNameLen:
		p.add("name", "longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(c.Name):
		p.add("name", "not valid UTF-8")
	case strings.ContainsFunc(c.Name, unicode.IsControl):
		p.add("name", "must be one line without control characters")
	}
	switch {
	case len(c.Description) > MaxDescriptionLen:
		p.add("description", "longer than %d bytes", MaxDescriptionLen)
	case !utf8.ValidString(c.Description):
		p.add("description", "not valid UTF-8")
	case strings.ContainsFunc(c.Description, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		p.add("description", "contains control characters")
	}
	switch l := c.TokenLifetime; {
	case l < MinTokenLifetime || l > MaxTokenLifetime:
		p.add("token_lifetime", "%d s is outside %d–%d s", int64(l/time.Second), int64(MinTokenLifetime/time.Second), int64(MaxTokenLifetime/time.Second))
	case l%time.Second != 0:
		p.add("token_lifetime", "%v is not a whole number of seconds", l)
	}
	if !c.State.IsValid() {
		p.add("state", "must be active, inactive or disabled")
	}
	if !c.GrantType.IsValid() {
		p.add("grant_type", "must be %s, %s, %s or %s", ClientCredentials, AuthorizationCode, Implicit, SAML2Bearer)
		return // the remaining rules depend on it
	}
	if c.Public && c.GrantType != AuthorizationCode {
		p.add("public", "only authorization-code clients can be public; %s clients are never public", c.GrantType)
	}

	if c.GrantType.UsesScopes() {
		switch {
		case c.Scopes.IsEmpty():
			p.add("scopes", "%s clients need at least one scope", c.GrantType)
		case catalog == nil:
			p.add("scopes", "no scope catalog to check them against")
		default:
			if err := catalog.Validate(c.Scopes); err != nil {
				p.wrap("scopes", err)
			}
		}
	} else if !c.Scopes.IsEmpty() {
		p.add("scopes", "not allowed for %s clients, which act with their own roles", c.GrantType)
	}

	if c.GrantType.UsesRedirectURIs() {
		if len(c.RedirectURIs) == 0 {
			p.add("redirect_uris", "%s clients need at least one redirect URI", c.GrantType)
		}
		seen := make(map[string]bool, len(c.RedirectURIs))
		for i, u := range c.RedirectURIs {
			field := fmt.Sprintf("redirect_uris[%d]", i)
			if seen[u] {
				p.add(field, "%q listed twice", clip(u))
			}
			seen[u] = true
			if err := checkRedirectURI(u); err != nil {
				p.wrap(field, err)
			}
		}
	} else if len(c.RedirectURIs) > 0 {
		p.add("redirect_uris", "not allowed for %s clients", c.GrantType)
	}

	if c.GrantType.UsesRoles() {
		if len(c.Roles) == 0 {
			p.add("roles", "client-credentials clients need at least one role")
		}
		seen := make(map[permission.RoleID]bool, len(c.Roles))
		for i, r := range c.Roles {
			field := fmt.Sprintf("roles[%d]", i)
			switch {
			case r.Role == "":
				p.add(field+".role", "missing")
			case seen[r.Role]:
				p.add(field+".role", "role %q assigned twice", r.Role)
			}
			seen[r.Role] = true
			switch {
			case r.AllDivisions && len(r.Divisions) > 0:
				p.add(field+".divisions", "either a list of divisions or all divisions, not both")
			case !r.AllDivisions && len(r.Divisions) == 0:
				p.add(field+".divisions", "missing: name the divisions, or all divisions")
			case slices.Contains(r.Divisions, ""):
				p.add(field+".divisions", "empty division ID")
			case hasDuplicate(r.Divisions):
				p.add(field+".divisions", "a division listed twice")
			}
		}
	} else if len(c.Roles) > 0 {
		p.add("roles", "not allowed for %s clients, whose access comes from their user and scopes", c.GrantType)
	}
}

func hasDuplicate(ds []permission.DivisionID) bool {
	for i, d := range ds {
		if slices.Contains(ds[i+1:], d) {
			return true
		}
	}
	return false
}

// errRedirectURI is wrapped by every redirect URI problem.
var errRedirectURI = errors.New("invalid redirect URI")

// checkRedirectURI applies the redirect URI rules: absolute, with a host
// and a valid port, no fragment, no user info, https unless the host is
// loopback.
func checkRedirectURI(raw string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", errRedirectURI, clip(raw), fmt.Sprintf(format, args...))
	}
	if len(raw) > MaxRedirectURILen {
		return fail("longer than %d bytes", MaxRedirectURILen)
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fail("contains whitespace or control characters")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fail("does not parse")
	case !u.IsAbs() || u.Hostname() == "":
		return fail("must be absolute, with a scheme and a host")
	case strings.Contains(raw, "#"):
		return fail("must not have a fragment")
	case u.User != nil:
		return fail("must not carry user info")
	case !validPort(u.Port()):
		return fail("port %q is not from 1 to 65535", u.Port())
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fail("must use https (http is allowed only on a loopback host: localhost, 127.0.0.1 or [::1])")
	}
	return fail("scheme %q not allowed; use https", u.Scheme)
}

// validPort reports whether port, from url.URL.Port, is empty or a port
// number.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n > 0
}

// isLoopback reports whether host, from url.URL.Hostname, is localhost or
// a loopback IP address.
func isLoopback(host string) bool {
	return strings.EqualFold(host, "localhost") || isLoopbackIP(host)
}

// isLoopbackIP reports whether host is a loopback IP address in a form a
// native app listens on: 127.0.0.0/8 in dotted decimal, or ::1 without a
// zone. IPv4-mapped IPv6 (::ffff:127.0.0.1) and zones are refused.
func isLoopbackIP(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback() && !ip.Is4In6() && ip.Zone() == ""
}

// MatchRedirectURI reports whether uri is one of the client's redirect
// URIs. The comparison is exact, byte for byte, with one exception from RFC
// 8252 §7.3: for an http redirect URI on a loopback IP address (127.0.0.1,
// [::1]) any port matches, because native apps listen on a port chosen at
// run time.
func (c Client) MatchRedirectURI(uri string) bool {
	if !c.GrantType.UsesRedirectURIs() {
		return false
	}
	for _, registered := range c.RedirectURIs {
		if uri == registered || loopbackMatch(registered, uri) {
			return true
		}
	}
	return false
}

func loopbackMatch(registered, uri string) bool {
	r, err1 := url.Parse(registered)
	u, err2 := url.Parse(uri)
	if err1 != nil || err2 != nil || r.Scheme != "http" || u.Scheme != "http" || strings.Contains(uri, "#") || u.User != nil {
		return false
	}
	if !isLoopbackIP(r.Hostname()) || r.Hostname() != u.Hostname() || !validPort(u.Port()) {
		return false
	}
	return r.EscapedPath() == u.EscapedPath() && r.RawQuery == u.RawQuery
}
