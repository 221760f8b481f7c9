package permission_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

var ctx = context.Background()

func role(id string, policies ...string) permission.Role {
	r := permission.Role{ID: permission.RoleID(id), Name: id}
	for _, s := range policies {
		r.Policies = append(r.Policies, p(s))
	}
	return r
}

func divs(ids ...string) []permission.DivisionID {
	out := make([]permission.DivisionID, len(ids))
	for i, id := range ids {
		out[i] = permission.DivisionID(id)
	}
	return out
}

// org is the org of the tests.
const org permission.OrgID = "org-1"

// testDivisions are the test org's divisions: those the tests name, and
// div0 to div99 for the benchmarks.
var testDivisions = func() *permission.Divisions {
	list := []permission.Division{{ID: "home", Name: "Home", Home: true}}
	for _, id := range []string{"sales", "support", "marketing", "created-tomorrow"} {
		list = append(list, permission.Division{ID: permission.DivisionID(id), Name: id})
	}
	for i := range 100 {
		list = append(list, permission.Division{ID: permission.DivisionID(fmt.Sprint("div", i)), Name: fmt.Sprint("Division ", i)})
	}
	d, err := permission.NewDivisions(list...)
	if err != nil {
		panic(err)
	}
	return d
}()

// newStore returns an empty MemStore that knows org and its divisions.
func newStore(t testing.TB) *permission.MemStore {
	t.Helper()
	s := permission.NewMemStore()
	require.NoError(t, s.PutDivisions(org, testDivisions))
	return s
}

// store builds a MemStore of org with the given roles and grants.
func store(t *testing.T, roles []permission.Role, grants ...permission.Grant) *permission.MemStore {
	t.Helper()
	s := newStore(t)
	for _, r := range roles {
		require.NoError(t, s.PutRole(org, r))
	}
	for _, g := range grants {
		require.NoError(t, s.AddGrant(org, g))
	}
	return s
}

var alice = permission.User("alice")

// missing is the comparable summary of a Result.
type outcome struct {
	Satisfied bool
	Missing   []permission.Missing
}

func summarize(r permission.Result) outcome { return outcome{r.Satisfied(), r.Missing()} }

var permCmp = cmp.Comparer(func(a, b permission.Permission) bool { return a == b })

func TestCheck(t *testing.T) {
	roles := []permission.Role{
		role("user-admin", "directory:user:add", "directory:user:edit"),
		role("user-editor", "directory:user:edit"),
		role("viewer", "directory:user:view"),
		role("routing-admin", "routing:*:*"),
		role("any-editor", "directory:*:edit"),
		role("user-all", "directory:user:*"),
	}
	add, edit, view := p("directory:user:add"), p("directory:user:edit"), p("directory:user:view")
	allOf := func(ps ...permission.Permission) permission.Requirement { return permission.MustAllOf(ps...) }
	anyOf := func(ps ...permission.Permission) permission.Requirement { return permission.MustAnyOf(ps...) }
	grant := func(r string, ds ...string) permission.Grant {
		return permission.Grant{Subject: alice, Role: permission.RoleID(r), Divisions: divs(ds...)}
	}
	everywhere := func(r string) permission.Grant {
		return permission.Grant{Subject: alice, Role: permission.RoleID(r), AllDivisions: true}
	}

	tests := []struct {
		name   string
		grants []permission.Grant
		req    permission.Requirement
		target permission.Target
		want   outcome
	}{
		{name: "granted in Home, resource in Home", grants: []permission.Grant{grant("user-admin", "home")},
			req: allOf(add), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "granted in Home only, resource in Sales", grants: []permission.Grant{grant("user-admin", "home")},
			req: allOf(add), target: permission.In("sales"),
			want: outcome{Missing: []permission.Missing{{Permission: add, HeldIn: divs("home")}}}},
		{name: "granted in a list", grants: []permission.Grant{grant("user-admin", "home", "sales", "support")},
			req: allOf(add, edit), target: permission.In("sales"), want: outcome{Satisfied: true}},
		{name: "granted in a list, resource elsewhere", grants: []permission.Grant{grant("user-admin", "home", "sales")},
			req: allOf(edit), target: permission.In("marketing"),
			want: outcome{Missing: []permission.Missing{{Permission: edit, HeldIn: divs("home", "sales")}}}},
		{name: "granted in all divisions", grants: []permission.Grant{everywhere("user-admin")},
			req: allOf(add), target: permission.In("sales"), want: outcome{Satisfied: true}},
		{name: "all divisions covers a division created later", grants: []permission.Grant{everywhere("user-admin")},
			req: allOf(add), target: permission.In("created-tomorrow"), want: outcome{Satisfied: true}},
		{name: "org-wide, granted in one division", grants: []permission.Grant{grant("user-admin", "sales")},
			req: allOf(add), target: permission.OrgWide(), want: outcome{Satisfied: true}},
		{name: "org-wide, not granted", grants: []permission.Grant{grant("viewer", "sales")},
			req: allOf(add), target: permission.OrgWide(),
			want: outcome{Missing: []permission.Missing{{Permission: add}}}},
		{name: "all of, one missing", grants: []permission.Grant{grant("user-editor", "home")},
			req: allOf(add, edit), target: permission.In("home"),
			want: outcome{Missing: []permission.Missing{{Permission: add}}}},
		{name: "all of, both missing", grants: []permission.Grant{grant("viewer", "home")},
			req: allOf(add, edit), target: permission.In("home"),
			want: outcome{Missing: []permission.Missing{{Permission: add}, {Permission: edit}}}},
		{name: "any of, one held", grants: []permission.Grant{grant("user-editor", "home")},
			req: anyOf(add, edit), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "any of, none held here", grants: []permission.Grant{grant("user-editor", "sales")},
			req: anyOf(add, edit), target: permission.In("home"),
			want: outcome{Missing: []permission.Missing{{Permission: add}, {Permission: edit, HeldIn: divs("sales")}}}},
		{name: "roles combine", grants: []permission.Grant{grant("user-editor", "home"), grant("viewer", "home")},
			req: allOf(edit, view), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "roles combine per division", grants: []permission.Grant{grant("user-editor", "home"), grant("viewer", "sales")},
			req: allOf(edit, view), target: permission.In("sales"),
			want: outcome{Missing: []permission.Missing{{Permission: edit, HeldIn: divs("home")}}}},
		{name: "wildcard domain policy", grants: []permission.Grant{grant("routing-admin", "home")},
			req: allOf(p("routing:queue:view"), p("routing:skill:manage")), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "wildcard does not cross domains", grants: []permission.Grant{everywhere("routing-admin")},
			req: allOf(view), target: permission.In("home"), want: outcome{Missing: []permission.Missing{{Permission: view}}}},
		{name: "wildcard entity", grants: []permission.Grant{grant("any-editor", "home")},
			req: allOf(p("directory:group:edit")), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "wildcard entity, other action", grants: []permission.Grant{grant("any-editor", "home")},
			req: allOf(p("directory:group:add")), target: permission.In("home"),
			want: outcome{Missing: []permission.Missing{{Permission: p("directory:group:add")}}}},
		{name: "wildcard action", grants: []permission.Grant{grant("user-all", "sales")},
			req: allOf(add, edit, view), target: permission.In("sales"), want: outcome{Satisfied: true}},
		{name: "exact in one division, wildcard in another", grants: []permission.Grant{grant("user-admin", "sales"), grant("user-all", "home")},
			req: allOf(add), target: permission.In("support"),
			want: outcome{Missing: []permission.Missing{{Permission: add, HeldIn: divs("home", "sales")}}}},
		{name: "no grants", req: allOf(add), target: permission.In("home"),
			want: outcome{Missing: []permission.Missing{{Permission: add}}}},
		{name: "none required", req: permission.NoneRequired(), target: permission.In("home"), want: outcome{Satisfied: true}},
		{name: "zero requirement never satisfied", grants: []permission.Grant{everywhere("routing-admin")},
			req: permission.Requirement{}, target: permission.In("home"), want: outcome{}},
		{name: "zero target never satisfied", grants: []permission.Grant{everywhere("user-admin")},
			req: allOf(add), target: permission.Target{}, want: outcome{Missing: []permission.Missing{{Permission: add}}}},
		{name: "empty division never satisfied", grants: []permission.Grant{everywhere("user-admin")},
			req: allOf(add), target: permission.In(""), want: outcome{Missing: []permission.Missing{{Permission: add}}}},
		{name: "none required still needs a target", req: permission.NoneRequired(), target: permission.Target{}, want: outcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store(t, roles, tt.grants...)
			a, err := permission.Compile(ctx, s, org, alice)
			require.NoError(t, err)
			require.Equal(t, alice, a.Subject())
			got := a.Check(tt.req, tt.target)
			if diff := cmp.Diff(tt.want, summarize(got), permCmp); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			res, err := permission.Evaluate(ctx, s, org, alice, tt.req, tt.target)
			require.NoError(t, err)
			require.Equal(t, got.Satisfied(), res.Satisfied(), "Evaluate agrees with Compile+Check")
		})
	}
}

func TestResultString(t *testing.T) {
	s := store(t, []permission.Role{role("editor", "directory:user:edit"), role("viewer", "directory:user:view")},
		permission.Grant{Subject: alice, Role: "editor", Divisions: divs("home", "support")},
		permission.Grant{Subject: alice, Role: "viewer", AllDivisions: true})
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	add, edit, view := p("directory:user:add"), p("directory:user:edit"), p("directory:user:view")

	tests := []struct {
		req    permission.Requirement
		target permission.Target
		want   string
	}{
		{permission.MustAllOf(view), permission.In("sales"), "satisfied"},
		{permission.MustAllOf(add, edit), permission.In("sales"), "missing in division sales: directory:user:add (held nowhere), directory:user:edit (held only in home, support)"},
		{permission.MustAnyOf(add, edit), permission.In("sales"), "needs any of them in division sales, holds none: directory:user:add (held nowhere), directory:user:edit (held only in home, support)"},
		{permission.MustAllOf(add), permission.OrgWide(), "missing org-wide: directory:user:add (held nowhere)"},
		{permission.Requirement{}, permission.In("sales"), "not satisfied: invalid requirement"},
		{permission.MustAllOf(add), permission.Target{}, "not satisfied: invalid target"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, a.Check(tt.req, tt.target).String())
	}
	var zero permission.Result
	require.False(t, zero.Satisfied())
	require.Nil(t, zero.Missing())
	var nilAccess *permission.Access
	require.False(t, nilAccess.Check(permission.NoneRequired(), permission.OrgWide()).Satisfied(), "a nil Access satisfies nothing")
	res := new(permission.Access).Check(permission.NoneRequired(), permission.OrgWide())
	require.False(t, res.Satisfied(), "nor does a zero Access")
	require.Equal(t, "not satisfied: no access", res.String())
}

func TestHas(t *testing.T) {
	s := store(t, []permission.Role{role("r", "directory:user:*")}, permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")})
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.True(t, a.Has(p("directory:user:add"), permission.In("home")))
	require.False(t, a.Has(p("directory:user:add"), permission.In("sales")))
	require.True(t, a.Has(p("directory:user:add"), permission.OrgWide()))
	require.False(t, a.Has(p("directory:user:*"), permission.In("home")), "Has asks about concrete permissions")
}

func TestGroupsAndClients(t *testing.T) {
	s := store(t, []permission.Role{role("supervisor", "quality:evaluation:view"), role("reporter", "analytics:*:view")})
	supervisors := permission.Group("supervisors")
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: supervisors, Role: "supervisor", Divisions: divs("sales")}))
	require.NoError(t, s.AddMember(org, supervisors, alice))
	job := permission.Client("0f8fad5b-d9cb-469f-a165-70867728950e")
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: job, Role: "reporter", Divisions: divs("home")}))

	view := permission.MustAllOf(p("quality:evaluation:view"))
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.True(t, a.Check(view, permission.In("sales")).Satisfied(), "a group's grants apply to its members")
	require.False(t, a.Check(view, permission.In("home")).Satisfied())

	require.NoError(t, s.RemoveMember(org, supervisors, alice))
	a, err = permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.False(t, a.Check(view, permission.In("sales")).Satisfied(), "leaving the group takes its grants away")

	c, err := permission.Compile(ctx, s, org, job)
	require.NoError(t, err)
	require.True(t, c.Check(permission.MustAllOf(p("analytics:conversationDetail:view")), permission.In("home")).Satisfied())
	require.False(t, c.Check(permission.MustAllOf(p("analytics:conversationDetail:view")), permission.In("sales")).Satisfied())

	require.ErrorIs(t, s.AddMember(org, alice, supervisors), permission.ErrInvalid)
}

func TestStoreChangesSeenByNextEvaluation(t *testing.T) {
	s := store(t, []permission.Role{role("editor", "directory:user:edit")})
	req := permission.MustAllOf(p("directory:user:edit"))
	check := func() bool {
		res, err := permission.Evaluate(ctx, s, org, alice, req, permission.In("sales"))
		require.NoError(t, err)
		return res.Satisfied()
	}
	require.False(t, check())
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "editor", Divisions: divs("home")}))
	require.False(t, check())
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "editor", Divisions: divs("sales")}))
	require.True(t, check(), "divisions add up")
	require.NoError(t, s.PutRole(org, role("editor", "directory:user:view")))
	require.False(t, check(), "a changed role applies at once")
	require.NoError(t, s.PutRole(org, role("editor", "directory:user:edit")))
	require.True(t, check())
	require.NoError(t, s.RemoveGrant(org, alice, "editor"))
	require.False(t, check())
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "editor", AllDivisions: true}))
	require.True(t, check())
	require.NoError(t, s.DeleteRole(org, "editor"))
	require.False(t, check(), "deleting a role removes its grants")
}

// brokenStore grants a role that does not exist, as a database without
// referential integrity might.
type brokenStore struct{ *permission.MemStore }

func (brokenStore) Grants(context.Context, permission.OrgID, permission.Subject) ([]permission.Grant, error) {
	return []permission.Grant{{Subject: alice, Role: "ghost", AllDivisions: true}}, nil
}

type failingStore struct{ *permission.MemStore }

var errDown = errors.New("directory is down")

func (failingStore) Groups(context.Context, permission.OrgID, permission.Subject) ([]permission.Subject, error) {
	return nil, errDown
}

// confusedStore says a user belongs to "groups" that are not groups.
type confusedStore struct {
	*permission.MemStore
	groups []permission.Subject
}

func (s confusedStore) Groups(context.Context, permission.OrgID, permission.Subject) ([]permission.Subject, error) {
	return s.groups, nil
}

func TestCompileRejectsNonGroups(t *testing.T) {
	admin := permission.User("admin")
	inner := store(t, []permission.Role{role("admin", "directory:*:*")},
		permission.Grant{Subject: admin, Role: "admin", AllDivisions: true})
	for name, groups := range map[string][]permission.Subject{
		"a user":       {admin},
		"a client":     {permission.Client("c")},
		"no ID":        {{Kind: permission.GroupSubject}},
		"itself":       {alice},
		"unknown kind": {{Kind: 9, ID: "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := permission.Compile(ctx, confusedStore{inner, groups}, org, alice)
			require.ErrorIs(t, err, permission.ErrInvalid, "another subject's grants must not leak in")
			require.Nil(t, a)
		})
	}
	a, err := permission.Compile(ctx, confusedStore{inner, []permission.Subject{permission.Group("g")}}, org, alice)
	require.NoError(t, err)
	require.False(t, a.Has(p("directory:user:add"), permission.OrgWide()))
}

func TestCompileErrors(t *testing.T) {
	_, err := permission.Compile(ctx, brokenStore{newStore(t)}, org, alice)
	require.ErrorIs(t, err, permission.ErrRoleNotFound, "a dangling grant means the access cannot be decided")
	require.ErrorContains(t, err, `"ghost"`)

	_, err = permission.Compile(ctx, failingStore{newStore(t)}, org, alice)
	require.ErrorIs(t, err, errDown)

	_, err = permission.Compile(ctx, newStore(t), org, permission.Subject{})
	require.ErrorIs(t, err, permission.ErrInvalid)

	_, err = permission.Compile(ctx, newStore(t), "", alice)
	require.ErrorIs(t, err, permission.ErrInvalid, "an access belongs to an org")

	_, err = permission.Compile(ctx, newStore(t), "org-nobody-knows", alice)
	require.ErrorIs(t, err, permission.ErrUnknownOrg)

	_, err = permission.Compile(ctx, nil, org, alice)
	require.ErrorIs(t, err, permission.ErrInvalid)

	_, err = permission.Evaluate(ctx, brokenStore{newStore(t)}, org, alice, permission.NoneRequired(), permission.OrgWide())
	require.ErrorIs(t, err, permission.ErrRoleNotFound)
}

// TestChecksDoNotAllocate: a check allocates nothing, whether the
// requirement was built before the access (its keys' numbers known to
// it) or after (checked by hash probes), and whatever the answer.
func TestChecksDoNotAllocate(t *testing.T) {
	s := store(t, []permission.Role{role("r", "directory:user:add", "routing:*:*")}, permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")})
	before := permission.MustAllOf(p("directory:user:add"), p("routing:queue:view"), p("routing:skill:view"))
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	after := permission.MustAllOf(p("directory:user:add"), p("routing:queue:view"), p("routing:skill:view"), p("routing:allocs:after"))
	home, sales := permission.In("home"), permission.In("sales")
	for _, req := range []permission.Requirement{before, after} {
		var res permission.Result
		require.Zero(t, testing.AllocsPerRun(100, func() { res = a.Check(req, home) }))
		require.True(t, res.Satisfied())
		require.Zero(t, testing.AllocsPerRun(100, func() { res = a.Check(req, sales) }), "a denial does not allocate either")
		require.False(t, res.Satisfied())
		require.Zero(t, testing.AllocsPerRun(100, func() { res = a.Check(req, permission.OrgWide()) }))
		require.True(t, res.Satisfied())
	}
}

// Check and Covers implement the same wildcard rule in two ways (hash
// probes of the four policy shapes, and a comparison of parts); they must
// agree on every policy and permission of a small universe.
func TestCheckAgreesWithCovers(t *testing.T) {
	var policies, perms []permission.Permission
	for _, d := range []string{"a", "b"} {
		for _, e := range []string{"x", "y", "*"} {
			for _, act := range []string{"r", "w", "*"} {
				pol := p(d + ":" + e + ":" + act)
				policies = append(policies, pol)
				if !pol.IsWildcard() {
					perms = append(perms, pol)
				}
			}
		}
	}
	// Legacy one-word permissions are matched only by themselves: not by
	// a policy whose domain is the same word, nor by any wildcard.
	policies = append(policies, p("admin"), p("admin:*:*"), p("content_management_user"))
	perms = append(perms, p("admin"), p("content_management_user"))
	for _, pol := range policies {
		s := store(t, []permission.Role{role("r", pol.String())}, permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")})
		a, err := permission.Compile(ctx, s, org, alice)
		require.NoError(t, err)
		for _, q := range perms {
			require.Equal(t, pol.Covers(q), a.Has(q, permission.In("home")), "%v covers %v", pol, q)
			require.False(t, a.Has(q, permission.In("sales")), "%v grants %v only in home", pol, q)
		}
	}
}

// TestLongAnyAgreesWithEachPermission: an ANY check, which intersects
// bit sets of policy keys, says exactly what asking for each permission
// on its own says, and an ALL check what asking for all of them says: on
// random subjects (wildcard and legacy policies, grants in some divisions
// or in all), random lists of up to MaxRequirement permissions with
// repeats, and every kind of target.
func TestLongAnyAgreesWithEachPermission(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	universe := []string{"admin", "content_management_user", "employee"}
	for _, d := range []string{"wfm", "routing", "directory", "chat"} {
		for _, e := range []string{"agent", "queue", "user", "1on1Message", "XIntegration"} {
			for _, act := range []string{"view", "edit", "add", "delete"} {
				universe = append(universe, d+":"+e+":"+act)
			}
		}
	}
	policy := func() string {
		s := universe[rng.IntN(len(universe))]
		q := p(s)
		if q.IsLegacy() || rng.IntN(4) > 0 {
			return s
		}
		switch rng.IntN(3) {
		case 0:
			return q.Domain() + ":" + q.Entity() + ":*"
		case 1:
			return q.Domain() + ":*:" + q.Action()
		}
		return q.Domain() + ":*:*"
	}
	// Number every key before the accesses are compiled, as a policy
	// built at start-up does: the checks below then intersect bit sets.
	// (TestAnyBuiltAfterCompile covers the other order.)
	var all []permission.Permission
	for _, s := range universe {
		all = append(all, p(s))
	}
	permission.MustAnyOf(all...)
	targets := []permission.Target{permission.In("home"), permission.In("sales"), permission.In("support"),
		permission.In("created-tomorrow"), permission.In("other-orgs-division"), permission.OrgWide(), permission.AllDivisions()}
	named := []string{"home", "sales", "support", "marketing"}
	for subject := range 40 {
		var roles []permission.Role
		var grants []permission.Grant
		for r := range 1 + rng.IntN(4) {
			id := fmt.Sprint("role", r)
			var pols []string
			for range rng.IntN(12) {
				pols = append(pols, policy())
			}
			roles = append(roles, role(id, pols...))
			g := permission.Grant{Subject: alice, Role: permission.RoleID(id)}
			if rng.IntN(3) == 0 {
				g.AllDivisions = true
			} else {
				for _, d := range named {
					if rng.IntN(2) == 0 {
						g.Divisions = append(g.Divisions, permission.DivisionID(d))
					}
				}
				if len(g.Divisions) == 0 {
					g.Divisions = divs("marketing")
				}
			}
			grants = append(grants, g)
		}
		a, err := permission.Compile(ctx, store(t, roles, grants...), org, alice)
		require.NoError(t, err)
		has := make(map[permission.Target]map[string]bool)
		for _, tg := range targets {
			has[tg] = make(map[string]bool)
			for _, q := range universe {
				has[tg][q] = a.Has(p(q), tg)
			}
		}
		for range 20 {
			var list []permission.Permission
			for range 1 + rng.IntN(permission.MaxRequirement) {
				list = append(list, p(universe[rng.IntN(len(universe))]))
			}
			anyOf, allOf := permission.MustAnyOf(list...), permission.MustAllOf(list...)
			for _, tg := range targets {
				some, every := false, true
				for _, q := range list {
					some, every = some || has[tg][q.String()], every && has[tg][q.String()]
				}
				require.Equal(t, some, a.Check(anyOf, tg).Satisfied(), "subject %d, %v at %v", subject, anyOf, tg)
				require.Equal(t, every, a.Check(allOf, tg).Satisfied(), "subject %d, %v at %v", subject, allOf, tg)
			}
		}
	}
}

// TestAnyBuiltAfterCompile: an ANY requirement that names keys no
// requirement had named when the access was compiled is decided all the
// same, and so it is once the access is compiled again.
func TestAnyBuiltAfterCompile(t *testing.T) {
	s := store(t, []permission.Role{role("r", "late:entity:view", "late:*:edit", "late_legacy")},
		permission.Grant{Subject: alice, Role: "r", Divisions: divs("sales")})
	before, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	var list []permission.Permission
	for i := range 100 {
		list = append(list, p(fmt.Sprintf("late:entity%d:view", i)))
	}
	for _, tc := range []struct {
		last permission.Permission
		want bool
	}{
		{p("late:entity:view"), true},
		{p("late:other:edit"), true},
		{p("late_legacy"), true},
		{p("late:entity:delete"), false},
	} {
		r := permission.MustAnyOf(append(list, tc.last)...)
		after, err := permission.Compile(ctx, s, org, alice)
		require.NoError(t, err)
		for _, a := range []*permission.Access{before, after} {
			require.Equal(t, tc.want, a.Check(r, permission.In("sales")).Satisfied(), tc.last.String())
			require.False(t, a.Check(r, permission.In("home")).Satisfied(), tc.last.String())
			require.Equal(t, tc.want, a.Check(r, permission.OrgWide()).Satisfied(), tc.last.String())
		}
	}
}

// TestLongAnyDoesNotAllocate: an ANY check of MaxRequirement permissions
// allocates nothing, held or not.
func TestLongAnyDoesNotAllocate(t *testing.T) {
	s := store(t, []permission.Role{role("r", "wfm:agent:view", "routing:*:*")}, permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")})
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	var list []permission.Permission
	for i := range permission.MaxRequirement - 1 {
		list = append(list, p(fmt.Sprintf("wfm:entity%d:view", i)))
	}
	req := permission.MustAnyOf(append(list, p("wfm:agent:view"))...)
	var res permission.Result
	for _, tc := range []struct {
		target permission.Target
		want   bool
	}{{permission.In("home"), true}, {permission.In("sales"), false}, {permission.OrgWide(), true}, {permission.AllDivisions(), false}} {
		require.Zero(t, testing.AllocsPerRun(100, func() { res = a.Check(req, tc.target) }))
		require.Equal(t, tc.want, res.Satisfied(), tc.target.String())
	}
	require.Len(t, res.Missing(), permission.MaxRequirement, "a denied ANY lacks every one")
}
