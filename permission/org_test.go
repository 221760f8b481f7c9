package permission_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

// vendor is a second org, with divisions of its own.
const vendor permission.OrgID = "org-vendor"

// twoOrgs returns a store where org and vendor each have an admin role
// with the same ID, and alice is an admin of vendor in all divisions.
func twoOrgs(t *testing.T) *permission.MemStore {
	t.Helper()
	s := newStore(t)
	vd, err := permission.NewDivisions(
		permission.Division{ID: "vendor-home", Name: "Home", Home: true},
		permission.Division{ID: "vendor-dev", Name: "Development"})
	require.NoError(t, err)
	require.NoError(t, s.PutDivisions(vendor, vd))
	require.NoError(t, s.PutRole(org, role("admin", "directory:user:view")))
	require.NoError(t, s.PutRole(vendor, role("admin", "directory:*:*")))
	require.NoError(t, s.AddGrant(vendor, permission.Grant{Subject: alice, Role: "admin", AllDivisions: true}))
	return s
}

// TestAllDivisionsNeverCrossesOrgs: a grant in all divisions means all of
// its org's divisions; another org's division, or one that exists
// nowhere, is never granted, and the result says the division is unknown.
func TestAllDivisionsNeverCrossesOrgs(t *testing.T) {
	s := twoOrgs(t)
	a, err := permission.Compile(ctx, s, vendor, alice)
	require.NoError(t, err)
	req := permission.MustAllOf(p("directory:user:edit"))
	tests := []struct {
		name    string
		target  permission.Target
		want    bool
		unknown bool
	}{
		{name: "own division", target: permission.In("vendor-dev"), want: true},
		{name: "own org, org-wide", target: permission.OrgWide(), want: true},
		{name: "own org, all divisions", target: permission.AllDivisions(), want: true},
		{name: "customer's division", target: permission.In("sales"), unknown: true},
		{name: "customer's home", target: permission.In("home"), unknown: true},
		{name: "a division that exists nowhere", target: permission.In("nowhere"), unknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.Check(req, tt.target)
			require.Equal(t, tt.want, res.Satisfied())
			require.Equal(t, tt.unknown, res.DivisionUnknown())
			if tt.unknown {
				require.Contains(t, res.String(), "is not a division of org "+string(vendor))
			}
		})
	}
}

// TestOrgsAreWalls: grants, roles and groups of one org never count in
// another, even for the same user ID and the same role ID.
func TestOrgsAreWalls(t *testing.T) {
	s := twoOrgs(t)
	in, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.Equal(t, org, in.Org())
	require.False(t, in.Has(p("directory:user:view"), permission.OrgWide()), "alice's grants are in the vendor org only")

	// A grant in org may not name a division or a role of another org.
	require.ErrorIs(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "admin", Divisions: divs("vendor-dev")}), permission.ErrInvalid)
	require.ErrorIs(t, s.AddGrant(vendor, permission.Grant{Subject: alice, Role: "editor", AllDivisions: true}), permission.ErrRoleNotFound)
	require.NoError(t, s.PutRole(org, role("editor", "directory:user:edit")))
	require.ErrorIs(t, s.AddGrant(vendor, permission.Grant{Subject: alice, Role: "editor", AllDivisions: true}), permission.ErrRoleNotFound,
		"role IDs are scoped to their org")

	// The same role ID means each org's own role.
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "admin", Divisions: divs("home")}))
	in, err = permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.True(t, in.Has(p("directory:user:view"), permission.In("home")))
	require.False(t, in.Has(p("directory:user:delete"), permission.In("home")), "org's admin role, not the vendor's")

	// A group of one org does not lend its grants in another.
	staff := permission.Group("staff")
	require.NoError(t, s.AddGrant(vendor, permission.Grant{Subject: staff, Role: "admin", AllDivisions: true}))
	bob := permission.User("bob")
	require.NoError(t, s.AddMember(org, staff, bob))
	b, err := permission.Compile(ctx, s, org, bob)
	require.NoError(t, err)
	require.False(t, b.Has(p("directory:user:view"), permission.OrgWide()))
}

// strayStore hands out a grant in a division its org does not have, as a
// database that kept a deleted division's grants might.
type strayStore struct{ *permission.MemStore }

func (strayStore) Grants(context.Context, permission.OrgID, permission.Subject) ([]permission.Grant, error) {
	return []permission.Grant{{Subject: alice, Role: "admin", Divisions: divs("vendor-dev", "home")}}, nil
}

func TestGrantInAnotherOrgsDivisionGrantsNothing(t *testing.T) {
	s := twoOrgs(t)
	a, err := permission.Compile(ctx, strayStore{s}, org, alice)
	require.NoError(t, err)
	view := permission.MustAllOf(p("directory:user:view"))
	require.True(t, a.Check(view, permission.In("home")).Satisfied())
	res := a.Check(view, permission.In("vendor-dev"))
	require.False(t, res.Satisfied())
	require.True(t, res.DivisionUnknown())
	require.False(t, a.HasRole("admin", permission.In("vendor-dev")))
}

// TestAllDivisionsTarget: only a grant in all divisions satisfies it,
// not the same permission held in every division one by one.
func TestAllDivisionsTarget(t *testing.T) {
	s := store(t, []permission.Role{role("viewer", "directory:user:view"), role("editor", "directory:user:edit")},
		permission.Grant{Subject: alice, Role: "viewer", AllDivisions: true},
		permission.Grant{Subject: alice, Role: "editor", Divisions: testDivisionIDs()})
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	require.True(t, a.Check(permission.MustAllOf(p("directory:user:view")), permission.AllDivisions()).Satisfied())
	require.False(t, a.Check(permission.MustAllOf(p("directory:user:edit")), permission.AllDivisions()).Satisfied(),
		"held in every division today is not held in tomorrow's")
	require.True(t, a.Check(permission.MustAllOf(p("directory:user:edit")), permission.In("sales")).Satisfied())
}

func testDivisionIDs() []permission.DivisionID {
	var ids []permission.DivisionID
	for _, d := range testDivisions.All() {
		ids = append(ids, d.ID)
	}
	return ids
}

// TestAllDivisionsCoverNewDivisions: a division made after the grant is
// covered by it, once the org has it.
func TestAllDivisionsCoverNewDivisions(t *testing.T) {
	s := store(t, []permission.Role{role("viewer", "directory:user:view")},
		permission.Grant{Subject: alice, Role: "viewer", AllDivisions: true})
	c := permission.NewCache(s, 0)
	view := permission.MustAllOf(p("directory:user:view"))
	a, err := c.Access(ctx, org, alice)
	require.NoError(t, err)
	require.False(t, a.Check(view, permission.In("emea")).Satisfied())

	grown, err := permission.NewDivisions(append(testDivisions.All(), permission.Division{ID: "emea", Name: "EMEA"})...)
	require.NoError(t, err)
	require.NoError(t, s.PutDivisions(org, grown))
	a, err = c.Access(ctx, org, alice)
	require.NoError(t, err)
	require.True(t, a.Check(view, permission.In("emea")).Satisfied())
}

func TestHasRole(t *testing.T) {
	s := store(t, []permission.Role{role("admin", "directory:*:*"), role("supervisor", "quality:*:*"), role("viewer", "directory:user:view")},
		permission.Grant{Subject: alice, Role: "admin", AllDivisions: true},
		permission.Grant{Subject: alice, Role: "supervisor", Divisions: divs("sales")})
	staff := permission.Group("staff")
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: staff, Role: "supervisor", Divisions: divs("support")}))
	require.NoError(t, s.AddMember(org, staff, alice))
	a, err := permission.Compile(ctx, s, org, alice)
	require.NoError(t, err)
	tests := []struct {
		role   permission.RoleID
		target permission.Target
		want   bool
	}{
		{"admin", permission.AllDivisions(), true},
		{"admin", permission.In("sales"), true},
		{"admin", permission.OrgWide(), true},
		{"admin", permission.In("nowhere"), false},
		{"supervisor", permission.In("sales"), true},
		{"supervisor", permission.In("support"), true},
		{"supervisor", permission.In("home"), false},
		{"supervisor", permission.AllDivisions(), false},
		{"supervisor", permission.OrgWide(), true},
		{"viewer", permission.OrgWide(), false},
		{"ghost", permission.In("home"), false},
		{"admin", permission.Target{}, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, a.HasRole(tt.role, tt.target), "%s %s", tt.role, tt.target)
	}
	var none *permission.Access
	require.False(t, none.HasRole("admin", permission.OrgWide()))
	require.Equal(t, permission.OrgID(""), none.Org())
	require.Equal(t, permission.Subject{}, none.Subject())
}

func TestMembers(t *testing.T) {
	s := twoOrgs(t)
	require.NoError(t, s.AddUser(org, "alice"))
	for _, tt := range []struct {
		org  permission.OrgID
		user string
		want bool
	}{{org, "alice", true}, {vendor, "alice", false}, {org, "bob", false}} {
		got, err := s.IsMember(ctx, tt.org, tt.user)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "%s in %s", tt.user, tt.org)
	}
	require.ErrorIs(t, s.AddUser("org-nobody-knows", "alice"), permission.ErrUnknownOrg)
	require.NoError(t, s.RemoveUser(org, "alice"))
	got, err := s.IsMember(ctx, org, "alice")
	require.NoError(t, err)
	require.False(t, got)
}
