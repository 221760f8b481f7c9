package enforce_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// siblings returns n endpoints that differ in their last segment only,
// all children of one node of the router: /api/v2/things/{id}/t{i}.
func siblings(n int) []enforce.Endpoint {
	eps := make([]enforce.Endpoint, n)
	scopes := []scope.Scope{scope.MustParse("users:readonly")}
	for i := range eps {
		eps[i] = enforce.Endpoint{Method: "GET", Path: fmt.Sprintf("/api/v2/things/{id}/t%d", i), Scopes: scopes, Permissions: permission.NoneRequired()}
	}
	return eps
}

// TestManySiblingsAllMatch: a node with more static children than a
// 16-bit index can number still finds every one of them. With 70,000
// siblings, an index that wraps at 65,536 lost endpoints silently: the
// policy built, and their paths matched nothing.
func TestManySiblingsAllMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 70,000-endpoint table")
	}
	eps := siblings(70_000)
	p, err := newPolicy(eps...)
	require.NoError(t, err)
	var lost []string
	for i, e := range eps {
		path := fmt.Sprintf("/api/v2/things/x/t%d", i)
		if got, ok := p.Match("GET", path); !ok || got.Path != e.Path {
			lost = append(lost, path)
		}
	}
	require.Empty(t, lost[:min(len(lost), 3)], "%d of %d endpoints do not match", len(lost), len(eps))
	for _, path := range []string{"/api/v2/things/x/t70000", "/api/v2/things/x/t", "/api/v2/things/x/t-1", "/api/v2/things/x/t0/y"} {
		_, ok := p.Match("GET", path)
		require.False(t, ok, path)
	}
}

// BenchmarkNewPolicySiblings builds tables of siblings: the bytes and
// time per table must grow about linearly with their number.
func BenchmarkNewPolicySiblings(b *testing.B) {
	for _, n := range []int{1_000, 16_000} {
		eps := siblings(n)
		b.Run(fmt.Sprintf("siblings=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := newPolicy(eps...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSiblingsBuildInLinearMemory: the memory a table of siblings takes
// to build grows in proportion to their number. When a node rebuilt its
// index for every child added past a few, 16,000 siblings took 180 times
// the bytes of 1,000.
func TestSiblingsBuildInLinearMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 16,000-endpoint table")
	}
	allocated := func(n int) uint64 {
		eps := siblings(n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := newPolicy(eps...)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := allocated(1_000), allocated(16_000)
	require.Less(t, large, 2*16*small, "1,000 siblings took %d bytes, 16,000 took %d", small, large)
}
