package permission_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

func TestRequirementRejects(t *testing.T) {
	many := make([]permission.Permission, permission.MaxRequirement+1)
	for i := range many {
		many[i] = p("d:e:a" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	tests := []struct {
		name  string
		perms []permission.Permission
		err   error
	}{
		{name: "empty", err: permission.ErrEmpty},
		{name: "zero permission", perms: []permission.Permission{{}}, err: permission.ErrEmpty},
		{name: "wildcard action", perms: []permission.Permission{p("directory:user:*")}, err: permission.ErrWildcard},
		{name: "wildcard entity", perms: []permission.Permission{p("routing:*:view")}, err: permission.ErrWildcard},
		{name: "too many", perms: many, err: permission.ErrTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, build := range []func(...permission.Permission) (permission.Requirement, error){permission.AnyOf, permission.AllOf} {
				r, err := build(tt.perms...)
				require.ErrorIs(t, err, tt.err)
				require.False(t, r.IsValid())
			}
		})
	}
	_, err := permission.AllOf(many[:permission.MaxRequirement]...)
	require.NoError(t, err, "exactly MaxRequirement is fine")
	_, err = permission.AnyOf(append(many[:permission.MaxRequirement:permission.MaxRequirement], many[0])...)
	require.NoError(t, err, "MaxRequirement distinct permissions and a repeat are fine")
	require.Panics(t, func() { permission.MustAllOf() })
}

// TestMaxRequirementFitsRealTables: Genesys's longest ANY list has 68
// permissions, which the limit of 64 refused.
func TestMaxRequirementFitsRealTables(t *testing.T) {
	require.GreaterOrEqual(t, permission.MaxRequirement, 256)
	var wfm []permission.Permission
	for i := range 68 {
		wfm = append(wfm, p(fmt.Sprintf("wfm:entity%d:view", i)))
	}
	r, err := permission.AnyOf(wfm...)
	require.NoError(t, err)
	require.Len(t, r.Permissions(), 68)
}

// TestRequirementRepeatsCountOnce: a permission listed twice in an ANY or
// ALL list (a real table lists wfm:timeOffRequest:view twice in one) is
// accepted and counts once.
func TestRequirementRepeatsCountOnce(t *testing.T) {
	view, edit := p("wfm:timeOffRequest:view"), p("wfm:timeOffRequest:edit")
	for _, build := range []func(...permission.Permission) (permission.Requirement, error){permission.AnyOf, permission.AllOf} {
		r, err := build(view, edit, view)
		require.NoError(t, err)
		require.Equal(t, []permission.Permission{view, edit}, r.Permissions(), "each once, in the order first listed")
		out, err := json.Marshal(r)
		require.NoError(t, err)
		require.Contains(t, string(out), `["wfm:timeOffRequest:view","wfm:timeOffRequest:edit"]`)
	}
}

func TestRequirementValues(t *testing.T) {
	all := permission.MustAllOf(p("directory:user:add"), p("directory:user:edit"))
	require.Equal(t, permission.All, all.Kind())
	require.Equal(t, "all of directory:user:add, directory:user:edit", all.String())
	ps := all.Permissions()
	ps[0] = p("x:y:z")
	require.Equal(t, p("directory:user:add"), all.Permissions()[0], "Permissions returns a copy")

	anyOf := permission.MustAnyOf(p("directory:user:add"))
	require.Equal(t, "any of directory:user:add", anyOf.String())
	require.Equal(t, "none", permission.NoneRequired().String())
	require.Equal(t, permission.None, permission.NoneRequired().Kind())

	var zero permission.Requirement
	require.False(t, zero.IsValid())
	require.Equal(t, permission.Kind(0), zero.Kind())
	require.Equal(t, "invalid requirement", zero.String())
	require.Nil(t, zero.Permissions())
	require.Equal(t, "Kind(0)", zero.Kind().String())
}

func TestRequirementJSON(t *testing.T) {
	for _, r := range []permission.Requirement{
		permission.NoneRequired(),
		permission.MustAnyOf(p("directory:user:add"), p("directory:user:edit")),
		permission.MustAllOf(p("routing:queue:view")),
	} {
		out, err := json.Marshal(r)
		require.NoError(t, err)
		var back permission.Requirement
		require.NoError(t, json.Unmarshal(out, &back), string(out))
		require.Equal(t, r.String(), back.String())
	}
	out, err := json.Marshal(permission.MustAllOf(p("a:b:c")))
	require.NoError(t, err)
	require.JSONEq(t, `{"all":["a:b:c"]}`, string(out))
	_, err = json.Marshal(permission.Requirement{})
	require.ErrorIs(t, err, permission.ErrEmpty)

	for _, trailing := range []string{`{"all":["a:b:c"]}}`, `{"all":["a:b:c"]}]`, `{"all":["a:b:c"]} x`} {
		var r permission.Requirement
		require.Error(t, r.UnmarshalJSON([]byte(trailing)), trailing)
		require.False(t, r.IsValid(), trailing)
	}

	for _, bad := range []struct {
		in  string
		err error
	}{
		{`{}`, permission.ErrInvalid},
		{`{"any":["a:b:c"],"all":["a:b:c"]}`, permission.ErrInvalid},
		{`{"none":false}`, permission.ErrInvalid},
		{`{"none":true,"any":[]}`, permission.ErrInvalid},
		{`{"all":[]}`, permission.ErrEmpty},
		{`{"all":["a:b:*"]}`, permission.ErrWildcard},
		{`{"all":["a:b"]}`, permission.ErrSegments},
		{`{"every":["a:b:c"]}`, nil},
		{`{"all":["a:b:c"]} {}`, nil},
		// A key given twice, in any case: encoding/json would keep the
		// last list, dropping a permission without a word.
		{`{"all":["a:b:c","d:e:f"],"ALL":["d:e:f"]}`, permission.ErrInvalid},
		{`{"all":["a:b:c"],"all":["d:e:f"]}`, permission.ErrInvalid},
		{`{"all":["a:b:c"],"all":null,"none":true}`, permission.ErrInvalid},
		{`{"Any":["a:b:c"],"any":["d:e:f"]}`, permission.ErrInvalid},
		{`[]`, nil},
	} {
		var r permission.Requirement
		err := json.Unmarshal([]byte(bad.in), &r)
		require.Error(t, err, bad.in)
		if bad.err != nil {
			require.ErrorIs(t, err, bad.err, bad.in)
		}
		require.False(t, r.IsValid(), bad.in)
	}
}
