package review_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// BenchmarkMinimal: the smallest scopes for an app's calls over a large
// table. The target: under 1 ms for 100 calls over 3,000 endpoints.
// Smaller and larger apps for comparison.
func BenchmarkMinimal(b *testing.B) {
	for _, size := range []struct{ endpoints, calls int }{{300, 10}, {3000, 100}, {3000, 1000}} {
		b.Run(fmt.Sprintf("endpoints=%d/calls=%d", size.endpoints, size.calls), func(b *testing.B) {
			cat, eps := largeTable(b, size.endpoints/10)
			ix := newIndex(b, cat, eps)
			calls := spreadCalls(eps, size.calls)
			sel, err := ix.Minimal(calls)
			require.NoError(b, err)
			require.True(b, sel.Exact)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Minimal(calls); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The worst case: 100 calls, each accepting 3 of 150 scopes of equal
	// breadth chosen at random, with nothing to reduce; the search runs
	// to its limit and returns the best cover found.
	b.Run("adversarial/calls=100", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 5))
		var entries []scope.Entry
		var names []scope.Scope
		for i := range 150 {
			s := scope.MustParse(fmt.Sprintf("s%03d:x", i))
			names = append(names, s)
			entries = append(entries, scope.Entry{Scope: s, Description: "Scope " + s.String()})
		}
		cat, err := scope.NewCatalog(entries)
		require.NoError(b, err)
		var eps []enforce.Endpoint
		var calls []string
		for i := range 100 {
			perm := rng.Perm(len(names))
			eps = append(eps, enforce.Endpoint{Method: "GET", Path: fmt.Sprintf("/e%03d", i),
				Scopes: []scope.Scope{names[perm[0]], names[perm[1]], names[perm[2]]}, Permissions: permission.NoneRequired()})
			calls = append(calls, eps[i].Route())
		}
		ix := newIndex(b, cat, eps)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ix.Minimal(calls); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNew: arranging a 3,000-endpoint table for reviews, done once.
func BenchmarkNew(b *testing.B) {
	cat, eps := largeTable(b, 300)
	p, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: eps, Access: noAccess()})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := review.New(p); err != nil {
			b.Fatal(err)
		}
	}
}
