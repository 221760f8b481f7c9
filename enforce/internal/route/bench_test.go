package route_test

import (
	"strconv"
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

// benchTemplates returns about n templates shaped like enforce's benchmark
// table: resources with nested sub-resources, parameters at every other
// level, five methods; and the 8-segment template the benchmarks match.
func benchTemplates(n int) [][2]string {
	var out [][2]string
	for r := 0; len(out) < n; r++ {
		res := "/api/v2/resource" + strconv.Itoa(r)
		out = append(out, [2]string{"GET", res}, [2]string{"POST", res})
		for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
			out = append(out, [2]string{m, res + "/{id}"})
		}
		for s := range 3 {
			sub := res + "/{id}/sub" + strconv.Itoa(s)
			out = append(out, [2]string{"GET", sub}, [2]string{"POST", sub}, [2]string{"GET", sub + "/{subId}"}, [2]string{"PUT", sub + "/{subId}"},
				[2]string{"DELETE", sub + "/{subId}"}, [2]string{"POST", sub + "/{subId}/execute"}, [2]string{"GET", sub + "/{subId}/leaf/{leafId}"})
		}
	}
	return append(out, [2]string{"GET", "/api/v2/target/{id}/sub0/{subId}/leaf/{leafId}"}, [2]string{"GET", "/api/v2/target/me"})
}

// BenchmarkLookupPath is the cost of matching the 8-segment raw path in a
// 3,000-template table: part of every decision on a raw path.
func BenchmarkLookupPath(b *testing.B) {
	var t route.Table
	for i, mp := range benchTemplates(3000) {
		segs, err := route.ParseTemplate(mp[1])
		if err != nil {
			b.Fatal(err)
		}
		t.Add(mp[0], mp[1], segs, i)
	}
	var s route.Segments
	b.ReportAllocs()
	for b.Loop() {
		if t.LookupPath("GET", "/api/v2/target/t-1/sub0/s-1/leaf/l-1", &s) < 0 {
			b.Fatal("no match")
		}
	}
}
