package permission_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

func TestNewDivisions(t *testing.T) {
	home := permission.Division{ID: "home", Name: "Home", Home: true}
	sales := permission.Division{ID: "sales", Name: "Sales"}
	d, err := permission.NewDivisions(sales, home)
	require.NoError(t, err)
	require.Equal(t, home, d.Home())
	got, ok := d.Lookup("sales")
	require.True(t, ok)
	require.Equal(t, sales, got)
	_, ok = d.Lookup("nope")
	require.False(t, ok)
	require.Equal(t, []permission.Division{home, sales}, d.All())

	for name, ds := range map[string][]permission.Division{
		"no Home":        {sales},
		"two Homes":      {home, {ID: "h2", Name: "Home 2", Home: true}},
		"duplicate ID":   {home, sales, {ID: "sales", Name: "Sales 2"}},
		"duplicate name": {home, sales, {ID: "sales2", Name: "Sales"}},
		"no ID":          {home, {Name: "Nameless"}},
		"no name":        {home, {ID: "x"}},
		"empty":          nil,
	} {
		_, err := permission.NewDivisions(ds...)
		require.ErrorIs(t, err, permission.ErrInvalid, name)
	}
}

func TestZeroDivisions(t *testing.T) {
	for name, d := range map[string]*permission.Divisions{"nil": nil, "zero": {}} {
		require.Equal(t, permission.Division{}, d.Home(), name)
		_, ok := d.Lookup("home")
		require.False(t, ok, name)
		require.Empty(t, d.All(), name)
	}
}

func TestTarget(t *testing.T) {
	require.True(t, permission.In("sales").IsValid())
	require.Equal(t, permission.DivisionID("sales"), permission.In("sales").Division())
	require.False(t, permission.In("").IsValid(), "an unresolved division is not org-wide")
	require.False(t, permission.Target{}.IsValid())
	require.True(t, permission.OrgWide().IsValid())
	require.True(t, permission.OrgWide().IsOrgWide())
	require.False(t, permission.In("sales").IsOrgWide())
	require.Equal(t, "in division sales", permission.In("sales").String())
	require.Equal(t, "org-wide", permission.OrgWide().String())
}

func TestRoleAndGrantValidate(t *testing.T) {
	require.NoError(t, role("r", "a:b:c").Validate())
	require.ErrorIs(t, permission.Role{Name: "x"}.Validate(), permission.ErrInvalid)
	require.ErrorIs(t, permission.Role{ID: "x"}.Validate(), permission.ErrInvalid)
	require.ErrorIs(t, permission.Role{ID: "x", Name: "x", Policies: []permission.Permission{{}}}.Validate(), permission.ErrInvalid)

	ok := permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")}
	require.NoError(t, ok.Validate())
	for name, g := range map[string]permission.Grant{
		"no subject":     {Role: "r", AllDivisions: true},
		"no role":        {Subject: alice, AllDivisions: true},
		"no division":    {Subject: alice, Role: "r"},
		"both":           {Subject: alice, Role: "r", Divisions: divs("home"), AllDivisions: true},
		"empty division": {Subject: alice, Role: "r", Divisions: divs("")},
		"bad kind":       {Subject: permission.Subject{Kind: 9, ID: "x"}, Role: "r", AllDivisions: true},
	} {
		require.ErrorIs(t, g.Validate(), permission.ErrInvalid, name)
	}
	require.Equal(t, "user:alice", alice.String())
	require.Equal(t, "group:g", permission.Group("g").String())
	require.Equal(t, "client:c", permission.Client("c").String())
	require.False(t, permission.User("").IsValid())
}
