package route_test

import (
	"testing"

	"github.com/scopegate/scopegate/enforce/internal/route"
)

// BenchmarkSplit is the cost of checking and splitting an 8-segment path,
// part of every decision on a raw path.
func BenchmarkSplit(b *testing.B) {
	var s route.Segments
	b.ReportAllocs()
	for b.Loop() {
		if !route.Split("/api/v2/target/t-1/sub0/s-1/leaf/l-1", &s) || s.Len() != 8 {
			b.Fatal("split failed")
		}
	}
}
