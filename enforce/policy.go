package enforce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// An AccessSource looks up the compiled permissions of a subject in an
// org: a user, or a client-credentials client. [*permission.Cache] is one.
type AccessSource interface {
	Access(ctx context.Context, org permission.OrgID, s permission.Subject) (*permission.Access, error)
}

var _ AccessSource = (*permission.Cache)(nil)

// An Org holds the settings of one org. Orgs a policy does not list get
// the defaults: scope enforcement on, division IDs in messages.
type Org struct {
	ID client.OrgID
	// DisableScopeEnforcement turns scope enforcement off for the org, as
	// Genesys Cloud allows: an app then has the same access as its user,
	// and only the permission check applies.
	DisableScopeEnforcement bool
	// Divisions, if set, names the org's divisions in reasons and
	// remedies ("in division Sales" rather than an ID).
	Divisions *permission.Divisions
}

// Config is what a [Policy] is built from.
type Config struct {
	// Catalog is the scope catalog every endpoint's scopes must be in.
	Catalog *scope.Catalog
	// Endpoints is the endpoint table, in any order.
	Endpoints []Endpoint
	// Access looks up users' and client-credentials clients' permissions.
	Access AccessSource
	// Orgs holds per-org settings.
	Orgs []Org
}

// A Policy is everything the enforcer decides with, compiled: the scope
// catalog, the endpoint table and the per-org settings, with the source
// of permissions. It is immutable and safe for concurrent use; an
// [Enforcer] swaps whole policies atomically, so that a decision never
// mixes two.
type Policy struct {
	catalog   *scope.Catalog
	endpoints []*endpoint
	router    router
	access    AccessSource
	orgs      map[client.OrgID]Org
}

// endpoint is an Endpoint compiled against a catalog.
type endpoint struct {
	Endpoint
	index     int
	route     string
	segs      []segment
	accepted  scope.Accepted
	narrowest scope.Scope // the accepted scope a remedy proposes: the least privilege
	divParam  int         // segment of the division parameter, or -1
}

// NewPolicy checks and compiles a policy. It reports every problem with
// the endpoints at once, each as an [*EndpointError] naming its entry: a
// bad method or path template, no scope or an unknown one (with
// suggestions), a missing permission requirement, a division that names
// no parameter of the path, a duplicate name, and two endpoints with the
// same method and the same template shape (equal but for parameter
// names). Templates that overlap otherwise are fine: see [Enforcer] for
// how a path picks one. A table may have any number of endpoints,
// methods, and siblings that differ in one segment: the time and memory
// it takes grow in proportion.
func NewPolicy(cfg Config) (*Policy, error) {
	switch {
	case cfg.Catalog == nil:
		return nil, errors.New("enforce: policy has no scope catalog")
	case cfg.Access == nil:
		return nil, errors.New("enforce: policy has no access source for permissions")
	}
	p := &Policy{catalog: cfg.Catalog, access: cfg.Access, orgs: make(map[client.OrgID]Org, len(cfg.Orgs))}
	for _, o := range cfg.Orgs {
		if _, dup := p.orgs[o.ID]; dup || o.ID == "" {
			return nil, fmt.Errorf("enforce: org %q listed twice or without an ID", o.ID)
		}
		p.orgs[o.ID] = o
	}
	var errs []error
	names := make(map[string]int)
	for i, e := range cfg.Endpoints {
		ep, err := compileEndpoint(cfg.Catalog, e)
		if err == nil && e.Name != "" {
			if j, dup := names[e.Name]; dup {
				err = fmt.Errorf("%w: name %q also used by endpoint %d", ErrInvalidEndpoint, e.Name, j)
			}
			names[e.Name] = i
		}
		if err != nil {
			errs = append(errs, &EndpointError{Index: i, Route: e.Route(), Err: err})
			continue
		}
		ep.index = i
		if other := p.router.add(ep); other != nil {
			errs = append(errs, &EndpointError{Index: i, Route: e.Route(), Err: fmt.Errorf("%w: same method and path shape as endpoint %d (%s)", ErrInvalidEndpoint, other.index, other.route)})
			continue
		}
		p.endpoints = append(p.endpoints, ep)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func compileEndpoint(cat *scope.Catalog, e Endpoint) (*endpoint, error) {
	var problems []error
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("%w: "+format, append([]any{ErrInvalidEndpoint}, args...)...))
	}
	if !isMethod(e.Method) {
		bad("method %q is not an upper-case HTTP method", e.Method)
	}
	segs, templateErr := parseTemplate(e.Path)
	if templateErr != nil {
		bad("%v", templateErr)
	}
	var err error
	var accepted scope.Accepted
	if len(e.Scopes) == 0 {
		bad("no scope: an endpoint accepts at least one")
	} else if accepted, err = cat.Accept(e.Scopes...); err != nil {
		problems = append(problems, err)
	}
	if !e.Permissions.IsValid() {
		bad("no permission requirement: use permission.NoneRequired() if none is needed")
	}
	divParam := -1
	switch d := e.Division; {
	case d == "" || d == DivisionFromRequest:
	case strings.HasPrefix(d, "{") && strings.HasSuffix(d, "}"):
		name := d[1 : len(d)-1]
		divParam = slices.IndexFunc(segs, func(s segment) bool { return s.param && s.text == name })
		if divParam < 0 && templateErr == nil {
			bad("division %s names no parameter of the path", d)
		}
	default:
		bad("division %q: want \"\", %q or a path parameter such as {userId}", d, DivisionFromRequest)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	e.Scopes = slices.Clone(e.Scopes)
	ep := &endpoint{Endpoint: e, route: e.Route(), segs: segs, accepted: accepted, divParam: divParam}
	ep.narrowest, _ = cat.Narrowest(accepted.Scopes())
	return ep, nil
}

// Catalog returns the policy's scope catalog; nil for a nil or zero
// policy.
func (p *Policy) Catalog() *scope.Catalog {
	if p == nil {
		return nil
	}
	return p.catalog
}

// Endpoints returns the endpoint table, in the order given; none for a
// nil or zero policy.
func (p *Policy) Endpoints() []Endpoint {
	if p == nil {
		return nil
	}
	out := make([]Endpoint, len(p.endpoints))
	for i, ep := range p.endpoints {
		out[i] = ep.Endpoint
		out[i].Scopes = slices.Clone(ep.Scopes)
	}
	return out
}

// Match returns the endpoint a request for method and the escaped path
// reaches, by the rules of [Enforcer], and whether there is one. A nil or
// zero policy has none.
func (p *Policy) Match(method, path string) (Endpoint, bool) {
	if p == nil {
		return Endpoint{}, false
	}
	var s segments
	ep := p.router.lookupPath(method, path, &s)
	if ep == nil {
		return Endpoint{}, false
	}
	e := ep.Endpoint
	e.Scopes = slices.Clone(e.Scopes)
	return e, true
}

// org returns the settings of an org.
func (p *Policy) org(id client.OrgID) Org {
	if len(p.orgs) == 0 {
		return Org{}
	}
	return p.orgs[id]
}
