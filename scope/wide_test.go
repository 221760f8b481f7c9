package scope_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
)

// Catalogs of more than 64 scopes, whose bit sets span several 64-bit
// words: a check that reads or writes the wrong word, or is off by one in
// the word index, fails here rather than only in other packages' tests.

// wideName is the name of scope i of a wide catalog. The names sort as the
// numbers do, so scope i is bit i of the catalog's bit sets: bit i%64 of
// word i/64.
func wideName(i int) string { return fmt.Sprintf("s%03d", i) }

// wideEdges returns direct implications for n scopes, each from a scope to
// a later one (so there is no cycle), many of them into another word: i
// implies i+64 (the same bit, one word on), i+1, and i+127.
func wideEdges(n int) map[int][]int {
	edges := map[int][]int{}
	for i := range n {
		for _, step := range []struct{ every, by int }{{3, 64}, {4, 1}, {5, 127}} {
			if i%step.every == 0 && i+step.by < n {
				edges[i] = append(edges[i], i+step.by)
			}
		}
	}
	return edges
}

// wideCatalog builds the catalog of n scopes s000, s001, ... with edges.
func wideCatalog(t *testing.T, n int, edges map[int][]int) *scope.Catalog {
	t.Helper()
	entries := make([]scope.Entry, n)
	for i := range n {
		entries[i] = scope.Entry{Scope: sc(wideName(i)), Description: "Wide scope " + wideName(i)}
		for _, j := range edges[i] {
			entries[i].Implies = append(entries[i].Implies, sc(wideName(j)))
		}
	}
	// Shuffle the entries deterministically: the catalog sorts them.
	slices.Reverse(entries)
	c, err := scope.NewCatalog(entries)
	require.NoError(t, err)
	require.Equal(t, n, c.Len())
	return c
}

// reachable is the reference closure: reach[i][j] when i implies j,
// directly or transitively (i implies itself), by a plain depth-first
// search over the edges.
func reachable(n int, edges map[int][]int) [][]bool {
	reach := make([][]bool, n)
	for i := range n {
		reach[i] = make([]bool, n)
		stack := []int{i}
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if reach[i][k] {
				continue
			}
			reach[i][k] = true
			stack = append(stack, edges[k]...)
		}
	}
	return reach
}

func wideSet(ids ...int) scope.Set {
	s := make([]scope.Scope, len(ids))
	for i, id := range ids {
		s[i] = sc(wideName(id))
	}
	set, err := scope.NewSet(s...)
	if err != nil {
		panic(err)
	}
	return set
}

// scopeComparer compares scopes by name, and nil and empty lists as equal.
var scopeComparer = cmp.Options{cmp.Comparer(func(a, b scope.Scope) bool { return a == b }), cmpopts.EquateEmpty()}

// Every check agrees with the reference closure for every pair of scopes,
// in catalogs of two, three and four words.
func TestWideCatalogAgreesWithReference(t *testing.T) {
	for _, n := range []int{65, 129, 200} {
		t.Run(fmt.Sprintf("scopes=%d", n), func(t *testing.T) {
			edges := wideEdges(n)
			c := wideCatalog(t, n, edges)
			reach := reachable(n, edges)

			granted := make([]scope.Granted, n)
			accepted := make([]scope.Accepted, n)
			for i := range n {
				granted[i] = c.Grant(wideSet(i))
				a, err := c.Accept(sc(wideName(i)))
				require.NoError(t, err)
				accepted[i] = a
			}
			for a := range n {
				var implied, satisfiers []scope.Scope
				for b := range n {
					if reach[a][b] && a != b {
						implied = append(implied, sc(wideName(b)))
					}
					if reach[b][a] {
						satisfiers = append(satisfiers, sc(wideName(b)))
					}
				}
				if diff := cmp.Diff(implied, c.Implied(sc(wideName(a))).Scopes(), scopeComparer); diff != "" {
					t.Fatalf("Implied(%s) (-want +got):\n%s", wideName(a), diff)
				}
				want := append(slices.Clone(implied), sc(wideName(a)))
				slices.SortFunc(want, func(x, y scope.Scope) int { return strings.Compare(x.String(), y.String()) })
				if diff := cmp.Diff(want, c.Expand(wideSet(a)).Scopes(), scopeComparer); diff != "" {
					t.Fatalf("Expand(%s) (-want +got):\n%s", wideName(a), diff)
				}
				if diff := cmp.Diff(satisfiers, accepted[a].Satisfiers().Scopes(), scopeComparer); diff != "" {
					t.Fatalf("Accept(%s).Satisfiers() (-want +got):\n%s", wideName(a), diff)
				}
				for b := range n {
					want := reach[a][b]
					if got := c.Implies(sc(wideName(a)), sc(wideName(b))); got != want {
						t.Fatalf("Implies(%s, %s) = %v, want %v", wideName(a), wideName(b), got, want)
					}
					if got := granted[a].Has(sc(wideName(b))); got != want {
						t.Fatalf("Grant(%s).Has(%s) = %v, want %v", wideName(a), wideName(b), got, want)
					}
					if got := granted[a].Satisfies(accepted[b]); got != want {
						t.Fatalf("Grant(%s).Satisfies(Accept(%s)) = %v, want %v", wideName(a), wideName(b), got, want)
					}
					if _, got := accepted[b].Match(wideSet(a)); got != want {
						t.Fatalf("Accept(%s).Match(%s) = %v, want %v", wideName(b), wideName(a), got, want)
					}
				}
			}
		})
	}
}

// Scopes at the same bit of different words must not be confused: a
// check that used word 0 for every scope would grant s005 to s069.
func TestWideCatalogSameBitOtherWord(t *testing.T) {
	const n = 200 // four words, the last one partly used
	c := wideCatalog(t, n, map[int][]int{
		70:  {134}, // word 1 implies word 2
		198: {6},   // word 3 implies word 0
	})
	tests := []struct {
		name     string
		granted  []int
		accepted []int
		want     bool
	}{
		{name: "word 1 does not grant the same bit of word 0", granted: []int{69}, accepted: []int{5}},
		{name: "word 0 does not grant the same bit of word 1", granted: []int{5}, accepted: []int{69}},
		{name: "word 2 does not grant the same bit of word 3", granted: []int{133}, accepted: []int{197}},
		{name: "word 3 does not grant the same bit of words 0 to 2", granted: []int{197}, accepted: []int{5, 69, 133}},
		{name: "word 2 exactly", granted: []int{133}, accepted: []int{133}, want: true},
		{name: "last scope of the last word", granted: []int{199}, accepted: []int{199}, want: true},
		{name: "first scope of a word", granted: []int{128}, accepted: []int{128}, want: true},
		{name: "last scope of a word", granted: []int{127}, accepted: []int{127}, want: true},
		{name: "neighbours across a word boundary", granted: []int{63, 128}, accepted: []int{64, 127}},
		{name: "the only shared scope is in the last word", granted: []int{0, 64, 128, 199}, accepted: []int{1, 65, 129, 199}, want: true},
		{name: "implied into the next word", granted: []int{70}, accepted: []int{134}, want: true},
		{name: "implied bit is not the source's bit in the next word", granted: []int{70}, accepted: []int{6}},
		{name: "implied into word 0", granted: []int{198}, accepted: []int{6}, want: true},
		{name: "implied bit is not in the source's word", granted: []int{198}, accepted: []int{134}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accepted := make([]scope.Scope, len(tt.accepted))
			for i, id := range tt.accepted {
				accepted[i] = sc(wideName(id))
			}
			a, err := c.Accept(accepted...)
			require.NoError(t, err)
			g := c.Grant(wideSet(tt.granted...))
			require.Equal(t, tt.want, g.Satisfies(a), "Granted.Satisfies")
			_, ok := a.Match(wideSet(tt.granted...))
			require.Equal(t, tt.want, ok, "Accepted.Match")
			held := false
			for _, id := range tt.accepted {
				held = held || g.Has(sc(wideName(id)))
			}
			require.Equal(t, tt.want, held, "Granted.Has")
		})
	}

	require.Equal(t, "s134", c.Implied(sc("s070")).String())
	require.Equal(t, "s006", c.Implied(sc("s198")).String())
	require.Equal(t, "s005 s006 s069 s070 s134 s198", c.Expand(wideSet(5, 69, 70, 198)).String())
	reduced, _ := c.Reduce(wideSet(6, 70, 134, 198))
	require.Equal(t, "s070 s198", reduced.String())
	got, ok := c.Narrowest(wideSet(70, 199))
	require.True(t, ok)
	require.Equal(t, "s199", got.String(), "s199 implies nothing, s070 implies s134")
}
