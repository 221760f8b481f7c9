package enforce

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scopegate/scopegate/enforce/internal/route"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// MaxSegments is the deepest path template, and path, the table handles.
const MaxSegments = route.MaxSegments

// MaxPathLen is the longest request path, in bytes, the enforcer
// matches; a longer one matches nothing.
const MaxPathLen = route.MaxPathLen

// DivisionFromRequest is the [Endpoint].Division value for a resource
// whose division the caller passes in [Request].Division.
const DivisionFromRequest = "request"

// An Endpoint is one operation of an API and what it takes to call it.
type Endpoint struct {
	// Name is an optional operation name (getUser), unique in a table,
	// used in documentation and usage records.
	Name string `json:"name,omitempty"`
	// Method is the HTTP method, in upper case: GET, POST, ...
	Method string `json:"method"`
	// Path is the path template: segments separated by '/', each static
	// text or a parameter in braces, as in /api/v2/users/{userId}. It
	// starts with '/' and has no trailing '/'.
	Path string `json:"path"`
	// Scopes are the scopes the endpoint accepts; any one of them, or a
	// scope that implies one, suffices. At least one.
	Scopes []scope.Scope `json:"scopes"`
	// Permissions is what the caller's user (or a client-credentials
	// client's roles) must hold: permission.NoneRequired(), AnyOf or
	// AllOf. It must be set: the zero Requirement is invalid.
	Permissions permission.Requirement `json:"permissions"`
	// UserRequired refuses tokens without a user: client-credentials
	// tokens, on endpoints such as GET /api/v2/users/me.
	UserRequired bool `json:"user_required,omitempty"`
	// ReadOnly says that the operation only reads, whatever its method:
	// a query sent with POST, say (POST /api/v2/analytics/.../query).
	// Reviews count the endpoints a scope unlocks that write; GET, HEAD
	// and OPTIONS endpoints, and those marked ReadOnly, do not. The
	// decision does not depend on it.
	ReadOnly bool `json:"read_only,omitempty"`
	// Division says where the resource lives, for the permission check:
	// "" for an org-wide endpoint (the permission may be held in any
	// division); DivisionFromRequest ("request") when the caller passes
	// the division in the Request; or "{param}", naming a path parameter
	// whose value the DivisionResolver maps to a division.
	Division string `json:"division,omitempty"`
}

// Route returns the endpoint's method and path template, the way Go's
// http.ServeMux writes patterns: "GET /api/v2/users/{userId}". Register
// handlers with it, and the router's matched pattern leads the enforcer
// straight to the endpoint. The root template "/" is "GET /{$}": to a
// ServeMux, "GET /" would be the catch-all for every path.
func (e Endpoint) Route() string {
	if e.Path == "/" {
		return e.Method + " /{$}"
	}
	return e.Method + " " + e.Path
}

// An EndpointError reports a problem with one endpoint of a table.
type EndpointError struct {
	// Index is the endpoint's position in the list.
	Index int
	// Route is its method and path, as given.
	Route string
	// Field is the field at fault, as the JSON table names it
	// ("permissions.any[2]", "scopes", "division"), when the error is
	// about one field; "" when it is about the entry as a whole, or about
	// several fields, all in Err.
	Field string
	Err   error
}

func (e *EndpointError) Error() string {
	if e == nil {
		return ErrInvalidEndpoint.Error()
	}
	err := error(ErrInvalidEndpoint)
	if e.Err != nil {
		err = e.Err
	}
	// The package's own errors say "enforce:" once, at the front.
	msg := strings.TrimPrefix(err.Error(), "enforce: ")
	if e.Field != "" {
		return fmt.Sprintf("enforce: endpoint %d (%s), %s: %s", e.Index, e.Route, e.Field, msg)
	}
	return fmt.Sprintf("enforce: endpoint %d (%s): %s", e.Index, e.Route, msg)
}

// Unwrap returns Err; for an EndpointError left empty, or a nil one,
// ErrInvalidEndpoint.
func (e *EndpointError) Unwrap() error {
	if e == nil || e.Err == nil {
		return ErrInvalidEndpoint
	}
	return e.Err
}

// ErrInvalidEndpoint is wrapped by every problem with an endpoint
// definition that is not an error of another package (such as an unknown
// scope, which is a *scope.UnknownError).
var ErrInvalidEndpoint = errors.New("enforce: invalid endpoint")

// ParseEndpointsJSON reads endpoints from JSON of the form
//
//	{"endpoints": [
//	  {"name": "getUser", "method": "GET", "path": "/api/v2/users/{userId}",
//	   "scopes": ["users", "users:readonly"],
//	   "permissions": {"all": ["directory:user:view"]},
//	   "division": "{userId}"},
//	  {"method": "POST", "path": "/api/v2/analytics/conversations/details/query",
//	   "scopes": ["analytics:conversationDetail"],
//	   "permissions": {"all": ["analytics:conversationDetail:view"]},
//	   "read_only": true},
//	  ...
//	]}
//
// Each entry's keys are the JSON names of [Endpoint]'s fields: name,
// method, path, scopes, permissions ({"none": true}, {"any": [...]} or
// {"all": [...]}), user_required, read_only and division. Unknown or
// repeated keys and trailing data are errors, and so is a malformed scope
// or permission, each an [*EndpointError] naming its entry and field. It
// is [ReadEndpointsJSON] in Strict mode; Lenient mode loads the good
// entries of a table with bad ones. A table may also list, under
// "refused", the routes of entries left out (["GET /api/v2/users/me"]):
// ParseEndpointsJSON returns the endpoints only, so read such a table
// with ReadEndpointsJSON or [LoadPolicyJSON], which pass the routes on to
// [Config].Refused. The endpoints are checked fully when the policy is
// built.
func ParseEndpointsJSON(data []byte) ([]Endpoint, error) {
	eps, _, err := ReadEndpointsJSON(data, Strict)
	return eps, err
}
