package permission_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/permission"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs, return an error,
// deny or report nothing; none panics (issue 11). MustParse, MustAllOf
// and MustAnyOf are left out: they panic on bad input by contract.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		permission.Access{}, (*permission.Access)(nil),
		permission.Cache{}, (*permission.Cache)(nil),
		permission.CacheStamp{}, (*permission.CacheStamp)(nil),
		permission.Division{}, (*permission.Division)(nil),
		permission.DivisionID(""), (*permission.DivisionID)(nil),
		permission.Divisions{}, (*permission.Divisions)(nil),
		permission.Grant{}, (*permission.Grant)(nil),
		permission.Kind(0), (*permission.Kind)(nil),
		permission.MemStore{}, (*permission.MemStore)(nil),
		permission.Missing{}, (*permission.Missing)(nil),
		permission.OrgID(""), (*permission.OrgID)(nil),
		permission.ParseError{}, (*permission.ParseError)(nil),
		permission.Permission{}, (*permission.Permission)(nil),
		permission.Requirement{}, (*permission.Requirement)(nil),
		permission.Result{}, (*permission.Result)(nil),
		permission.Role{}, (*permission.Role)(nil),
		permission.RoleID(""), (*permission.RoleID)(nil),
		permission.Subject{}, (*permission.Subject)(nil),
		permission.SubjectKind(0), (*permission.SubjectKind)(nil),
		permission.Target{}, (*permission.Target)(nil),
		permission.Kind(255), permission.SubjectKind(255),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"Compile":  permission.Compile,
		"Evaluate": permission.Evaluate,
		"Compile(zero MemStore)": func() (*permission.Access, error) {
			return permission.Compile(ctx, &permission.MemStore{}, "", permission.Subject{})
		},
		"Evaluate(zero MemStore)": func() (permission.Result, error) {
			return permission.Evaluate(ctx, &permission.MemStore{}, "", permission.Subject{}, permission.Requirement{}, permission.Target{})
		},
		"NewCache": permission.NewCache,
		"NewCache(nil).Access": func() (*permission.Access, error) {
			return permission.NewCache(nil, 0).Access(ctx, "", permission.Subject{})
		},
		"NewDivisions":                permission.NewDivisions,
		"NewDivisions(zero division)": func() (*permission.Divisions, error) { return permission.NewDivisions(permission.Division{}) },
		"AllOf":                       permission.AllOf,
		"AllOf(zero permission)":      func() (permission.Requirement, error) { return permission.AllOf(permission.Permission{}) },
		"AnyOf":                       permission.AnyOf,
		"AnyOf(zero permission)":      func() (permission.Requirement, error) { return permission.AnyOf(permission.Permission{}) },
		"NoneRequired":                permission.NoneRequired,
		"Client":                      permission.Client,
		"Group":                       permission.Group,
		"User":                        permission.User,
		"AllDivisions":                permission.AllDivisions,
		"In":                          permission.In,
		"OrgWide":                     permission.OrgWide,
		"NewMemStore":                 permission.NewMemStore,
		"Parse":                       permission.Parse,
	})
}

// TestNilMemStoreRefuses: a nil *MemStore keeps nothing and knows
// nothing: every change and every lookup is an error wrapping ErrInvalid,
// so that access compiled from it is refused, never empty-but-granted.
func TestNilMemStoreRefuses(t *testing.T) {
	var m *permission.MemStore
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	alice := permission.User("alice")
	for name, err := range map[string]error{
		"PutDivisions": m.PutDivisions(org, divs),
		"AddUser":      m.AddUser(org, "alice"),
		"RemoveUser":   m.RemoveUser(org, "alice"),
		"PutRole":      m.PutRole(org, role("r", "a:b:c")),
		"DeleteRole":   m.DeleteRole(org, "r"),
		"AddGrant":     m.AddGrant(org, permission.Grant{Subject: alice, Role: "r", AllDivisions: true}),
		"RemoveGrant":  m.RemoveGrant(org, alice, "r"),
		"AddMember":    m.AddMember(org, permission.Group("g"), alice),
		"RemoveMember": m.RemoveMember(org, permission.Group("g"), alice),
	} {
		require.ErrorIs(t, err, permission.ErrInvalid, name)
	}
	_, err = m.Grants(ctx, org, alice)
	require.ErrorIs(t, err, permission.ErrInvalid)
	_, err = m.Groups(ctx, org, alice)
	require.ErrorIs(t, err, permission.ErrInvalid)
	_, err = m.Role(ctx, org, "r")
	require.ErrorIs(t, err, permission.ErrInvalid)
	_, err = m.Divisions(ctx, org)
	require.ErrorIs(t, err, permission.ErrInvalid)
	member, err := m.IsMember(ctx, org, "alice")
	require.ErrorIs(t, err, permission.ErrInvalid)
	require.False(t, member)
	require.Zero(t, m.Version())

	a, err := permission.Compile(ctx, m, org, alice)
	require.Error(t, err)
	require.Nil(t, a)
	res, err := permission.Evaluate(ctx, m, org, alice, permission.NoneRequired(), permission.OrgWide())
	require.Error(t, err)
	require.False(t, res.Satisfied())
}

// TestEmptyParseErrorReads: a ParseError left empty, or nil, still says
// what kind of error it is.
func TestEmptyParseErrorReads(t *testing.T) {
	require.Equal(t, `permission: parsing "" at offset 0: invalid permission`, (&permission.ParseError{}).Error())
	require.Equal(t, `permission: parsing "" at offset 0: empty`, (&permission.ParseError{Err: permission.ErrEmpty}).Error())
	require.Equal(t, "permission: invalid permission", (*permission.ParseError)(nil).Error())
	require.NoError(t, errors.Unwrap((*permission.ParseError)(nil)))
}
