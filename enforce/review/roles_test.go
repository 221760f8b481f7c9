package review_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// sampleRoles indexes the sample roles over the sample table.
func sampleRoles(tb testing.TB, opts ...review.Option) *review.RoleIndex {
	tb.Helper()
	rx, err := sampleIndex(tb, opts...).Roles(esample.Roles())
	require.NoError(tb, err)
	return rx
}

func divs(ids ...string) []permission.DivisionID {
	out := make([]permission.DivisionID, len(ids))
	for i, id := range ids {
		out[i] = permission.DivisionID(id)
	}
	return out
}

// Each guide profile's role is the least one for its calls: every call
// is org-wide, so one division, the first named, suffices.
func TestMinimalRolesProfiles(t *testing.T) {
	rx := sampleRoles(t)
	for _, p := range esample.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			sel, err := rx.Minimal(review.RoleQuery{Calls: p.Calls, Divisions: divs("home", "sales")})
			require.NoError(t, err)
			require.True(t, sel.Exact)
			require.Equal(t, []client.RoleAssignment{{Role: p.Role, Divisions: divs("home")}}, sel.Grants)
		})
	}
}

func TestMinimalRoles(t *testing.T) {
	rx := sampleRoles(t)
	tests := []struct {
		name  string
		q     review.RoleQuery
		want  []client.RoleAssignment
		roles [][]string // the roles of each need
	}{
		{name: "the API automation job",
			q:     review.RoleQuery{Calls: []string{"GET /api/v2/users", "GET /api/v2/outbound/campaigns"}, Divisions: divs("home")},
			want:  []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}},
			roles: [][]string{{"automation"}, {"automation"}}},
		{name: "a division-aware call needs the role in every division named",
			q:     review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}", "GET /api/v2/outbound/campaigns/{campaignId}"}, Divisions: divs("home", "sales")},
			want:  []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}},
			roles: [][]string{{"automation"}, {"automation"}}},
		{name: "or in all divisions",
			q:     review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}"}, AllDivisions: true},
			want:  []client.RoleAssignment{{Role: "automation", AllDivisions: true}},
			roles: [][]string{{"automation"}}},
		{name: "an org-wide call needs one division only: the first named",
			q: review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}", "GET /api/v2/knowledge/knowledgebases"}, Divisions: divs("sales", "home")},
			want: []client.RoleAssignment{{Role: "automation", Divisions: divs("sales", "home")},
				{Role: "chatbot", Divisions: divs("sales")}},
			roles: [][]string{{"automation"}, {"chatbot"}}},
		{name: "with none named, the registry's Home division",
			q:     review.RoleQuery{Calls: []string{"GET /api/v2/knowledge/knowledgebases"}},
			want:  []client.RoleAssignment{{Role: "chatbot"}},
			roles: [][]string{{"chatbot"}}},
		{name: "the narrowest role: analyst reads, supervisor also writes",
			q:     review.RoleQuery{Calls: []string{"POST /api/v2/analytics/conversations/details/query"}, Divisions: divs("home")},
			want:  []client.RoleAssignment{{Role: "analyst", Divisions: divs("home")}},
			roles: [][]string{{"analyst"}}},
		{name: "two narrow roles beat one broad one",
			q:     review.RoleQuery{Calls: []string{"POST /api/v2/analytics/conversations/details/query", "GET /api/v2/knowledge/knowledgebases"}, Divisions: divs("home")},
			want:  []client.RoleAssignment{{Role: "analyst", Divisions: divs("home")}, {Role: "chatbot", Divisions: divs("home")}},
			roles: [][]string{{"analyst"}, {"chatbot"}}},
		{name: "only admin holds it",
			q:     review.RoleQuery{Calls: []string{"POST /api/v2/oauth/clients"}, Divisions: divs("home")},
			want:  []client.RoleAssignment{{Role: "admin", Divisions: divs("home")}},
			roles: [][]string{{"admin"}}},
		{name: "no permission, no role",
			q:     review.RoleQuery{Calls: []string{"GET /api/v2/users/me"}, Divisions: divs("home")},
			roles: [][]string{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := rx.Minimal(tt.q)
			require.NoError(t, err)
			require.True(t, sel.Exact)
			if diff := cmp.Diff(tt.want, sel.Grants); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
			var roles [][]string
			for _, n := range sel.Needs {
				var ids []string
				for _, r := range n.Roles {
					ids = append(ids, string(r))
				}
				roles = append(roles, ids)
			}
			require.Equal(t, tt.roles, roles)
		})
	}
}

// An all-of requirement whose permissions no single role holds is met by
// two roles together.
func TestMinimalRolesSpreadRequirement(t *testing.T) {
	none := permission.NoneRequired()
	cat, err := scope.NewCatalog([]scope.Entry{{Scope: scope.MustParse("x:y"), Description: "X"}})
	require.NoError(t, err)
	x := []scope.Scope{scope.MustParse("x:y")}
	eps := []enforce.Endpoint{
		{Method: "PUT", Path: "/users/{id}/roles", Scopes: x, Division: "{id}",
			Permissions: permission.MustAllOf(permission.MustParse("authorization:grant:add"), permission.MustParse("authorization:grant:delete"))},
		{Method: "GET", Path: "/free", Scopes: x, Permissions: none},
	}
	rx, err := newIndex(t, cat, eps).Roles([]permission.Role{
		role("adder", "authorization:grant:add"), role("deleter", "authorization:grant:delete"),
	})
	require.NoError(t, err)
	sel, err := rx.Minimal(review.RoleQuery{Calls: []string{"PUT /users/{id}/roles"}, Divisions: divs("home")})
	require.NoError(t, err)
	require.Equal(t, []client.RoleAssignment{{Role: "adder", Divisions: divs("home")}, {Role: "deleter", Divisions: divs("home")}}, sel.Grants)
	require.Equal(t, []permission.RoleID{"adder", "deleter"}, sel.Needs[0].Roles)
	require.Equal(t, "all of authorization:grant:add, authorization:grant:delete", sel.Needs[0].Requires.String())
	require.True(t, sel.Needs[0].DivisionAware)
}

func role(id string, policies ...string) permission.Role {
	r := permission.Role{ID: permission.RoleID(id), Name: id}
	for _, p := range policies {
		r.Policies = append(r.Policies, permission.MustParse(p))
	}
	return r
}

func TestMinimalRolesErrors(t *testing.T) {
	rx := sampleRoles(t)
	_, err := rx.Minimal(review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}", "PATCH /api/v2/users/{userId}"}})
	require.ErrorIs(t, err, review.ErrInvalid)
	require.EqualError(t, err, "review: invalid input: GET /api/v2/users/{userId}, PATCH /api/v2/users/{userId} check their permission in the resource's division: name the divisions the app acts in, or all divisions")
	_, err = rx.Minimal(review.RoleQuery{Calls: []string{"getUsers"}, Divisions: divs("home", "home")})
	require.ErrorIs(t, err, review.ErrInvalid)
	_, err = rx.Minimal(review.RoleQuery{Calls: []string{"getUserMe"}, Divisions: divs("home")})
	var ce *review.CallError
	require.ErrorAs(t, err, &ce)
	_, err = rx.Minimal(review.RoleQuery{Divisions: divs("home")})
	require.ErrorIs(t, err, review.ErrNoCalls)

	few, err := sampleIndex(t).Roles([]permission.Role{role("viewer", "directory:user:view")})
	require.NoError(t, err)
	_, err = few.Minimal(review.RoleQuery{Calls: []string{"GET /api/v2/users", "POST /api/v2/users", "GET /api/v2/conversations/{conversationId}/recordings"}, Divisions: divs("home")})
	require.ErrorIs(t, err, review.ErrNoRole)
	require.EqualError(t, err, "review: no role holds a permission the calls need: no role holds directory:user:add, which POST /api/v2/users needs\n"+
		"review: no role holds a permission the calls need: no role holds any of recording:recording:view, recording:recording:viewSensitiveData, which GET /api/v2/conversations/{conversationId}/recordings needs")

	_, err = sampleIndex(t).Roles([]permission.Role{role("a", "directory:user:view"), role("a", "directory:user:add"), {ID: "b"}})
	require.ErrorIs(t, err, review.ErrInvalid)
	require.ErrorContains(t, err, `role "a" listed twice`)
	require.ErrorContains(t, err, `role "b" has no name`)
}

func TestRoleBreadth(t *testing.T) {
	rx := sampleRoles(t)
	b, ok := rx.Breadth("automation")
	require.True(t, ok)
	// GET /api/v2/users, /{userId} (division-aware), the campaigns, and
	// /{campaignId} (division-aware): four reads.
	require.Equal(t, review.RoleBreadth{Endpoints: 4, DivisionAware: 2}, b)
	require.Equal(t, "4 endpoints, none that writes", b.String())
	_, ok = rx.Breadth("nobody")
	require.False(t, ok)
	r, ok := rx.Role("automation")
	require.True(t, ok)
	require.Equal(t, "Automation", r.Name)
	require.Negative(t, review.RoleBreadth{Endpoints: 9}.Compare(review.RoleBreadth{Writes: 1}))
}

// randomRoleInstance builds a table over 8 permissions in two domains,
// with random requirements (any-of, all-of, none), methods and
// division-awareness, and roles of random policies, wildcards included.
func randomRoleInstance(t *testing.T, rng *rand.Rand, nRoles, nEndpoints int) (*scope.Catalog, []enforce.Endpoint, []permission.Role) {
	var perms []permission.Permission
	for _, d := range []string{"alpha", "beta"} {
		for _, e := range []string{"thing", "other"} {
			for _, a := range []string{"view", "edit"} {
				perms = append(perms, permission.MustParse(d+":"+e+":"+a))
			}
		}
	}
	cat, err := scope.NewCatalog([]scope.Entry{{Scope: scope.MustParse("x:y"), Description: "X"}})
	require.NoError(t, err)
	pick := func(n int) []permission.Permission {
		idx := rng.Perm(len(perms))[:n]
		out := make([]permission.Permission, n)
		for i, j := range idx {
			out[i] = perms[j]
		}
		return out
	}
	methods := []string{"GET", "POST", "DELETE"}
	var eps []enforce.Endpoint
	for i := range nEndpoints {
		e := enforce.Endpoint{Method: methods[rng.IntN(3)], Path: fmt.Sprintf("/e%02d/{id}", i), Scopes: []scope.Scope{scope.MustParse("x:y")}}
		e.ReadOnly = e.Method == "POST" && rng.IntN(2) == 0
		if rng.IntN(2) == 0 {
			e.Division = "{id}"
		}
		switch rng.IntN(6) {
		case 0:
			e.Permissions = permission.NoneRequired()
		case 1, 2:
			e.Permissions = permission.MustAnyOf(pick(2)...)
		default:
			e.Permissions = permission.MustAllOf(pick(1 + rng.IntN(2))...)
		}
		eps = append(eps, e)
	}
	wild := []string{"alpha:*:*", "beta:thing:*", "alpha:*:view", "beta:*:edit"}
	var roles []permission.Role
	for i := range nRoles {
		r := permission.Role{ID: permission.RoleID(fmt.Sprintf("r%d", i)), Name: fmt.Sprintf("Role %d", i)}
		for range 1 + rng.IntN(3) {
			if rng.IntN(5) == 0 {
				r.Policies = append(r.Policies, permission.MustParse(wild[rng.IntN(len(wild))]))
			} else {
				r.Policies = append(r.Policies, perms[rng.IntN(len(perms))])
			}
		}
		roles = append(roles, r)
	}
	if rng.IntN(2) == 0 {
		// A role that holds everything: broader than any set of the
		// others, it joins every element, and the bound must rule it out.
		roles = append(roles, role("super", "alpha:*:*", "beta:*:*"))
	}
	return cat, eps, roles
}

// roleWorld evaluates grants with the permission package, as the
// enforcer would: the org has the divisions home (Home), sales and
// support.
type roleWorld struct {
	eps   []enforce.Endpoint
	roles []permission.Role // sorted by ID
}

const worldOrg permission.OrgID = "org"

func (w roleWorld) access(t *testing.T, grants []client.RoleAssignment) *permission.Access {
	st := permission.NewMemStore()
	d, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true},
		permission.Division{ID: "sales", Name: "Sales"}, permission.Division{ID: "support", Name: "Support"})
	require.NoError(t, err)
	require.NoError(t, st.PutDivisions(worldOrg, d))
	for _, r := range w.roles {
		require.NoError(t, st.PutRole(worldOrg, r))
	}
	for _, g := range grants {
		pg := permission.Grant{Subject: permission.Client("app"), Role: g.Role, Divisions: g.Divisions, AllDivisions: g.AllDivisions}
		if !g.AllDivisions && len(g.Divisions) == 0 {
			pg.Divisions = divs("home") // what the registry gives
		}
		require.NoError(t, st.AddGrant(worldOrg, pg))
	}
	a, err := permission.Compile(context.Background(), st, worldOrg, permission.Client("app"))
	require.NoError(t, err)
	return a
}

// passes reports whether grants let every call pass, in every division
// the query names (or all of them).
func (w roleWorld) passes(t *testing.T, q review.RoleQuery, calls []int, grants []client.RoleAssignment) bool {
	a := w.access(t, grants)
	for _, c := range calls {
		e := w.eps[c]
		switch {
		case e.Permissions.Kind() == permission.None:
		case e.Division == "":
			if !a.Check(e.Permissions, permission.OrgWide()).Satisfied() {
				return false
			}
		case q.AllDivisions:
			if !a.Check(e.Permissions, permission.AllDivisions()).Satisfied() {
				return false
			}
		default:
			for _, d := range q.Divisions {
				if !a.Check(e.Permissions, permission.In(d)).Satisfied() {
					return false
				}
			}
		}
	}
	return true
}

// breadth is a role's documented breadth, found with the permission
// package: the endpoints whose requirement it meets alone.
func (w roleWorld) breadth(t *testing.T, id permission.RoleID) review.RoleBreadth {
	a := w.access(t, []client.RoleAssignment{{Role: id, AllDivisions: true}})
	var b review.RoleBreadth
	for _, e := range w.eps {
		if e.Permissions.Kind() == permission.None || !a.Check(e.Permissions, permission.OrgWide()).Satisfied() {
			continue
		}
		write := !e.ReadOnly && e.Method != "GET"
		b.Endpoints++
		if write {
			b.Writes++
		}
		if e.Division != "" {
			b.DivisionAware++
			if write {
				b.DivisionAwareWrites++
			}
		}
	}
	return b
}

// roleCost is the documented cost of a set of grants: the writes and
// the endpoints each role unlocks, times the divisions its grant names
// (all divisions counting as one more than the query names, and none as
// one, the Home division), and the divisions named.
func (w roleWorld) roleCost(t *testing.T, q review.RoleQuery, grants []client.RoleAssignment) [3]int {
	var c [3]int
	for _, g := range grants {
		b := w.breadth(t, g.Role)
		n := len(g.Divisions)
		switch {
		case g.AllDivisions:
			n = len(q.Divisions) + 1
		case n == 0:
			n = 1 // Home
		}
		c[0] += n * b.Writes
		c[1] += n * b.Endpoints
		c[2] += n
	}
	return c
}

// slots are the ways the documented search may grant a role: in each
// division the query names (or, with none, the Home division, unnamed);
// with AllDivisions, in the first of them (or Home) for org-wide calls,
// and in all divisions.
func slots(q review.RoleQuery) []client.RoleAssignment {
	switch {
	case q.AllDivisions && len(q.Divisions) > 0:
		return []client.RoleAssignment{{Divisions: q.Divisions[:1:1]}, {AllDivisions: true}}
	case q.AllDivisions:
		return []client.RoleAssignment{{}, {AllDivisions: true}}
	case len(q.Divisions) == 0:
		return []client.RoleAssignment{{}}
	}
	var out []client.RoleAssignment
	for _, d := range q.Divisions {
		out = append(out, client.RoleAssignment{Divisions: []permission.DivisionID{d}})
	}
	return out
}

// bruteForceRoles tries every set of slots for every role and returns
// the least by the documented order: cost, then the sorted candidates
// (role × slots + slot) in order. With no AllDivisions, that is every
// subset of the query's divisions for every role. ok is false when
// nothing lets the calls pass.
func (w roleWorld) bruteForceRoles(t *testing.T, q review.RoleQuery, calls []int) (best []client.RoleAssignment, bestCost [3]int, ok bool) {
	sl := slots(q)
	breadth := make([]review.RoleBreadth, len(w.roles))
	for i, r := range w.roles {
		breadth[i] = w.breadth(t, r.ID)
	}
	var bestIDs []int
	masks := make([]int, len(w.roles))
	var rec func(i int)
	rec = func(i int) {
		if i == len(masks) {
			var grants []client.RoleAssignment
			var ids []int
			var c [3]int
			for r, m := range masks {
				if m == 0 {
					continue
				}
				g := client.RoleAssignment{Role: w.roles[r].ID}
				for s, slot := range sl {
					if m&(1<<s) == 0 {
						continue
					}
					ids = append(ids, r*len(sl)+s)
					n := 1
					if slot.AllDivisions {
						n = len(q.Divisions) + 1
						g.AllDivisions = true
					}
					g.Divisions = append(g.Divisions, slot.Divisions...)
					c[0] += n * breadth[r].Writes
					c[1] += n * breadth[r].Endpoints
					c[2] += n
				}
				if g.AllDivisions {
					g.Divisions = nil
				}
				grants = append(grants, g)
			}
			if ok && (slices.Compare(c[:], bestCost[:]) > 0 || slices.Compare(c[:], bestCost[:]) == 0 && slices.Compare(ids, bestIDs) >= 0) {
				return
			}
			if w.passes(t, q, calls, grants) {
				best, bestCost, bestIDs, ok = grants, c, ids, true
			}
			return
		}
		for m := range 1 << len(sl) {
			masks[i] = m
			rec(i + 1)
		}
	}
	rec(0)
	return best, bestCost, ok
}

// The role search finds the same grants as trying every way of granting
// each role, checked with the permission package; no assignment of
// arbitrary division subsets costs less; and the greedy cover alone stays
// within its bound.
func TestMinimalRolesAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 23))
	searched, spread, invalid, unservable := 0, 0, 0, 0
	for trial := range 250 {
		cat, eps, roles := randomRoleInstance(t, rng, 4, 8)
		ix := newIndex(t, cat, eps)
		exact, err := ix.Roles(roles)
		require.NoError(t, err)
		greedyIx := newIndex(t, cat, eps, review.WithSearchLimit(0))
		greedy, err := greedyIx.Roles(roles)
		require.NoError(t, err)
		w := roleWorld{eps: eps, roles: slices.Clone(roles)}
		slices.SortFunc(w.roles, func(a, b permission.Role) int { return strings.Compare(string(a.ID), string(b.ID)) })

		var picked []int
		var calls []string
		for i := range eps {
			if rng.IntN(2) == 0 {
				picked = append(picked, i)
				calls = append(calls, eps[i].Route())
			}
		}
		if len(calls) == 0 {
			continue
		}
		order := [][]permission.DivisionID{nil, divs("sales"), divs("home"), divs("sales", "home"), divs("support", "sales"), divs("home", "sales", "support")}
		q := review.RoleQuery{Calls: calls, Divisions: order[rng.IntN(len(order))], AllDivisions: rng.IntN(4) == 0}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			want, wantCost, ok := w.bruteForceRoles(t, q, picked)
			sel, err := exact.Minimal(q)
			switch {
			case errors.Is(err, review.ErrInvalid):
				invalid++
				require.Empty(t, q.Divisions)
				require.False(t, q.AllDivisions)
				return
			case !ok:
				unservable++
				require.ErrorIs(t, err, review.ErrNoRole)
				return
			}
			require.NoError(t, err)
			require.True(t, sel.Exact)
			if diff := cmp.Diff(want, sel.Grants); diff != "" {
				t.Logf("search: cost %v, passes %v", w.roleCost(t, q, sel.Grants), w.passes(t, q, picked, sel.Grants))
				t.Fatalf("grants (-brute force +search), cost %v, query %+v:\n%s", wantCost, q, diff)
			}
			require.True(t, w.passes(t, q, picked, sel.Grants))
			for _, n := range sel.Needs {
				if len(n.Roles) > 1 {
					spread++
				}
			}

			g, err := greedy.Minimal(q)
			require.NoError(t, err)
			require.True(t, w.passes(t, q, picked, g.Grants))
			if !g.Exact {
				searched++
			}
			gotCost := w.roleCost(t, q, g.Grants)
			require.GreaterOrEqual(t, slices.Compare(gotCost[:], wantCost[:]), 0, "greedy beat the optimum")
			// Greedy ≤ H(d)·optimum in the lexicographic order, d the
			// most elements one grant serves: at most two atoms per call.
			h := 0.0
			for i := 1; i <= 2*len(picked); i++ {
				h += 1 / float64(i)
			}
			for i := range gotCost {
				if bound := h * float64(wantCost[i]); float64(gotCost[i]) != bound {
					require.Less(t, float64(gotCost[i]), bound+1e-9, "component %d: greedy %v, optimum %v, H = %.2f", i, gotCost, wantCost, h)
					break
				}
			}
		})
	}
	t.Logf("searched %d, spread requirements %d, without divisions %d, unservable %d", searched, spread, invalid, unservable)
	require.Positive(t, searched, "no instance needed the search: the test does not exercise it")
	require.Positive(t, spread, "no all-of requirement needed two roles")
	require.Positive(t, unservable, "every instance was servable: the error path is not exercised")
}
