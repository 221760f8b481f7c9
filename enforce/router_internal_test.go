package enforce

import "testing"

// BenchmarkSplit is the cost of checking and splitting an 8-segment path,
// part of every decision on a raw path.
func BenchmarkSplit(b *testing.B) {
	var s segments
	b.ReportAllocs()
	for b.Loop() {
		if !split("/api/v2/target/t-1/sub0/s-1/leaf/l-1", &s) || s.n != 8 {
			b.Fatal("split failed")
		}
	}
}
