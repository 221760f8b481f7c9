package permission

import (
	"context"
	"fmt"
	"math/rand/v2"
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
	s := oneRoleStore(t, org, []DivisionID{"home-keys"}, []DivisionID{"home-keys"}, "keys:entity:view")
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

// TestAllUsesKeyNumbers: an ALL requirement, or an ANY of one, built
// before the access is compiled is checked by its keys' numbers; one that
// names a key numbered after the compilation is checked by the probes,
// with the same answers.
func TestAllUsesKeyNumbers(t *testing.T) {
	const org OrgID = "org-all-keys"
	s := oneRoleStore(t, org, []DivisionID{"home-all", "sales-all"}, []DivisionID{"home-all"}, "allkeys:entity:view", "allkeys:*:edit")
	early := MustAllOf(MustParse("allkeys:entity:view"), MustParse("allkeys:other:edit"))
	one := MustAnyOf(MustParse("allkeys:entity:view"))
	a, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)
	// Held through allkeys:*:edit, but its own key numbered only now.
	late := MustAllOf(MustParse("allkeys:entity:view"), MustParse("allkeys:numberedlate:edit"))

	for _, r := range []Requirement{early, one} {
		require.NotNil(t, r.r.ids, r.String())
		require.LessOrEqual(t, r.r.idLimit, a.keys.n, "%s: numbered before the compilation", r)
		require.True(t, a.Check(r, In("home-all")).Satisfied(), r.String())
		require.False(t, a.Check(r, In("sales-all")).Satisfied(), r.String())
		require.True(t, a.Check(r, OrgWide()).Satisfied(), r.String())
		require.False(t, a.Check(r, AllDivisions()).Satisfied(), r.String())
	}
	require.Greater(t, late.r.idLimit, a.keys.n, "a key numbered after the compilation")
	again, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)
	require.LessOrEqual(t, late.r.idLimit, again.keys.n, "compiled again, the access has the new numbers")
	for _, acc := range []*Access{a, again} {
		require.True(t, acc.Check(late, In("home-all")).Satisfied())
		require.False(t, acc.Check(late, In("sales-all")).Satisfied())
	}
}

// TestKeyBitsGrowWithHeldKeys: an access keeps key bits up to the highest
// key it holds, not for every key numbered since: requirements built later
// do not make accesses larger, and a key past its bits is not held, by an
// ALL check or an ANY one.
func TestKeyBitsGrowWithHeldKeys(t *testing.T) {
	const org OrgID = "org-key-bits"
	s := oneRoleStore(t, org, []DivisionID{"home-bits"}, []DivisionID{"home-bits"}, "keybits:entity:view")
	held := MustAllOf(MustParse("keybits:entity:view"))
	keys.RLock()
	before := len(keys.ids)
	keys.RUnlock()
	lists := make([][]Permission, 5)
	for i := range 5 * (MaxRequirement - 1) {
		lists[i%5] = append(lists[i%5], MustParse(fmt.Sprintf("keybits:later%d:view", i)))
	}
	allLater, anyLater := MustAllOf(lists[0]...), MustAnyOf(lists[1]...)
	anyWithHeld := MustAnyOf(append(lists[2], MustParse("keybits:entity:view"))...)
	MustAllOf(lists[3]...)
	MustAnyOf(lists[4]...)
	a, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)

	keys.RLock()
	id := keys.ids["keybits:entity:view"]
	keys.RUnlock()
	require.Len(t, a.keys.words, int(id/64)+1, "bits up to the key held, not the keys numbered after it")
	require.Greater(t, int(a.keys.n), before+2000)
	home := In("home-bits")
	require.True(t, a.Check(held, home).Satisfied())
	require.False(t, a.Check(allLater, home).Satisfied())
	require.False(t, a.Check(anyLater, home).Satisfied())
	require.True(t, a.Check(anyWithHeld, home).Satisfied())
	require.True(t, a.Check(anyWithHeld, OrgWide()).Satisfied())
}

// TestNumberedChecksAgree: on random subjects (exact, wildcard and legacy
// policies, granted in some divisions or in all), an ALL requirement and
// an ANY of one, checked by their keys' numbers, give the Result that the
// same requirement checked by hash probes gives, at every kind of target.
func TestNumberedChecksAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(56, 78))
	universe := []string{"agree_legacy", "agree_other_legacy"}
	for _, d := range []string{"agreea", "agreeb"} {
		for _, e := range []string{"queue", "user", "skill"} {
			for _, act := range []string{"view", "edit", "add"} {
				universe = append(universe, d+":"+e+":"+act)
			}
		}
	}
	policy := func() Permission {
		q := MustParse(universe[rng.IntN(len(universe))])
		if q.IsLegacy() || rng.IntN(3) > 0 {
			return q
		}
		switch rng.IntN(3) {
		case 0:
			return MustParse(q.Domain() + ":" + q.Entity() + ":*")
		case 1:
			return MustParse(q.Domain() + ":*:" + q.Action())
		}
		return MustParse(q.Domain() + ":*:*")
	}
	const org OrgID = "org-agree"
	named := []DivisionID{"agree-home", "agree-sales", "agree-support"}
	var ds []Division
	for i, id := range named {
		ds = append(ds, Division{ID: id, Name: string(id), Home: i == 0})
	}
	divs, err := NewDivisions(ds...)
	require.NoError(t, err)
	var lists [][]Permission
	for range 60 {
		var list []Permission
		for range 1 + rng.IntN(6) {
			list = append(list, MustParse(universe[rng.IntN(len(universe))]))
		}
		lists = append(lists, list)
	}
	// Built before the accesses, as a policy's are: numbered.
	var numbered, probed []Requirement
	for _, list := range lists {
		for _, k := range []Kind{All, Any} {
			if k == Any {
				list = list[:1]
			}
			n, err := newRequirement(k, list, true)
			require.NoError(t, err)
			p, err := newRequirement(k, list, false)
			require.NoError(t, err)
			numbered, probed = append(numbered, n), append(probed, p)
		}
	}
	targets := []Target{In("agree-home"), In("agree-sales"), In("agree-support"), In("agree-elsewhere"), OrgWide(), AllDivisions()}
	for subject := range 30 {
		s := NewMemStore()
		require.NoError(t, s.PutDivisions(org, divs))
		for r := range 1 + rng.IntN(3) {
			id := RoleID(fmt.Sprint("role", r))
			ro := Role{ID: id, Name: string(id)}
			for range 1 + rng.IntN(8) {
				ro.Policies = append(ro.Policies, policy())
			}
			require.NoError(t, s.PutRole(org, ro))
			g := Grant{Subject: User("u"), Role: id}
			if rng.IntN(3) == 0 {
				g.AllDivisions = true
			} else {
				g.Divisions = []DivisionID{named[rng.IntN(len(named))]}
			}
			require.NoError(t, s.AddGrant(org, g))
		}
		a, err := Compile(context.Background(), s, org, User("u"))
		require.NoError(t, err)
		for i := range numbered {
			require.NotNil(t, numbered[i].r.ids)
			require.LessOrEqual(t, numbered[i].r.idLimit, a.keys.n)
			require.Nil(t, probed[i].r.ids)
			for _, tg := range targets {
				got, want := a.Check(numbered[i], tg), a.Check(probed[i], tg)
				require.Equal(t, want.ok, got.ok, "subject %d, %s at %s", subject, numbered[i], tg)
				require.Equal(t, want.div, got.div, "subject %d, %s at %s", subject, numbered[i], tg)
			}
		}
	}
}

// TestHasDoesNotNumber: Access.Has builds a requirement for one check; it
// adds no key to the numbers.
func TestHasDoesNotNumber(t *testing.T) {
	keys.RLock()
	before := len(keys.ids)
	keys.RUnlock()
	var a *Access
	require.False(t, a.Has(MustParse("hasnumbers:entity:view"), OrgWide()))
	keys.RLock()
	defer keys.RUnlock()
	require.Equal(t, before, len(keys.ids))
	_, found := keys.ids["hasnumbers:entity:view"]
	require.False(t, found)
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
	all, err := AllOf(MustParse("bounded:entity:edit"), MustParse("bounded:other:edit"))
	require.NoError(t, err)
	require.Nil(t, all.r.ids, "no numbers left")
	require.Len(t, full, maxKeys, "the table did not grow")

	const org OrgID = "org-bounded"
	s := oneRoleStore(t, org, []DivisionID{"home-bounded"}, nil, "bounded:*:edit")
	a, err := Compile(context.Background(), s, org, User("u"))
	require.NoError(t, err)
	require.True(t, a.Check(r, In("home-bounded")).Satisfied())
	require.True(t, a.Check(all, In("home-bounded")).Satisfied())
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

// oneRoleStore returns a store where org has divisions divs (the first its
// home) and user u holds role r, of the policies given, in the divisions
// grantIn, or in all divisions when grantIn is nil.
func oneRoleStore(t *testing.T, org OrgID, divs []DivisionID, grantIn []DivisionID, policies ...string) *MemStore {
	t.Helper()
	var ds []Division
	for i, id := range divs {
		ds = append(ds, Division{ID: id, Name: string(id), Home: i == 0})
	}
	d, err := NewDivisions(ds...)
	require.NoError(t, err)
	s := NewMemStore()
	require.NoError(t, s.PutDivisions(org, d))
	ro := Role{ID: "r", Name: "r"}
	for _, p := range policies {
		ro.Policies = append(ro.Policies, MustParse(p))
	}
	require.NoError(t, s.PutRole(org, ro))
	require.NoError(t, s.AddGrant(org, Grant{Subject: User("u"), Role: "r", Divisions: grantIn, AllDivisions: grantIn == nil}))
	return s
}
