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

// benchStore holds a subject with the given number of roles, granted over
// 100 divisions. Role r holds 20 concrete permissions and two wildcard
// policies, and is granted in three divisions; every tenth role is granted
// in all divisions.
func benchStore(b *testing.B, roles int) (*permission.MemStore, permission.Subject) {
	b.Helper()
	s := permission.NewMemStore()
	who := permission.User("bench")
	for r := range roles {
		ro := permission.Role{ID: permission.RoleID(fmt.Sprint("role", r)), Name: fmt.Sprint("Role ", r)}
		for k := range 20 {
			ro.Policies = append(ro.Policies, benchPerm((r*20+k)%1000))
		}
		ro.Policies = append(ro.Policies,
			permission.MustParse(fmt.Sprintf("domain%d:entity%d:*", r%10, r%20)),
			permission.MustParse(fmt.Sprintf("domain%d:*:action%d", (r+3)%10, r%5)))
		if err := s.PutRole(ro); err != nil {
			b.Fatal(err)
		}
		g := permission.Grant{Subject: who, Role: ro.ID}
		if r%10 == 9 {
			g.AllDivisions = true
		} else {
			for k := range 3 {
				g.Divisions = append(g.Divisions, permission.DivisionID(fmt.Sprint("div", (r*7+k*31)%100)))
			}
		}
		if err := s.AddGrant(g); err != nil {
			b.Fatal(err)
		}
	}
	return s, who
}

// BenchmarkCheck is the per-request path: ALL-of-3 in one division, on a
// subject with 50 roles over 100 divisions.
func BenchmarkCheck(b *testing.B) {
	s, who := benchStore(b, 50)
	a, err := permission.Compile(ctx, s, who)
	if err != nil {
		b.Fatal(err)
	}
	// Role 0 holds permissions 0..19 in div0, div31, div62.
	allow := permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13))
	deny := permission.MustAllOf(benchPerm(1), benchPerm(7), permission.MustParse("other:entity:nothing"))
	anyOf := permission.MustAnyOf(permission.MustParse("other:entity:nothing"), benchPerm(13))
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
	run("all-of-3/other-division", allow, permission.In("div1"), false)
	run("any-of-2/allow", anyOf, div, true)
	run("all-of-3/org-wide", allow, permission.OrgWide(), true)
}

// BenchmarkCheckRoles shows the check's cost as the subject's roles grow:
// compilation merges them, so it stays flat.
func BenchmarkCheckRoles(b *testing.B) {
	for _, roles := range []int{1, 10, 100, 1000} {
		s, who := benchStore(b, roles)
		a, err := permission.Compile(ctx, s, who)
		if err != nil {
			b.Fatal(err)
		}
		req := permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13))
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
				if _, err := permission.Compile(ctx, s, who); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCacheHit(b *testing.B) {
	s, who := benchStore(b, 50)
	c := permission.NewCache(s, 0)
	if _, err := c.Access(ctx, who); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Access(ctx, who); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMissing is the explanation of a denial, computed only when a
// caller reads it.
func BenchmarkMissing(b *testing.B) {
	s, who := benchStore(b, 50)
	a, err := permission.Compile(ctx, s, who)
	if err != nil {
		b.Fatal(err)
	}
	res := a.Check(permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13)), permission.In("div1"))
	b.ReportAllocs()
	for b.Loop() {
		_ = res.String()
	}
}
