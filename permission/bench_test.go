package permission_test

import (
	"fmt"
	"testing"

	"github.com/scopegate/scopegate/permission"
)

// The benchmark universe: 10 domains × 20 entities × 5 actions = 1,000
// distinct permissions.
func benchPerm(i int) permission.Permission {
	return permission.MustParse(fmt.Sprintf("domain%d:entity%d:action%d", i/100, i/5%20, i%5))
}

// benchStore holds a subject with the given number of roles. Role r holds
// 20 concrete permissions and two wildcard policies. Every tenth role is
// granted in all divisions; the others in three divisions each, spread so
// that the 45 of a 50-role subject cover all 100 divisions, div0 to div99
// (role 0 has div0, div1 and div2).
func benchStore(b *testing.B, roles int) (*permission.MemStore, permission.Subject) {
	b.Helper()
	s := newStore(b)
	who := permission.User("bench")
	limited := 0
	for r := range roles {
		ro := permission.Role{ID: permission.RoleID(fmt.Sprint("role", r)), Name: fmt.Sprint("Role ", r)}
		for k := range 20 {
			ro.Policies = append(ro.Policies, benchPerm((r*20+k)%1000))
		}
		ro.Policies = append(ro.Policies,
			permission.MustParse(fmt.Sprintf("domain%d:entity%d:*", r%10, r%20)),
			permission.MustParse(fmt.Sprintf("domain%d:*:action%d", (r+3)%10, r%5)))
		if err := s.PutRole(org, ro); err != nil {
			b.Fatal(err)
		}
		g := permission.Grant{Subject: who, Role: ro.ID}
		if r%10 == 9 {
			g.AllDivisions = true
		} else {
			for k := range 3 {
				g.Divisions = append(g.Divisions, permission.DivisionID(fmt.Sprint("div", (limited*3+k)%100)))
			}
			limited++
		}
		if err := s.AddGrant(org, g); err != nil {
			b.Fatal(err)
		}
	}
	return s, who
}

// BenchmarkCheck is the per-request path: ALL-of-3 in one division, on a
// subject with 50 roles over 100 divisions.
func BenchmarkCheck(b *testing.B) {
	s, who := benchStore(b, 50)
	// Role 0 holds permissions 0..19 in div0, div1 and div2.
	allow := permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13))
	deny := permission.MustAllOf(benchPerm(1), benchPerm(7), permission.MustParse("other:entity:nothing"))
	anyOf := permission.MustAnyOf(permission.MustParse("other:entity:nothing"), benchPerm(13))
	// The requirements are built first, as a policy is at start-up, and
	// the access compiled after, as a cache does on a request.
	a, err := permission.Compile(ctx, s, org, who)
	if err != nil {
		b.Fatal(err)
	}
	div := permission.In("div0")
	run := func(name string, r permission.Requirement, t permission.Target, want bool) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if a.Check(r, t).Satisfied() != want {
					b.Fatal("unexpected outcome")
				}
			}
		})
	}
	run("all-of-3/allow", allow, div, true)
	run("all-of-3/deny", deny, div, false)
	// A division created after the grants: only all-division grants apply.
	run("all-of-3/other-division", allow, permission.In("div-new"), false)
	run("any-of-2/allow", anyOf, div, true)
	run("all-of-3/org-wide", allow, permission.OrgWide(), true)
}

// BenchmarkCheckAny is an ANY requirement as long lists of real APIs
// have them (Genesys's WFM endpoints accept any of up to 68), on the
// subject of BenchmarkCheck, in division div0. In last-held only the last
// permission is held (in div0, through role 0) and the others nowhere: the
// case where every permission before it must be found missing. In
// held-elsewhere the others are held, but only in other divisions.
func BenchmarkCheckAny(b *testing.B) {
	s, who := benchStore(b, 50)
	div := permission.In("div0")
	held := benchPerm(13)
	nowhere := func(n int) []permission.Permission {
		var ps []permission.Permission
		for i := range n {
			ps = append(ps, permission.MustParse(fmt.Sprintf("wfm:entity%d:action%d", i/5, i%5)))
		}
		return ps
	}
	// Roles 1 to 4 hold permissions 20 to 99 in div3 to div14 only, and
	// no wildcard policy grants them in div0.
	elsewhere := func(n int) []permission.Permission {
		var ps []permission.Permission
		for i := range n {
			ps = append(ps, benchPerm(20+i))
		}
		return ps
	}
	cases := []struct {
		name  string
		perms []permission.Permission
		req   permission.Requirement
	}{
		{name: "any-1", perms: []permission.Permission{held}},
		{name: "any-64/last-held", perms: append(nowhere(63), held)},
		{name: "any-64/held-elsewhere", perms: append(elsewhere(63), held)},
		{name: "any-256/last-held", perms: append(nowhere(255), held)},
	}
	// The requirements are built first, as a policy is at start-up, and
	// the access compiled after, as a cache does on a request.
	for i := range cases {
		var err error
		if cases[i].req, err = permission.AnyOf(cases[i].perms...); err != nil {
			b.Fatal(err)
		}
	}
	a, err := permission.Compile(ctx, s, org, who)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range cases {
		for _, p := range tc.perms[:len(tc.perms)-1] {
			if a.Has(p, div) {
				b.Fatalf("%s is held in div0", p)
			}
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !a.Check(tc.req, div).Satisfied() {
					b.Fatal("want allow")
				}
			}
		})
	}
}

// BenchmarkCheckRoles shows the check's cost as the subject's roles grow:
// compilation merges them, so it stays flat.
func BenchmarkCheckRoles(b *testing.B) {
	for _, roles := range []int{1, 10, 100, 1000} {
		s, who := benchStore(b, roles)
		req := permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13)) // before the access, as in BenchmarkCheck
		a, err := permission.Compile(ctx, s, org, who)
		if err != nil {
			b.Fatal(err)
		}
		div := permission.In("div0")
		b.Run(fmt.Sprintf("roles=%d", roles), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !a.Check(req, div).Satisfied() {
					b.Fatal("want allow")
				}
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, roles := range []int{1, 50, 1000} {
		s, who := benchStore(b, roles)
		b.Run(fmt.Sprintf("roles=%d", roles), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := permission.Compile(ctx, s, org, who); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCacheHit(b *testing.B) {
	s, who := benchStore(b, 50)
	c := permission.NewCache(s, 0)
	if _, err := c.Access(ctx, org, who); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Access(ctx, org, who); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMissing is the explanation of a denial, computed only when a
// caller reads it.
func BenchmarkMissing(b *testing.B) {
	s, who := benchStore(b, 50)
	a, err := permission.Compile(ctx, s, org, who)
	if err != nil {
		b.Fatal(err)
	}
	res := a.Check(permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13)), permission.In("div5"))
	if res.Satisfied() {
		b.Fatal("want a denial to explain")
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = res.String()
	}
}
