package scope_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
)

// buildBytes returns the bytes NewCatalog allocates to build a catalog from
// entries and rules.
func buildBytes(t *testing.T, entries []scope.Entry, rules ...scope.Rule) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c, err := scope.NewCatalog(entries, rules...)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, len(entries), c.Len())
	return after.TotalAlloc - before.TotalAlloc
}

// Building a catalog allocates memory in proportion to its scopes (issue
// 11: a 16,000-scope catalog took 84.6 MB in two n×n bit matrices, about
// 5 KB a scope).
func TestNewCatalogMemoryGrowsLinearly(t *testing.T) {
	small := buildBytes(t, syntheticEntries(2000), syntheticRules...)
	large := buildBytes(t, syntheticEntries(16000), syntheticRules...)
	t.Logf("2,000 scopes: %d bytes; 16,000 scopes: %d bytes (%d a scope)", small, large, large/16000)
	require.Less(t, large, uint64(16000*1024), "at most 1 KB a scope")
	require.Less(t, large, 12*small, "8 times the scopes take about 8 times the memory, not 64")
}

// flatEntries returns n scopes without implications.
func flatEntries(n int) []scope.Entry {
	entries := make([]scope.Entry, n)
	for i := range entries {
		entries[i] = scope.Entry{Scope: sc(fmt.Sprintf("flat%06d", i)), Description: "Flat scope"}
	}
	return entries
}

// chainEntries returns n scopes in a chain, each implying the next: the
// first implies n-1 scopes, and the chain holds n(n-1)/2 implications.
func chainEntries(n int) []scope.Entry {
	entries := make([]scope.Entry, n)
	for i := range entries {
		entries[i] = scope.Entry{Scope: sc(fmt.Sprintf("chain%06d", i)), Description: "Chained scope"}
		if i+1 < n {
			entries[i].Implies = []scope.Scope{sc(fmt.Sprintf("chain%06d", i+1))}
		}
	}
	return entries
}

func TestCatalogLimits(t *testing.T) {
	require.GreaterOrEqual(t, scope.MaxScopes, 16384, "a flat catalog of 16,384 scopes must be allowed")

	// The longest chain whose implications fit, and one scope more.
	longest := 1
	for (longest+1)*longest/2 <= scope.MaxImplications {
		longest++
	}

	// MaxRules rules, each making x:manage imply another action.
	var rules []scope.Rule
	for i := range scope.MaxRules {
		rules = append(rules, scope.ActionImplies("manage", fmt.Sprintf("action%d", i)))
	}
	withRules := []scope.Entry{entry("users:manage", "Manage users"), entry("users:action7", "Action 7")}

	tests := []struct {
		name    string
		entries []scope.Entry
		rules   []scope.Rule
		limit   string // named by the error; "" when the catalog fits
	}{
		{name: "MaxRules rules", entries: withRules, rules: rules},
		{name: "one rule more than MaxRules", entries: withRules, rules: append(rules, scope.BareImplies("readonly")), limit: "MaxRules"},
		{name: "MaxScopes flat scopes", entries: flatEntries(scope.MaxScopes)},
		{name: "one scope more than MaxScopes", entries: flatEntries(scope.MaxScopes + 1), limit: "MaxScopes"},
		{name: "the longest chain within MaxImplications", entries: chainEntries(longest)},
		{name: "a chain one scope longer", entries: chainEntries(longest + 1), limit: "MaxImplications"},
		{name: "a chain far too long", entries: chainEntries(4 * longest), limit: "MaxImplications"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := scope.NewCatalog(tt.entries, tt.rules...)
			if tt.limit == "" {
				require.NoError(t, err)
				require.Equal(t, len(tt.entries), c.Len())
				return
			}
			require.ErrorIs(t, err, scope.ErrTooLarge)
			require.ErrorContains(t, err, tt.limit)
			require.True(t, c == nil, "no catalog with an error")
		})
	}
}

// A catalog at MaxScopes with an admin scope that implies every other one
// and a base scope that every other one implies: the implications grow
// linearly, and an endpoint accepting the base scope has every scope as a
// satisfier.
func TestCatalogAtMaxScopesWithHubs(t *testing.T) {
	entries := flatEntries(scope.MaxScopes)
	admin, base := entries[0].Scope, entries[len(entries)-1].Scope
	for i := 1; i < len(entries)-1; i++ {
		entries[0].Implies = append(entries[0].Implies, entries[i].Scope)
		entries[i].Implies = []scope.Scope{base}
	}
	c, err := scope.NewCatalog(entries)
	require.NoError(t, err)
	require.Equal(t, scope.MaxScopes-1, c.Implied(admin).Len())
	require.True(t, c.Implies(admin, base))

	a, err := c.Accept(base)
	require.NoError(t, err)
	require.Equal(t, scope.MaxScopes, a.Satisfiers().Len())
	got, ok := a.Match(scope.MustParseSet(admin.String() + " " + entries[1].Scope.String()))
	require.True(t, ok)
	require.Equal(t, entries[1].Scope, got, "the narrowest: it implies only the base scope")
	got, ok = a.Match(scope.MustParseSet(admin.String() + " " + base.String()))
	require.True(t, ok)
	require.Equal(t, base, got)
	require.True(t, c.Grant(scope.MustParseSet(admin.String())).Satisfies(a))
}

// Each suggestion scans the catalog, so NewCatalog suggests scopes for the
// first unknown implications only, as many as ParseSet reports problems;
// it still reports every unknown implication.
func TestNewCatalogSuggestsForTheFirstUnknownImplications(t *testing.T) {
	const unknown = 20
	var entries []scope.Entry
	for i := range unknown {
		res := fmt.Sprintf("res%02d", i)
		entries = append(entries, entry(res+":manage", "Manage", res+":readonyl"), entry(res+":readonly", "Read"))
	}
	_, err := scope.NewCatalog(entries)
	require.ErrorIs(t, err, scope.ErrUnknown)
	var suggested []int
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	require.Len(t, errs, unknown, "every unknown implication is reported")
	for i, e := range errs {
		var ue *scope.UnknownError
		require.ErrorAs(t, e, &ue)
		require.Equal(t, fmt.Sprintf("res%02d:readonyl", i), ue.Scope.String())
		if len(ue.Suggestions) > 0 {
			require.Equal(t, fmt.Sprintf("res%02d:readonly", i), ue.Suggestions[0].String())
			suggested = append(suggested, i)
		}
	}
	require.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, suggested)
}

// How NewCatalog counts implications against MaxImplications: a direct
// implication that another one already implies adds nothing, but the
// scopes that several direct implications share count once for each.
func TestMaxImplicationsCounting(t *testing.T) {
	const chain = 1100 // 604,450 implications
	named := func(name string, implies ...scope.Scope) scope.Entry {
		return scope.Entry{Scope: sc(name), Description: "Scope " + name, Implies: implies}
	}

	// all implies every scope of the chain directly: 1,100 more
	// implications, where counting each direct one's would add 605,550.
	redundant := chainEntries(chain)
	var every []scope.Scope
	for _, e := range redundant {
		every = append(every, e.Scope)
	}
	redundant = append(redundant, named("all", every...))

	// Each of 300 scopes implies the chain's head, 330,000 implications;
	// top implies those 300 scopes directly, which implies 1,400 scopes,
	// but counts as 300 × 1,101 = 330,300.
	shared := chainEntries(chain)
	var heads []scope.Scope
	for i := range 300 {
		e := named(fmt.Sprintf("head%03d", i), shared[0].Scope)
		shared = append(shared, e)
		heads = append(heads, e.Scope)
	}
	shared = append(shared, named("top", heads...))

	c, err := scope.NewCatalog(redundant)
	require.NoError(t, err, "%d distinct implications", chain*(chain-1)/2+chain)
	require.Equal(t, chain, c.Implied(sc("all")).Len())

	_, err = scope.NewCatalog(shared[:len(shared)-1])
	require.NoError(t, err, "without top")
	_, err = scope.NewCatalog(shared)
	require.ErrorIs(t, err, scope.ErrTooLarge, "%d distinct implications, counted as more than %d", chain*(chain-1)/2+300*chain+300+chain, scope.MaxImplications)
	require.ErrorContains(t, err, "MaxImplications")
	require.ErrorContains(t, err, "top")
}
