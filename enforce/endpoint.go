package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// MaxSegments is the deepest path template, and path, the table handles.
const MaxSegments = 32

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

// A segment is one part of a path template.
type segment struct {
	text  string // the static text, or the parameter name
	param bool
}

// parseTemplate checks a path template and splits it into segments.
func parseTemplate(path string) ([]segment, error) {
	switch {
	case path == "":
		return nil, errors.New("empty path")
	case path[0] != '/':
		return nil, fmt.Errorf("path %q does not start with '/'", path)
	case path == "/":
		return nil, nil
	case strings.HasSuffix(path, "/"):
		return nil, fmt.Errorf("path %q ends with '/'; templates have no trailing slash", path)
	}
	parts := strings.Split(path[1:], "/")
	if len(parts) > MaxSegments {
		return nil, fmt.Errorf("path %q has %d segments; at most %d", path, len(parts), MaxSegments)
	}
	segs := make([]segment, len(parts))
	seen := make(map[string]bool)
	for i, p := range parts {
		switch {
		case p == "":
			return nil, fmt.Errorf("path %q has an empty segment", path)
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			name := p[1 : len(p)-1]
			if !isParamName(name) {
				return nil, fmt.Errorf("path %q: parameter %q is not a name (letters, digits, '_'; no wildcards)", path, p)
			}
			if seen[name] {
				return nil, fmt.Errorf("path %q names parameter {%s} twice", path, name)
			}
			seen[name] = true
			segs[i] = segment{text: name, param: true}
		case strings.ContainsAny(p, "{}"):
			return nil, fmt.Errorf("path %q: segment %q mixes text and a parameter; a parameter must be a whole segment", path, p)
		case p == "." || p == "..":
			return nil, fmt.Errorf("path %q has a %q segment", path, p)
		default:
			for j := 0; j < len(p); j++ {
				if !isPathChar(p[j]) {
					return nil, fmt.Errorf("path %q: segment %q has character %q; use plain URL path characters", path, p, p[j])
				}
			}
			segs[i] = segment{text: p}
		}
	}
	return segs, nil
}

func isParamName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isPathChar reports whether c may appear unescaped in a static segment:
// RFC 3986 pchar without '%' (templates hold decoded text).
func isPathChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}

// isMethod reports whether m is an upper-case HTTP method token.
func isMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// shape returns the template with parameter names erased: two endpoints
// with the same method and shape are the same endpoint.
func shape(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		if s.param {
			b.WriteString("{}")
		} else {
			b.WriteString(s.text)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
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
	if e == nil {
		return "enforce: " + ErrInvalidEndpoint.Error()
	}
	var err any = e.Err
	if e.Err == nil {
		err = ErrInvalidEndpoint
	}
	return fmt.Sprintf("enforce: endpoint %d (%s): %v", e.Index, e.Route, err)
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
var ErrInvalidEndpoint = errors.New("invalid endpoint")

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
