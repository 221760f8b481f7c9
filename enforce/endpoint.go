package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

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
	Err   error
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("enforce: endpoint %d (%s): %v", e.Index, e.Route, e.Err)
}

func (e *EndpointError) Unwrap() error { return e.Err }

// ErrInvalidEndpoint is wrapped by every problem with an endpoint
// definition that is not an error of another package (such as an unknown
// scope, which is a *scope.UnknownError).
var ErrInvalidEndpoint = errors.New("enforce: invalid endpoint")

type endpointsJSON struct {
	Endpoints []Endpoint `json:"endpoints"`
}

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
// Unknown fields and trailing data are errors, and a malformed scope or
// permission is an error naming its endpoint. The endpoints are checked
// fully when the policy is built.
func ParseEndpointsJSON(data []byte) ([]Endpoint, error) {
	var raw struct {
		Endpoints []json.RawMessage `json:"endpoints"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("enforce: reading endpoints JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("enforce: reading endpoints JSON: data after the object")
	}
	if raw.Endpoints == nil {
		return nil, errors.New("enforce: reading endpoints JSON: no \"endpoints\" list")
	}
	out := make([]Endpoint, len(raw.Endpoints))
	var errs []error
	for i, msg := range raw.Endpoints {
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&out[i]); err != nil {
			var peek struct{ Method, Path string }
			_ = json.Unmarshal(msg, &peek)
			errs = append(errs, &EndpointError{Index: i, Route: peek.Method + " " + peek.Path, Err: err})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
