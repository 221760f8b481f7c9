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

// methodNames returns n distinct upper-case method tokens, none of them
// GET or HEAD: MA, MB, ..., MAB, ...
func methodNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		b := []byte{'M'}
		for k := i; ; k /= 26 {
			b = append(b, byte('A'+k%26))
			if k < 26 {
				break
			}
		}
		names[i] = string(b)
	}
	return names
}

// TestManyMethodsAllMatch: a table may use any number of methods, and
// past the few a router scans in turn, each still finds its endpoints,
// by path and by pattern, and no other method does.
func TestManyMethodsAllMatch(t *testing.T) {
	methods := append(methodNames(40), "GET")
	var eps []enforce.Endpoint
	for _, m := range methods {
		eps = append(eps,
			ep(m, "/api/v2/users", "users:readonly", permission.NoneRequired()),
			ep(m, "/api/v2/users/{userId}", "users:readonly", permission.NoneRequired()))
	}
	p, err := newPolicy(eps...)
	require.NoError(t, err)
	for _, m := range methods {
		for path, want := range map[string]string{"/api/v2/users": "/api/v2/users", "/api/v2/users/u-1": "/api/v2/users/{userId}"} {
			got, ok := p.Match(m, path)
			require.True(t, ok, "%s %s", m, path)
			require.Equal(t, m+" "+want, got.Route())
		}
	}
	got, ok := p.Match("HEAD", "/api/v2/users")
	require.True(t, ok, "HEAD falls back to GET")
	require.Equal(t, "GET", got.Method)
	for _, m := range []string{"POST", "M", "MZZZ", "ma", ""} {
		_, ok := p.Match(m, "/api/v2/users")
		require.False(t, ok, m)
	}

	f := newFixture(t)
	f.enforcer.Swap(p)
	for _, m := range methods {
		d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: m, Pattern: m + " /api/v2/users/{id}", Path: "/api/v2/users/u-home",
			Token: f.token("admin", "users:readonly")})
		require.NoError(t, err)
		require.Equal(t, m+" /api/v2/users/{userId}", d.Route(), d.Reason())
		require.True(t, d.Allowed(), d.Reason())
	}
}

// BenchmarkNewPolicyMethods builds tables whose every endpoint has its
// own method: the time per table must grow about linearly with their
// number.
func BenchmarkNewPolicyMethods(b *testing.B) {
	for _, n := range []int{1_000, 16_000} {
		var eps []enforce.Endpoint
		for _, m := range methodNames(n) {
			eps = append(eps, ep(m, "/api/v2/users", "users:readonly", viewUsers))
		}
		b.Run(fmt.Sprintf("methods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := newPolicy(eps...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
