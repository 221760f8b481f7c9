package scopetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// HomeDivision is the division of roles and resources when a Profile
// names none.
const HomeDivision permission.DivisionID = "home"

// Sentinel errors of Table.Matrix.
var (
	// ErrProfile reports a profile that no real token could have: an
	// invalid grant type, scopes on a client-credentials profile, no scope
	// on a user profile, a scope the catalog does not know, or an invalid
	// role.
	ErrProfile = errors.New("scopetest: invalid profile")
	// ErrUnknownRoute reports a route that names no endpoint of the table.
	ErrUnknownRoute = errors.New("scopetest: route not in the endpoint table")
	// ErrTable reports an endpoint table that does not compile into a
	// policy; the error wraps the enforce package's.
	ErrTable = errors.New("scopetest: invalid endpoint table")
)

// A Table is what an application is tested against: the scope catalog and
// the endpoint table of the API it calls.
type Table struct {
	Catalog   *scope.Catalog
	Endpoints []enforce.Endpoint
}

// A Profile describes an application under test: how it gets its tokens,
// which scopes they carry, and what the user behind them (or, for client
// credentials, the client itself) may do.
type Profile struct {
	// Name names the application in failure messages.
	Name string
	// GrantType is how the application gets its tokens.
	GrantType client.GrantType
	// Scopes are the scopes its tokens carry: at least one, except for
	// client credentials, whose tokens carry none.
	Scopes scope.Set
	// Roles are the roles of its user, or of the client for client
	// credentials.
	Roles []RoleGrant
	// Division is the division of every resource the calls touch, for
	// division-aware endpoints; HomeDivision when empty.
	Division permission.DivisionID
}

// A RoleGrant is a role and where it applies: in Divisions, in all
// divisions, or, when neither is given, in HomeDivision.
type RoleGrant struct {
	Role         permission.Role
	Divisions    []permission.DivisionID
	AllDivisions bool
}

// A Row is the enforcer's decision on one route for a profile.
type Row struct {
	// Route is the endpoint's method and template, as
	// enforce.Endpoint.Route writes it.
	Route  string
	Code   enforce.Code
	Status int
	// Reason and Remedy explain a denial, in words.
	Reason string
	Remedy string
}

// A Matrix is a profile's allow/deny decision on each route of a table.
type Matrix struct {
	Profile string
	Rows    []Row
}

// Row returns the row of route.
func (m Matrix) Row(route string) (Row, bool) {
	for _, r := range m.Rows {
		if r.Route == route {
			return r, true
		}
	}
	return Row{}, false
}

// Allowed returns the routes the profile may call, in the matrix's order.
func (m Matrix) Allowed() []string {
	var out []string
	for _, r := range m.Rows {
		if r.Code == enforce.CodeAllowed {
			out = append(out, r.Route)
		}
	}
	return out
}

// String writes the matrix as a table, one route per line with its code:
//
//	Agent Desktop
//	  ALLOWED             GET /api/v2/conversations
//	  SCOPE_INSUFFICIENT  POST /api/v2/conversations
func (m Matrix) String() string {
	width := 0
	for _, r := range m.Rows {
		width = max(width, len(r.Code.String()))
	}
	var b strings.Builder
	b.WriteString(m.Profile)
	b.WriteByte('\n')
	for _, r := range m.Rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.Code, r.Route)
	}
	return b.String()
}

// Want is an expected matrix: the code of each route.
type Want map[string]enforce.Code

// Matrix returns the decisions on routes for profile p, in the order
// given, or on every endpoint of the table, in its order, when no route is
// given. A route that names no endpoint is an error wrapping
// ErrUnknownRoute; a profile no real token could have, ErrProfile; a table
// that does not compile, ErrTable.
func (t Table) Matrix(p Profile, routes ...string) (Matrix, error) {
	s, err := t.newSim(p)
	if err != nil {
		return Matrix{}, err
	}
	eps := s.enforcer.Policy().Endpoints()
	if len(routes) > 0 {
		byRoute := make(map[string]enforce.Endpoint, len(eps))
		for _, ep := range eps {
			byRoute[ep.Route()] = ep
		}
		eps = eps[:0:0]
		var unknown []string
		for _, r := range routes {
			ep, ok := byRoute[r]
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%q", r))
				continue
			}
			eps = append(eps, ep)
		}
		if len(unknown) > 0 {
			return Matrix{}, fmt.Errorf("%w: %s", ErrUnknownRoute, strings.Join(unknown, ", "))
		}
	}
	m := Matrix{Profile: p.Name, Rows: make([]Row, 0, len(eps))}
	for _, ep := range eps {
		row, err := s.decide(ep)
		if err != nil {
			return Matrix{}, err
		}
		m.Rows = append(m.Rows, row)
	}
	return m, nil
}

// Expect checks that profile p gets the codes of want on the table's
// routes, and fails tb with a readable difference if not: one entry per
// route, with the expected code, the decision, its reason and its remedy.
// Only the routes of want are decided, and every one of them must be in
// the table. It calls tb.Fatalf when there is nothing to check or the
// matrix cannot be worked out (see Table.Matrix). It returns the matrix
// decided.
func Expect(tb testing.TB, t Table, p Profile, want Want) Matrix {
	tb.Helper()
	if len(want) == 0 {
		tb.Fatalf("scopetest: %s: no expected decisions: a check of nothing cannot fail", p.Name)
		return Matrix{}
	}
	s, err := t.newSim(p)
	if err != nil {
		tb.Fatalf("%v", err)
		return Matrix{}
	}
	// The table's order, so that the difference reads like the table.
	m := Matrix{Profile: p.Name}
	for _, ep := range s.enforcer.Policy().Endpoints() {
		if _, ok := want[ep.Route()]; !ok {
			continue
		}
		row, err := s.decide(ep)
		if err != nil {
			tb.Fatalf("%v", err)
			return Matrix{}
		}
		m.Rows = append(m.Rows, row)
	}
	if d := Diff(m, want); d != "" {
		tb.Errorf("scopetest: %s: the allow/deny matrix is not the expected one:\n%s", p.Name, d)
	}
	return m
}

// Diff describes how got differs from want, route by route, or returns ""
// when every route of want has its code in got and got has no other
// route:
//
//	GET /api/v2/users/me
//	    want ALLOWED
//	    got  USER_REQUIRED: GET /api/v2/users/me acts for a user, ...
//	         to fix: call it with a token from a user grant ...
func Diff(got Matrix, want Want) string {
	var b strings.Builder
	seen := make(map[string]bool, len(got.Rows))
	for _, r := range got.Rows {
		seen[r.Route] = true
		code, ok := want[r.Route]
		switch {
		case !ok:
			fmt.Fprintf(&b, "%s\n    want (not expected: add the route to the expected matrix)\n", r.Route)
			writeGot(&b, r)
		case code != r.Code:
			fmt.Fprintf(&b, "%s\n    want %s\n", r.Route, code)
			writeGot(&b, r)
		}
	}
	var missing []string
	for route := range want {
		if !seen[route] {
			missing = append(missing, route)
		}
	}
	slices.Sort(missing)
	for _, route := range missing {
		fmt.Fprintf(&b, "%s\n    want %s\n    got  nothing: the route is not in the endpoint table\n", route, want[route])
	}
	return b.String()
}

func writeGot(b *strings.Builder, r Row) {
	if r.Code == enforce.CodeAllowed {
		fmt.Fprintf(b, "    got  %s\n", r.Code)
		return
	}
	fmt.Fprintf(b, "    got  %s: %s\n", r.Code, r.Reason)
	if r.Remedy != "" {
		fmt.Fprintf(b, "         to fix: %s\n", r.Remedy)
	}
}

// sim is an enforcer set up for one profile.
type sim struct {
	enforcer *enforce.Enforcer
	token    grant.Token
	division permission.DivisionID
}

const (
	org  client.OrgID = "scopetest-org"
	user              = "scopetest-user"
)

// clientID is the simulated client's ID, fixed so that reasons that name
// the client read the same in every run.
var clientID = client.MustParseID("5c07e5a0-0000-4000-8000-000000000001")

// now is the simulated time.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (t Table) newSim(p Profile) (*sim, error) {
	ctx := context.Background()
	if t.Catalog == nil {
		return nil, fmt.Errorf("%w: no scope catalog", ErrTable)
	}
	switch {
	case !p.GrantType.IsValid():
		return nil, fmt.Errorf("%w: %s: no valid grant type", ErrProfile, p.Name)
	case !p.GrantType.UsesScopes() && !p.Scopes.IsEmpty():
		return nil, fmt.Errorf("%w: %s: a %s token carries no scopes; its access comes from the client's roles", ErrProfile, p.Name, p.GrantType)
	case p.GrantType.UsesScopes() && p.Scopes.IsEmpty():
		return nil, fmt.Errorf("%w: %s: a %s token carries at least one scope", ErrProfile, p.Name, p.GrantType)
	}
	if err := t.Catalog.Validate(p.Scopes); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrProfile, p.Name, err)
	}

	tok := grant.Token{ID: grant.NewTokenID(), Client: clientID, Org: org, GrantType: p.GrantType, Scopes: p.Scopes,
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	if p.GrantType.NeedsUser() {
		tok.User = user
	}
	div := p.Division
	if div == "" {
		div = HomeDivision
	}
	// The simulated org has Home and every division the profile names.
	divs := []permission.Division{{ID: HomeDivision, Name: "Home", Home: true}}
	for _, id := range append([]permission.DivisionID{div}, p.divisions()...) {
		if !slices.ContainsFunc(divs, func(d permission.Division) bool { return d.ID == id }) {
			divs = append(divs, permission.Division{ID: id, Name: string(id)})
		}
	}
	orgDivs, err := permission.NewDivisions(divs...)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: divisions: %w", ErrProfile, p.Name, err)
	}
	perms := permission.NewMemStore()
	if err := perms.PutDivisions(org, orgDivs); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrProfile, p.Name, err)
	}
	for i, rg := range p.Roles {
		g := permission.Grant{Subject: tok.Subject(), Role: rg.Role.ID, Divisions: rg.Divisions, AllDivisions: rg.AllDivisions}
		if len(g.Divisions) == 0 && !g.AllDivisions {
			g.Divisions = []permission.DivisionID{HomeDivision}
		}
		if err := perms.PutRole(org, rg.Role); err != nil {
			return nil, fmt.Errorf("%w: %s: roles[%d]: %w", ErrProfile, p.Name, i, err)
		}
		if err := perms.AddGrant(org, g); err != nil {
			return nil, fmt.Errorf("%w: %s: roles[%d]: %w", ErrProfile, p.Name, i, err)
		}
	}
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: t.Catalog, Endpoints: t.Endpoints})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTable, err)
	}
	clients := client.NewMemStore()
	if err := clients.CreateClient(ctx, client.Client{ID: clientID, Org: org, Name: p.Name, State: client.Active, GrantType: p.GrantType}); err != nil {
		return nil, err
	}
	e, err := enforce.New(policy, enforce.Sources{
		Access:      permission.NewCache(perms, 0),
		Revocations: grant.NewMemStore(func() time.Time { return now }),
		Clients:     clients,
		Divisions:   inDivision(div),
	}, enforce.WithClock(func() time.Time { return now }))
	if err != nil {
		return nil, err
	}
	return &sim{enforcer: e, token: tok, division: div}, nil
}

// decide asks the enforcer about one endpoint.
func (s *sim) decide(ep enforce.Endpoint) (Row, error) {
	d, err := s.enforcer.Enforce(context.Background(), &enforce.Request{
		Method:   ep.Method,
		Path:     fill(ep.Path),
		Pattern:  ep.Route(),
		Token:    s.token,
		Division: s.division,
		Params:   params{},
	})
	if err != nil {
		return Row{}, fmt.Errorf("scopetest: %s: %w", ep.Route(), err)
	}
	return Row{Route: ep.Route(), Code: d.Code(), Status: d.Status(), Reason: d.Reason(), Remedy: d.Remedy()}, nil
}

// divisions lists the divisions the profile's roles name.
func (p Profile) divisions() []permission.DivisionID {
	var out []permission.DivisionID
	for _, rg := range p.Roles {
		out = append(out, rg.Divisions...)
	}
	return out
}

// inDivision is a DivisionResolver that puts every resource in one
// division.
type inDivision permission.DivisionID

func (d inDivision) ResolveDivision(context.Context, client.OrgID, string, string, string) (permission.DivisionID, error) {
	return permission.DivisionID(d), nil
}

// params gives every path parameter a value.
type params struct{}

func (params) PathValue(name string) string { return "scopetest-" + name }

// fill replaces the parameters of a path template with values.
func fill(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
			segs[i] = params{}.PathValue(s[1 : len(s)-1])
		}
	}
	return strings.Join(segs, "/")
}
