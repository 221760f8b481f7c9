package review_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// largeRoleTable is largeTable with permissions: each family's
// endpoints require resNNN:item:view, :add, :edit or :delete, and its
// sub-resource resNNN:sub:view or resNNN:sub:add with resNNN:item:view;
// reads of a single item and everything below it are division-aware.
// The org has nRoles roles (see below).
func largeRoleTable(tb testing.TB, families, nRoles int) (*scope.Catalog, []enforce.Endpoint, []permission.Role) {
	tb.Helper()
	cat, eps := largeTable(tb, families)
	perm := func(f int, entity, action string) permission.Permission {
		return permission.MustParse(fmt.Sprintf("res%03d:%s:%s", f, entity, action))
	}
	for i := range eps {
		f, e := i/10, i%10
		var req permission.Requirement
		div := ""
		switch e {
		case 0:
			req = permission.MustAllOf(perm(f, "item", "view"))
		case 1:
			req, div = permission.MustAllOf(perm(f, "item", "add")), enforce.DivisionFromRequest
		case 2:
			req, div = permission.MustAllOf(perm(f, "item", "view")), "{id}"
		case 3, 4:
			req, div = permission.MustAllOf(perm(f, "item", "edit")), "{id}"
		case 5:
			req, div = permission.MustAllOf(perm(f, "item", "delete")), "{id}"
		case 6, 8:
			req, div = permission.MustAnyOf(perm(f, "sub", "view"), perm(f, "item", "view")), "{id}"
		case 7, 9:
			req, div = permission.MustAllOf(perm(f, "sub", "add"), perm(f, "item", "view")), "{id}"
		}
		eps[i].Permissions, eps[i].Division = req, div
	}
	// A third of the roles administer three families each (wildcards),
	// enough to serve every family when there are a hundred; the rest
	// view two families, edit one family's items, or read ten families'
	// items; and one role, broader than any set of the others, holds
	// everything.
	var roles []permission.Role
	super := permission.Role{ID: "super", Name: "Super"}
	for f := range families {
		super.Policies = append(super.Policies, permission.MustParse(fmt.Sprintf("res%03d:*:*", f)))
	}
	roles = append(roles, super)
	admins := min(nRoles/2, (families+2)/3)
	for i := range nRoles - 1 {
		r := permission.Role{ID: permission.RoleID(fmt.Sprintf("role%03d", i)), Name: fmt.Sprintf("Role %d", i)}
		f := (i * 7) % families
		switch {
		case i < admins:
			for j := range 3 {
				r.Policies = append(r.Policies, permission.MustParse(fmt.Sprintf("res%03d:*:*", (3*i+j)%families)))
			}
		case i%3 == 0:
			r.Policies = []permission.Permission{permission.MustParse(fmt.Sprintf("res%03d:*:view", f)), permission.MustParse(fmt.Sprintf("res%03d:*:view", (f+1)%families))}
		case i%3 == 1:
			r.Policies = []permission.Permission{permission.MustParse(fmt.Sprintf("res%03d:item:*", f))}
		default:
			for j := range 10 {
				r.Policies = append(r.Policies, permission.MustParse(fmt.Sprintf("res%03d:item:view", (f+j*3)%families)))
			}
		}
		roles = append(roles, r)
	}
	return cat, eps, roles
}

// BenchmarkMinimalRoles: the smallest role grants for a
// client-credentials app's calls over a large table and an org's roles,
// acting in two divisions. The target: under 10 ms for 100 calls over
// 3,000 endpoints and 200 roles.
func BenchmarkMinimalRoles(b *testing.B) {
	for _, size := range []struct{ endpoints, roles, calls int }{{300, 20, 10}, {3000, 200, 100}, {3000, 200, 1000}} {
		b.Run(fmt.Sprintf("endpoints=%d/roles=%d/calls=%d", size.endpoints, size.roles, size.calls), func(b *testing.B) {
			cat, eps, roles := largeRoleTable(b, size.endpoints/10, size.roles)
			rx, err := newIndex(b, cat, eps).Roles(roles)
			require.NoError(b, err)
			q := review.RoleQuery{Calls: spreadCalls(eps, size.calls), Divisions: []permission.DivisionID{"home", "sales"}}
			sel, err := rx.Minimal(q)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rx.Minimal(q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(sel.Grants)), "grants")
			if !sel.Exact {
				b.ReportMetric(1, "inexact")
			}
		})
	}
}

// BenchmarkRoles: arranging 200 roles over the 3,000-endpoint table, done
// once per set of roles.
func BenchmarkRoles(b *testing.B) {
	cat, eps, roles := largeRoleTable(b, 300, 200)
	ix := newIndex(b, cat, eps)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Roles(roles); err != nil {
			b.Fatal(err)
		}
	}
}
