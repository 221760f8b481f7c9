package scope_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func TestSatisfaction(t *testing.T) {
	c := sample.Catalog()
	tests := []struct {
		name     string
		granted  string
		accepted []string
		want     bool
		match    string
	}{
		{name: "exact", granted: "conversations:readonly users:readonly", accepted: []string{"users:readonly"}, want: true, match: "users:readonly"},
		{name: "any one of several", granted: "users:readonly", accepted: []string{"users", "users:readonly"}, want: true, match: "users:readonly"},
		{name: "by implication", granted: "users:manage", accepted: []string{"users:readonly"}, want: true, match: "users:manage"},
		{name: "bare implies readonly", granted: "users", accepted: []string{"users:readonly"}, want: true, match: "users"},
		{name: "transitive explicit", granted: "recordings:download", accepted: []string{"recordings:view"}, want: true, match: "recordings:download"},
		{name: "narrower does not satisfy broader", granted: "users:readonly", accepted: []string{"users:manage"}, want: false},
		{name: "no scope in common", granted: "conversations:readonly users:readonly", accepted: []string{"scheduling:readonly"}, want: false},
		{name: "agent desktop transfer", granted: "conversations:readonly conversations:call:control users:readonly presence:manage", accepted: []string{"conversations:call:control"}, want: true, match: "conversations:call:control"},
		{name: "agent desktop cannot place calls", granted: "conversations:readonly conversations:call:control users:readonly presence:manage", accepted: []string{"conversations:call:add"}, want: false},
		{name: "unknown granted scope grants nothing", granted: "custom:everything", accepted: []string{"users:readonly"}, want: false},
		{name: "empty grant", granted: "", accepted: []string{"users:readonly"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var granted scope.Set
			if tt.granted != "" {
				granted = scope.MustParseSet(tt.granted)
			}
			var acc []scope.Scope
			for _, a := range tt.accepted {
				acc = append(acc, scope.MustParse(a))
			}
			accepted, err := c.Accept(acc...)
			require.NoError(t, err)

			require.Equal(t, tt.want, c.Grant(granted).Satisfies(accepted), "Granted.Satisfies")
			m, ok := accepted.Match(granted)
			require.Equal(t, tt.want, ok, "Accepted.Match")
			require.Equal(t, tt.match, m.String())
		})
	}
}

func TestAcceptRejects(t *testing.T) {
	c := sample.Catalog()
	_, err := c.Accept()
	require.ErrorIs(t, err, scope.ErrEmpty)
	_, err = c.Accept(scope.Scope{})
	require.ErrorIs(t, err, scope.ErrEmpty)
	_, err = c.Accept(sc("users:readonly"), sc("conversation:view"))
	require.ErrorIs(t, err, scope.ErrUnknown)
	require.ErrorContains(t, err, "conversations:readonly")

	a, err := c.Accept(sc("users:readonly"), sc("users"), sc("users:readonly"))
	require.NoError(t, err)
	require.Equal(t, "users users:readonly", a.Scopes().String())
}

func TestCompiledZeroValuesAndCatalogMismatch(t *testing.T) {
	c1, c2 := sample.Catalog(), sample.Catalog()
	a1, err := c1.Accept(sc("users:readonly"))
	require.NoError(t, err)
	g1 := c1.Grant(scope.MustParseSet("users:readonly"))
	g2 := c2.Grant(scope.MustParseSet("users:readonly"))
	require.True(t, g1.Satisfies(a1))
	require.False(t, g2.Satisfies(a1), "compiled against another catalog: deny")
	require.False(t, scope.Granted{}.Satisfies(a1))
	require.False(t, g1.Satisfies(scope.Accepted{}))
	require.False(t, scope.Granted{}.Satisfies(scope.Accepted{}))
	require.False(t, scope.Granted{}.Has(sc("users:readonly")))
	_, ok := scope.Accepted{}.Match(scope.MustParseSet("users:readonly"))
	require.False(t, ok)
	require.True(t, g1.Has(sc("users:readonly")))
	require.False(t, g1.Has(sc("users:manage")))
}

func TestChecksDoNotAllocate(t *testing.T) {
	c := sample.Catalog()
	a, err := c.Accept(sc("presence:readonly"))
	require.NoError(t, err)
	set := scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage")
	g := c.Grant(set)
	var ok bool
	require.Zero(t, testing.AllocsPerRun(100, func() { ok = g.Satisfies(a) }))
	require.True(t, ok)
	require.Zero(t, testing.AllocsPerRun(100, func() { _, ok = a.Match(set) }))
	require.True(t, ok)
	require.Zero(t, testing.AllocsPerRun(100, func() { ok = g.Has(sc("presence:readonly")) }))
	require.True(t, ok)
	limit := scope.MustParseSet("presence:manage users:readonly")
	require.Zero(t, testing.AllocsPerRun(100, func() { _, ok = a.MatchWithin(set, limit) }))
	require.True(t, ok)
}

func TestMatchWithinAndSatisfiers(t *testing.T) {
	c := sample.Catalog()
	a, err := c.Accept(sc("users:readonly"))
	require.NoError(t, err)
	require.Equal(t, "users users:manage users:readonly", a.Satisfiers().String())

	token := scope.MustParseSet("presence:manage users users:manage")
	m, ok := a.Match(token)
	require.True(t, ok)
	require.Equal(t, "users:manage", m.String(), "unlimited: the narrowest satisfying scope, an action before the bare users")
	m, ok = a.Match(scope.MustParseSet("users users:manage users:readonly"))
	require.True(t, ok)
	require.Equal(t, "users:readonly", m.String(), "the narrowest: it implies nothing else")

	m, ok = a.MatchWithin(token, scope.MustParseSet("users:manage users:readonly"))
	require.True(t, ok)
	require.Equal(t, "users:manage", m.String(), "users is no longer held, users:manage still is")

	_, ok = a.MatchWithin(token, scope.MustParseSet("presence:manage"))
	require.False(t, ok, "no satisfying scope is still held")
	_, ok = a.MatchWithin(token, scope.Set{})
	require.False(t, ok, "an empty limit holds nothing")
	require.True(t, scope.Accepted{}.Satisfiers().IsEmpty())
}

// Satisfiers agrees with Implies for every scope of the sample catalog, and
// Granted.Satisfies with Accepted.Match.
func TestSatisfiersAgreeWithImplies(t *testing.T) {
	c := sample.Catalog()
	for e := range c.All() {
		a, err := c.Accept(e.Scope)
		require.NoError(t, err)
		var want []scope.Scope
		for other := range c.All() {
			if c.Implies(other.Scope, e.Scope) {
				want = append(want, other.Scope)
			}
		}
		require.Equal(t, want, a.Satisfiers().Scopes(), "satisfiers of %v", e.Scope)
		for other := range c.All() {
			single := scope.MustParseSet(other.Scope.String())
			_, matched := a.Match(single)
			require.Equal(t, c.Implies(other.Scope, e.Scope), c.Grant(single).Satisfies(a), "%v satisfies %v", other.Scope, e.Scope)
			require.Equal(t, c.Implies(other.Scope, e.Scope), matched, "%v matches %v", other.Scope, e.Scope)
		}
	}
}

func TestNarrowest(t *testing.T) {
	c := sample.Catalog()
	for _, tc := range []struct{ set, want string }{
		{"users users:readonly", "users:readonly"},
		{"users users:manage", "users:manage"},
		{"users users:manage users:readonly", "users:readonly"},
		{"recordings:download recordings:view", "recordings:view"},
		{"presence:manage users", "presence:manage"},
		{"users", "users"},
		{"", ""},
	} {
		t.Run(tc.set, func(t *testing.T) {
			var set scope.Set
			if tc.set != "" {
				set = scope.MustParseSet(tc.set)
			}
			got, ok := c.Narrowest(set)
			require.Equal(t, tc.want != "", ok)
			require.Equal(t, tc.want, got.String())
		})
	}
	got, ok := c.Narrowest(scope.MustParseSet("nosuch:scope"))
	require.False(t, ok, "scopes the catalog does not know are passed over")
	require.False(t, got.IsValid())
}
