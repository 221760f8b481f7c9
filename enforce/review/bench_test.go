package review_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkMinimal: the smallest scopes for an app's calls over a large
// table: 100 calls over 3,000 endpoints (the target: under 1 ms), and
// smaller sizes for comparison.
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
}
