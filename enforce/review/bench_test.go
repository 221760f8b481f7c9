package review_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
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
		cat, eps, calls := hardCover(b, 150, 100)
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
