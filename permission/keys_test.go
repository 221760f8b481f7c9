package permission

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAnyUsesKeyNumbers: an ANY requirement built before the access is
// compiled is checked by intersecting key numbers, not permission by
// permission; one that names keys numbered after the compilation falls
// back to the probes.
func TestAnyUsesKeyNumbers(t *testing.T) {
	const org OrgID = "org-keys"
	s := NewMemStore()
	divs, err := NewDivisions(Division{ID: "home-keys", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, s.PutDivisions(org, divs))
	require.NoError(t, s.PutRole(org, Role{ID: "r", Name: "r", Policies: []Permission{MustParse("keys:entity:view")}}))
	require.NoError(t, s.AddGrant(org, Grant{Subject: User("u"), Role: "r", Divisions: []DivisionID{"home-keys"}}))
	var list []Permission
	for i := range 70 {
		list = append(list, MustParse(fmt.Sprintf("keys:entity%d:view", i)))
	}
	early := MustAnyOf(append(list, MustParse("keys:entity:view"))...)
	a, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)
	late := MustAnyOf(append(list, MustParse("keys:entity:view"), MustParse("keys:numbered:late"))...)

	anywhere, inAll, dn, _ := a.where(In("home-keys"))
	held, known := a.anyHeld(early.r, anywhere, inAll, dn)
	require.True(t, known, "numbered before the compilation: the bit sets decide")
	require.True(t, held)
	_, known = a.anyHeld(late.r, anywhere, inAll, dn)
	require.False(t, known, "a key numbered after the compilation: the probes decide")
	require.True(t, a.Check(late, In("home-keys")).Satisfied())
}

// TestKeyNumbersBounded: once maxKeys keys are numbered, a requirement
// with new keys is still built, and checked permission by permission.
func TestKeyNumbersBounded(t *testing.T) {
	keys.Lock()
	saved := keys.ids
	full := make(map[string]uint32, maxKeys)
	for i := range maxKeys {
		full[fmt.Sprint("filler:", i)] = uint32(i)
	}
	keys.ids = full
	keys.Unlock()
	defer func() {
		keys.Lock()
		keys.ids = saved
		keys.Unlock()
	}()

	r, err := AnyOf(MustParse("bounded:entity:view"), MustParse("bounded:entity:edit"))
	require.NoError(t, err)
	require.Zero(t, r.r.keys.limit, "no numbers left")
	require.Len(t, full, maxKeys, "the table did not grow")

	const org OrgID = "org-bounded"
	s := NewMemStore()
	divs, err := NewDivisions(Division{ID: "home-bounded", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, s.PutDivisions(org, divs))
	require.NoError(t, s.PutRole(org, Role{ID: "r", Name: "r", Policies: []Permission{MustParse("bounded:*:edit")}}))
	require.NoError(t, s.AddGrant(org, Grant{Subject: User("u"), Role: "r", AllDivisions: true}))
	a, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)
	require.True(t, a.Check(r, In("home-bounded")).Satisfied())
}

// TestSameKey: keys compare equal exactly when every byte agrees, whatever
// their lengths, the words they are compared in, and the byte that
// differs.
func TestSameKey(t *testing.T) {
	for n := range 41 {
		a := strings.Repeat("k", n)
		if !sameKey(a, strings.Clone(a)) {
			t.Fatalf("a key of %d bytes differs from its copy", n)
		}
		if n > 0 && sameKey(a, a[:n-1]) || sameKey(a, a+"k") {
			t.Fatalf("keys of %d bytes and one more or less compare equal", n)
		}
		for i := range n {
			b := []byte(a)
			b[i] = 'x'
			if sameKey(a, string(b)) {
				t.Fatalf("keys of %d bytes differing at byte %d compare equal", n, i)
			}
		}
	}
}
