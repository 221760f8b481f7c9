package review

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/internal/route"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// DefaultSearchLimit is the number of branch-and-bound steps
// [Index.Minimal] may take by default before it settles for the best cover
// found so far: a few milliseconds at most. The sample table's profiles,
// and 100 calls over the 3,000-endpoint benchmark table, need none: the
// reductions alone solve them.
const DefaultSearchLimit = 5000

// An Option configures an [Index].
type Option func(*settings)

type settings struct {
	searchLimit int
	adminGrade  func(enforce.Endpoint) bool
}

// WithSearchLimit sets how many branch-and-bound steps a minimal-scope
// computation may take before it gives up proving optimality and returns
// the best cover found so far, which is never worse than the greedy one
// (see the package documentation). Zero means greedy only. A negative
// limit is ignored.
func WithSearchLimit(steps int) Option {
	return func(s *settings) {
		if steps >= 0 {
			s.searchLimit = steps
		}
	}
}

// WithAdminGrade sets which endpoints are admin-grade, for
// [Index.Scrutinize]: those that change who may do what, or the org
// itself. The default is [DefaultAdminGrade]. A nil function is ignored.
func WithAdminGrade(f func(enforce.Endpoint) bool) Option {
	return func(s *settings) {
		if f != nil {
			s.adminGrade = f
		}
	}
}

// adminDomains are the permission domains, and adminSegments the path
// segments, of admin-grade endpoints by default.
var (
	adminDomains  = []string{"authorization", "oauth", "admin"}
	adminSegments = []string{"authorization", "oauth", "organization", "organizations"}
)

// DefaultAdminGrade reports whether an endpoint is admin-grade by
// default: it changes who may do what, or the org itself. That is, it
// requires a permission of the authorization, oauth or admin domains, or
// one on the organization entity (directory:organization:admin), or its
// path has a static segment authorization, oauth, organization or
// organizations (/api/v2/oauth/clients, /api/v2/organizations/settings).
func DefaultAdminGrade(e enforce.Endpoint) bool {
	for _, p := range e.Permissions.Permissions() {
		if slices.Contains(adminDomains, p.Domain()) || p.Entity() == "organization" {
			return true
		}
	}
	for seg := range strings.SplitSeq(e.Path, "/") {
		if slices.Contains(adminSegments, seg) {
			return true
		}
	}
	return false
}

// Breadth measures how much access a scope, or a set of scopes, grants:
// the endpoints of the table it unlocks, how many of those write, and the
// catalog scopes it grants. A scope with a smaller Breadth is narrower.
type Breadth struct {
	// Writes counts the endpoints it unlocks that write: those whose
	// method is not GET, HEAD or OPTIONS, unless the table marks them
	// [enforce.Endpoint].ReadOnly.
	Writes int `json:"writes"`
	// Endpoints counts the endpoints it unlocks: those that accept it, or
	// a scope it implies.
	Endpoints int `json:"endpoints"`
	// Grants counts the catalog scopes it grants: itself and every scope
	// it implies.
	Grants int `json:"grants"`
}

// Compare compares b and o field by field in the order Writes,
// Endpoints, Grants, and returns -1 if b is narrower, +1 if it is
// broader, 0 if they are equal.
func (b Breadth) Compare(o Breadth) int {
	if c := cmp.Compare(b.Writes, o.Writes); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Endpoints, o.Endpoints); c != 0 {
		return c
	}
	return cmp.Compare(b.Grants, o.Grants)
}

// String describes b in words: "3 endpoints, none that writes".
func (b Breadth) String() string {
	eps := strconv.Itoa(b.Endpoints) + " " + plural(b.Endpoints, "endpoint", "endpoints")
	switch b.Writes {
	case 0:
		return eps + ", none that writes"
	case b.Endpoints:
		if b.Endpoints == 1 {
			return eps + ", which writes"
		}
		return eps + ", all of which write"
	case 1:
		return eps + ", 1 of which writes"
	}
	return fmt.Sprintf("%s, %d of which write", eps, b.Writes)
}

// An Index is a policy's endpoint table and scope catalog, arranged for
// reviews: which scopes satisfy each endpoint, and how broad each scope
// is. Build it once with [New] and use it for any number of reviews.
//
// An Index is immutable and safe for concurrent use. It reflects the
// policy it was built from; build a new one when the table or the catalog
// changes.
type Index struct {
	policy  *enforce.Policy
	catalog *scope.Catalog
	limit   int
	scopes  []scope.Scope // the catalog's scopes in canonical order; a scope's position is its id
	ids     map[scope.Scope]int32
	breadth []Breadth // per scope id
	eps     []endpoint
	byRoute map[string]int32
	byName  map[string]int32
	// The concrete permissions the table's requirements name, for role
	// reviews: a permission's position is its id.
	perms    []permission.Permission
	permIDs  map[permission.Permission]int32
	byDomain map[string][]int32 // a domain's permission ids, ascending
}

// endpoint is one endpoint of the table, as reviews see it.
type endpoint struct {
	route      string
	name       string
	method     string
	segs       []route.Segment // the path template's segments
	write      bool
	admin      bool // admin-grade, for scrutiny
	accepts    scope.Set
	accepted   scope.Accepted
	satisfiers []int32 // ids of the scopes that satisfy it, ascending
	// For role reviews: how the requirement combines its permissions,
	// their ids, and whether it must hold in the resource's division.
	req   permission.Requirement
	kind  permission.Kind
	need  []int32
	aware bool
}

// New builds an index over the endpoint table and scope catalog of p.
// Only the table and the catalog are used: no permission is looked up. A
// nil policy, or one not made by enforce.NewPolicy, is an error wrapping
// ErrInvalid.
func New(p *enforce.Policy, opts ...Option) (*Index, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil policy", ErrInvalid)
	}
	if p.Catalog() == nil {
		return nil, fmt.Errorf("%w: the policy was not made by enforce.NewPolicy", ErrInvalid)
	}
	set := settings{searchLimit: DefaultSearchLimit, adminGrade: DefaultAdminGrade}
	for _, o := range opts {
		if o != nil {
			o(&set)
		}
	}
	cat := p.Catalog()
	ix := &Index{
		policy:   p,
		catalog:  cat,
		limit:    set.searchLimit,
		ids:      make(map[scope.Scope]int32, cat.Len()),
		byRoute:  make(map[string]int32),
		byName:   make(map[string]int32),
		permIDs:  make(map[permission.Permission]int32),
		byDomain: make(map[string][]int32),
	}
	for e := range cat.All() {
		ix.ids[e.Scope] = int32(len(ix.scopes))
		ix.scopes = append(ix.scopes, e.Scope)
		ix.breadth = append(ix.breadth, Breadth{Grants: 1 + cat.Implied(e.Scope).Len()})
	}
	for _, e := range p.Endpoints() {
		// NewPolicy compiled every endpoint: its template parses, and its
		// scopes are compiled against the catalog.
		accepted, ok := p.Accepted(e.Route())
		segs, err := route.ParseTemplate(e.Path)
		if !ok || err != nil {
			return nil, fmt.Errorf("%w: endpoint %s is not the policy's", ErrInvalid, e.Route())
		}
		ep := endpoint{
			route:    e.Route(),
			name:     e.Name,
			method:   e.Method,
			segs:     segs,
			write:    isWrite(e),
			admin:    set.adminGrade(e),
			accepts:  accepted.Scopes(),
			accepted: accepted,
			req:      e.Permissions,
			kind:     e.Permissions.Kind(),
			aware:    e.Division != "",
		}
		for _, perm := range e.Permissions.Permissions() {
			id, ok := ix.permIDs[perm]
			if !ok {
				id = int32(len(ix.perms))
				ix.permIDs[perm] = id
				ix.perms = append(ix.perms, perm)
				ix.byDomain[perm.Domain()] = append(ix.byDomain[perm.Domain()], id)
			}
			ep.need = append(ep.need, id)
		}
		for s := range accepted.Satisfiers().All() {
			id := ix.ids[s]
			ep.satisfiers = append(ep.satisfiers, id)
			ix.breadth[id].Endpoints++
			if ep.write {
				ix.breadth[id].Writes++
			}
		}
		slices.Sort(ep.satisfiers)
		i := int32(len(ix.eps))
		ix.eps = append(ix.eps, ep)
		ix.byRoute[ep.route] = i
		if e.Name != "" {
			ix.byName[e.Name] = i
		}
	}
	return ix, nil
}

// isWrite reports whether an endpoint changes something: its method says
// so, and the table does not mark it read-only (a query sent with POST).
func isWrite(e enforce.Endpoint) bool {
	return !e.ReadOnly && e.Method != "GET" && e.Method != "HEAD" && e.Method != "OPTIONS"
}

// errNoIndex is what an Index not made by New answers.
var errNoIndex = fmt.Errorf("%w: the index was not made by New", ErrInvalid)

// ready reports errNoIndex for a nil or zero Index.
func (ix *Index) ready() error {
	if ix == nil || ix.catalog == nil {
		return errNoIndex
	}
	return nil
}

// Catalog returns the scope catalog the index was built with; nil for an
// Index not made by New.
func (ix *Index) Catalog() *scope.Catalog {
	if ix == nil {
		return nil
	}
	return ix.catalog
}

// Breadth returns how broad s is in the index's table and catalog, and
// false if the catalog does not know s.
func (ix *Index) Breadth(s scope.Scope) (Breadth, bool) {
	if ix == nil {
		return Breadth{}, false
	}
	id, ok := ix.ids[s]
	if !ok {
		return Breadth{}, false
	}
	return ix.breadth[id], true
}

// Reach returns what s unlocks as a whole: the endpoints of the table that
// accept one of its scopes or a scope one implies, how many of those
// write, and how many catalog scopes it grants. Unlike the sum of its
// scopes' [Breadth], it counts each endpoint once. Scopes the catalog
// does not know grant nothing.
func (ix *Index) Reach(s scope.Set) Breadth {
	if ix == nil {
		return Breadth{}
	}
	g := ix.catalog.Grant(s)
	var b Breadth
	for i := range ix.eps {
		if g.Satisfies(ix.eps[i].accepted) {
			b.Endpoints++
			if ix.eps[i].write {
				b.Writes++
			}
		}
	}
	for _, sc := range ix.scopes {
		if g.Has(sc) {
			b.Grants++
		}
	}
	return b
}
