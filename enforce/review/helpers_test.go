package review_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// sampleIndex indexes the sample endpoint table over the sample catalog.
func sampleIndex(tb testing.TB, opts ...review.Option) *review.Index {
	tb.Helper()
	return newIndex(tb, sample.Catalog(), esample.Endpoints(), opts...)
}

func newIndex(tb testing.TB, cat *scope.Catalog, eps []enforce.Endpoint, opts ...review.Option) *review.Index {
	tb.Helper()
	p, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: eps})
	require.NoError(tb, err)
	ix, err := review.New(p, opts...)
	require.NoError(tb, err)
	return ix
}

// profile returns the sample application profile with the given name.
func profile(tb testing.TB, name string) esample.Profile {
	tb.Helper()
	for _, p := range esample.Profiles() {
		if p.Name == name {
			return p
		}
	}
	tb.Fatalf("no sample profile %q", name)
	return esample.Profile{}
}

// agentDesktopCalls are the agent-desktop example of Genesys Cloud's
// guide.
var agentDesktopCalls = []string{
	"GET /api/v2/conversations",
	"POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
	"GET /api/v2/users/me",
	"PATCH /api/v2/users/{userId}/presence",
}

// largeTable returns a catalog and an endpoint table shaped like a large
// REST API: resources families of 10 endpoints each (list, create, get,
// replace, update, delete, and a nested sub-resource), accepting the bare
// read-write scope, :readonly or :manage, and :sub:view or :sub:manage;
// every tenth family's list also accepts reporting:readonly, which spans
// families.
func largeTable(tb testing.TB, families int) (*scope.Catalog, []enforce.Endpoint) {
	tb.Helper()
	entries := []scope.Entry{{Scope: scope.MustParse("reporting:readonly"), Description: "Read every report"}}
	var eps []enforce.Endpoint
	none := permission.NoneRequired()
	for f := range families {
		r := fmt.Sprintf("res%03d", f)
		for _, s := range []string{r, r + ":readonly", r + ":manage", r + ":sub:view", r + ":sub:manage"} {
			entries = append(entries, scope.Entry{Scope: scope.MustParse(s), Description: "Scope " + s})
		}
		sc := func(names ...string) []scope.Scope {
			out := make([]scope.Scope, len(names))
			for i, n := range names {
				out[i] = scope.MustParse(n)
			}
			return out
		}
		list := sc(r, r+":readonly")
		if f%10 == 0 {
			list = append(list, scope.MustParse("reporting:readonly"))
		}
		base := "/api/v2/" + r
		for _, e := range []struct {
			method, path string
			scopes       []scope.Scope
		}{
			{"GET", base, list},
			{"POST", base, sc(r, r+":manage")},
			{"GET", base + "/{id}", sc(r, r+":readonly")},
			{"PUT", base + "/{id}", sc(r, r+":manage")},
			{"PATCH", base + "/{id}", sc(r, r+":manage")},
			{"DELETE", base + "/{id}", sc(r + ":manage")},
			{"GET", base + "/{id}/sub", sc(r+":sub:view", r+":readonly")},
			{"POST", base + "/{id}/sub", sc(r + ":sub:manage")},
			{"GET", base + "/{id}/sub/{subId}", sc(r + ":sub:view")},
			{"DELETE", base + "/{id}/sub/{subId}", sc(r+":sub:manage", r+":manage")},
		} {
			eps = append(eps, enforce.Endpoint{Method: e.method, Path: e.path, Scopes: e.scopes, Permissions: none})
		}
	}
	cat, err := scope.NewCatalog(entries, scope.ActionImplies("manage", "readonly"), scope.ActionImplies("manage", "view"), scope.BareImplies("readonly"))
	require.NoError(tb, err)
	return cat, eps
}

// spreadCalls returns n routes spread over the table.
func spreadCalls(eps []enforce.Endpoint, n int) []string {
	calls := make([]string, n)
	step := len(eps) / n
	for i := range calls {
		calls[i] = eps[(i*step+i*7)%len(eps)].Route()
	}
	return calls
}

// hardCover returns a catalog of scopes of equal breadth and a table of
// GET endpoints, each accepting 3 of those scopes chosen at random, with
// a call for every endpoint: no scope implies another and none dominates,
// so the reductions leave everything to the search.
func hardCover(tb testing.TB, scopes, endpoints int) (*scope.Catalog, []enforce.Endpoint, []string) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(3, 5))
	var entries []scope.Entry
	var names []scope.Scope
	for i := range scopes {
		s := scope.MustParse(fmt.Sprintf("s%03d:x", i))
		names = append(names, s)
		entries = append(entries, scope.Entry{Scope: s, Description: "Scope " + s.String()})
	}
	cat, err := scope.NewCatalog(entries)
	require.NoError(tb, err)
	var eps []enforce.Endpoint
	var calls []string
	for i := range endpoints {
		perm := rng.Perm(len(names))
		eps = append(eps, enforce.Endpoint{Method: "GET", Path: fmt.Sprintf("/e%03d", i),
			Scopes: []scope.Scope{names[perm[0]], names[perm[1]], names[perm[2]]}, Permissions: permission.NoneRequired()})
		calls = append(calls, eps[i].Route())
	}
	return cat, eps, calls
}
