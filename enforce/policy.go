package enforce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce/internal/route"
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
	// ScopeReportOnly is the rollout mode, for turning scope enforcement
	// on in an org that had it off without breaking the apps whose
	// scopes were never checked: every decision checks the scope in full
	// and says what enforcement would have answered
	// ([Decision.Unenforced], [Record].Unenforced), but a token without
	// an accepted scope is not refused for it. The permission check
	// still applies and is enforced. A client the org no longer
	// authorizes ([Sources].Scopes answering client.ErrNotAuthorized) is
	// refused in this mode too. Once a review of the records shows
	// the scopes each client must add (package review), switch it off
	// with [Enforcer.Swap]. It cannot be combined with
	// DisableScopeEnforcement.
	ScopeReportOnly bool
	// Divisions, if set, names the org's divisions in reasons and
	// remedies ("in division Sales" rather than an ID).
	Divisions *permission.Divisions
}

// Config is what a [Policy] is built from: data only.
type Config struct {
	// Catalog is the scope catalog every endpoint's scopes must be in.
	Catalog *scope.Catalog
	// Endpoints is the endpoint table, in any order.
	Endpoints []Endpoint
	// Orgs holds per-org settings.
	Orgs []Org
	// Refused lists the routes ("GET /api/v2/users/me") of entries left
	// out of the table because they were bad ([Lenient] loading,
	// [LoadReport.Refused]). A request for one matches nothing and is
	// denied, as for an unknown endpoint, rather than reach another
	// endpoint whose template would otherwise take it
	// (GET /api/v2/users/{userId}).
	//
	// A refused route is read liberally, since the entry it comes from
	// was bad: the method in any case, or every method when it is not
	// one; a trailing or doubled '/' dropped; any segment with a brace
	// taken for a parameter ("{user-id}", "{id}.json"). A route without a
	// path is an error. An endpoint of the table with the same method and
	// path shape as a refused route is an error too: in [NewPolicyLenient]
	// it is left out, so that a bad entry is never served by another
	// entry of the same shape.
	Refused []string
}

// A Policy is the data the enforcer decides with, compiled: the endpoint
// table, the scope catalog and the per-org settings. It reads nothing
// and holds no source of data, so it can be built, inspected and reviewed
// on its own (see package review). It is immutable and safe for
// concurrent use; an [Enforcer] swaps whole policies atomically, so that
// a decision never mixes two.
type Policy struct {
	catalog   *scope.Catalog
	endpoints []*endpoint
	table     route.Table
	orgs      map[client.OrgID]Org
}

// endpoint is an Endpoint compiled against a catalog.
type endpoint struct {
	Endpoint
	index     int
	route     string
	segs      []route.Segment
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
// names). Templates that overlap otherwise are fine: the package
// documentation, under "Matching requests", says how a path picks one. A table may have any number of endpoints,
// methods, and siblings that differ in one segment: the time and memory
// it takes grow in proportion.
func NewPolicy(cfg Config) (*Policy, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("enforce: policy has no scope catalog")
	}
	p := &Policy{catalog: cfg.Catalog, orgs: make(map[client.OrgID]Org, len(cfg.Orgs))}
	for _, o := range cfg.Orgs {
		if _, dup := p.orgs[o.ID]; dup || o.ID == "" {
			return nil, fmt.Errorf("enforce: org %q listed twice or without an ID", o.ID)
		}
		if o.DisableScopeEnforcement && o.ScopeReportOnly {
			return nil, fmt.Errorf("enforce: org %q: scope enforcement cannot be both off and report-only", o.ID)
		}
		p.orgs[o.ID] = o
	}
	var errs []error
	// The refused routes go in first: an endpoint cannot take one.
	for _, r := range cfg.Refused {
		if err := p.refuse(r); err != nil {
			errs = append(errs, err)
		}
	}
	names := make(map[string]int)
	for i, e := range cfg.Endpoints {
		ep, err := compileEndpoint(cfg.Catalog, e)
		if err == nil && e.Name != "" {
			if j, dup := names[e.Name]; dup {
				err = &fieldError{"name", fmt.Errorf("%w: name %q also used by endpoint %d", ErrInvalidEndpoint, e.Name, j)}
			}
			names[e.Name] = i
		}
		if err != nil {
			errs = append(errs, &EndpointError{Index: i, Route: e.Route(), Err: err})
			continue
		}
		ep.index = i
		if other := p.table.Add(e.Method, e.Path, ep.segs, len(p.endpoints)); other == refusedID {
			errs = append(errs, &EndpointError{Index: i, Route: e.Route(), Err: &fieldError{"path", fmt.Errorf("%w: same method and path shape as a refused route (Config.Refused): the entry that route came from was bad, and no other entry may serve it", ErrInvalidEndpoint)}})
			continue
		} else if other >= 0 {
			o := p.endpoints[other]
			errs = append(errs, &EndpointError{Index: i, Route: e.Route(), Err: &fieldError{"path", fmt.Errorf("%w: same method and path shape as endpoint %d (%s)", ErrInvalidEndpoint, o.index, o.route)}})
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
	bad := func(field, format string, args ...any) {
		problems = append(problems, &fieldError{field, fmt.Errorf("%w: "+format, append([]any{ErrInvalidEndpoint}, args...)...)})
	}
	if !route.IsMethod(e.Method) {
		bad("method", "method %q is not an upper-case HTTP method", e.Method)
	}
	segs, templateErr := route.ParseTemplate(e.Path)
	if templateErr != nil {
		bad("path", "%v", templateErr)
	}
	var err error
	var accepted scope.Accepted
	if len(e.Scopes) == 0 {
		bad("scopes", "no scope: an endpoint accepts at least one")
	} else if accepted, err = cat.Accept(e.Scopes...); err != nil {
		problems = append(problems, &fieldError{"scopes", err})
	}
	if !e.Permissions.IsValid() {
		// Never advise an open endpoint: a requirement that could not
		// be read must not become "none" by a fix in haste.
		bad("permissions", "no permission requirement (the zero Requirement, never satisfied): state what the endpoint requires; an entry without one is refused, never opened to every caller")
	}
	divParam := -1
	switch d := e.Division; {
	case d == "" || d == DivisionFromRequest:
	case strings.HasPrefix(d, "{") && strings.HasSuffix(d, "}"):
		name := d[1 : len(d)-1]
		divParam = slices.IndexFunc(segs, func(s route.Segment) bool { return s.Param && s.Text == name })
		if divParam < 0 && templateErr == nil {
			bad("division", "division %s names no parameter of the path", d)
		}
	default:
		bad("division", "division %q: want \"\", %q or a path parameter such as {userId}", d, DivisionFromRequest)
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
// reaches, by the rules of the package documentation ("Matching
// requests"), and whether there is one. A nil or zero policy has none.
func (p *Policy) Match(method, path string) (Endpoint, bool) {
	if p == nil {
		return Endpoint{}, false
	}
	var s route.Segments
	return p.endpointAt(p.table.LookupPath(method, path, &s))
}

// Route returns the endpoint of a route, "GET /api/v2/users/{userId}":
// a method, a space and a path template, as [Endpoint.Route] writes it or
// as http.ServeMux reports a matched pattern. Parameter names need not be
// the table's ("GET /api/v2/users/{id}" finds the same endpoint), and a
// HEAD route finds a GET endpoint. A nil or zero policy has none.
func (p *Policy) Route(r string) (Endpoint, bool) {
	if p == nil {
		return Endpoint{}, false
	}
	method, _, _ := strings.Cut(r, " ")
	return p.endpointAt(p.table.LookupPattern(method, r))
}

// Accepted returns the scopes the endpoint of a route (as [Policy.Route]
// reads it) accepts, compiled against the policy's catalog, and whether
// there is such an endpoint.
func (p *Policy) Accepted(r string) (scope.Accepted, bool) {
	if p == nil {
		return scope.Accepted{}, false
	}
	method, _, _ := strings.Cut(r, " ")
	if i := p.at(p.table.LookupPattern(method, r)); i >= 0 {
		return p.endpoints[i].accepted, true
	}
	return scope.Accepted{}, false
}

// matched is how a request found its endpoint: the raw path split into
// segments, or a router's pattern, exact when it is the endpoint's route
// as Endpoint.Route writes it (its parameters have the table's names).
type matched struct {
	segs  route.Segments
	exact bool
}

// lookup returns the number of the endpoint a request reaches, or -1: by
// the router's pattern if it gave one, else by the raw path, split into
// m.segs.
func (p *Policy) lookup(r *Request, m *matched) int {
	if r.Pattern != "" {
		i, exact := p.table.LookupRoute(r.Method, r.Pattern)
		m.exact = exact
		return p.at(i)
	}
	return p.at(p.table.LookupPath(r.Method, r.Path, &m.segs))
}

// endpointAt returns a copy of endpoint i, or false for -1.
func (p *Policy) endpointAt(i int) (Endpoint, bool) {
	if i = p.at(i); i < 0 {
		return Endpoint{}, false
	}
	e := p.endpoints[i].Endpoint
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

// scopeFree reports whether an org has scope enforcement off: org's
// one setting on the allowed path, read without copying the others.
func (p *Policy) scopeFree(id client.OrgID) bool {
	return len(p.orgs) != 0 && p.orgs[id].DisableScopeEnforcement
}
