package client

import (
	"fmt"
	"net/url"
	"time"

	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// An Authorization records an org admin's decision about a client: which
// of the scopes it requested the org grants, and which it denies. Scopes
// are org-specific: without an authorization, a client gets no tokens in
// the org.
type Authorization struct {
	Org    OrgID
	Client ID
	// Granted are the scopes the org allows the client; Denied are the
	// ones it refused. Together they are what the client requested when
	// the admin decided.
	Granted scope.Set
	Denied  scope.Set
	// AuthorizedBy is the admin who decided, and AuthorizedAt when.
	AuthorizedBy permission.Subject
	AuthorizedAt time.Time
}

// Effective returns the scopes new tokens of c may carry in the org: those
// granted that c still requests. A scope removed from the client drops out
// at once.
func (a Authorization) Effective(c Client) scope.Set { return a.Granted.Intersect(c.Scopes) }

// Pending returns the scopes c requests that the org has neither granted
// nor denied: scopes added to the client after the authorization, waiting
// for an admin's review. Tokens never carry them until an admin grants
// them.
func (a Authorization) Pending(c Client) scope.Set {
	return c.Scopes.Difference(a.Granted).Difference(a.Denied)
}

// An AuthorizedApp is one line of an org's list of authorized
// applications.
type AuthorizedApp struct {
	Client        Client
	Authorization Authorization
	// Effective are the scopes the client's tokens may carry in the org.
	Effective scope.Set
	// Pending are the scopes the client requests that await review.
	Pending scope.Set
}

// ParseAuthorizationURL returns the client ID an authorization URL
// carries in its client_id query parameter, as an app provider hands it to
// another org's admin (for example
// https://login.example.com/oauth/authorize?client_id=...&response_type=code).
// The URL must be absolute https (http only for a loopback host), without
// user info, and carry exactly one client_id.
func ParseAuthorizationURL(raw string) (ID, error) {
	fail := func(format string, args ...any) (ID, error) {
		return ID{}, fmt.Errorf("%w: authorization URL: %s", ErrSyntax, fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fail("does not parse")
	case !u.IsAbs() || u.Hostname() == "":
		return fail("must be absolute, with a scheme and a host")
	case u.User != nil:
		return fail("must not carry user info")
	case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
		return fail("must use https")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fail("bad query: %v", err)
	}
	switch ids := q["client_id"]; len(ids) {
	case 0:
		return fail("no client_id parameter")
	case 1:
		return ParseID(ids[0])
	default:
		return fail("%d client_id parameters; want one", len(ids))
	}
}
