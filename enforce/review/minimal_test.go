package review_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// needDiff compares Needs, with scope sets compared by their text.
var setText = cmp.Transformer("set", func(s scope.Set) string { return s.String() })
var scopeText = cmp.Transformer("scope", func(s scope.Scope) string { return s.String() })

func TestMinimalGuideAgentDesktop(t *testing.T) {
	ix := sampleIndex(t)
	sel, err := ix.Minimal(agentDesktopCalls)
	require.NoError(t, err)
	require.Equal(t, "conversations:call:control conversations:readonly presence:manage users:readonly", sel.Scopes.String())
	require.True(t, sel.Exact)
	want := []review.Need{
		{Route: "GET /api/v2/conversations", Endpoint: "getConversations", Calls: agentDesktopCalls[0:1],
			Accepts: scope.MustParseSet("conversations:readonly"), Scope: scope.MustParse("conversations:readonly")},
		{Route: "POST /api/v2/conversations/{conversationId}/participants/calls/transfer", Endpoint: "postCallTransfer", Calls: agentDesktopCalls[1:2],
			Accepts: scope.MustParseSet("conversations:call:control"), Scope: scope.MustParse("conversations:call:control")},
		{Route: "GET /api/v2/users/me", Endpoint: "getUsersMe", Calls: agentDesktopCalls[2:3],
			Accepts: scope.MustParseSet("users users:readonly"), Scope: scope.MustParse("users:readonly")},
		{Route: "PATCH /api/v2/users/{userId}/presence", Endpoint: "patchUserPresence", Calls: agentDesktopCalls[3:4],
			Accepts: scope.MustParseSet("presence:manage"), Scope: scope.MustParse("presence:manage")},
	}
	if diff := cmp.Diff(want, sel.Needs, setText, scopeText); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
}

// The guide's scope combinations are least privilege for the calls each
// application makes: Minimal finds exactly them. API Automation uses
// client credentials and has no scopes; the guide lists the two it would
// need.
func TestMinimalProfiles(t *testing.T) {
	ix := sampleIndex(t)
	for _, p := range esample.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			want := p.Scopes.String()
			if p.Name == "API Automation" {
				want = "outbound:campaign:view users:readonly"
			}
			sel, err := ix.Minimal(p.Calls)
			require.NoError(t, err)
			require.Equal(t, want, sel.Scopes.String())
			require.True(t, sel.Exact)
			require.Len(t, sel.Needs, len(p.Calls))
		})
	}
}

// The chosen scopes pass the enforcer for every call, and dropping any one
// of them makes some call fail: they are needed, not merely enough.
func TestMinimalPassesTheEnforcer(t *testing.T) {
	ix := sampleIndex(t)
	cat := ix.Catalog()
	for _, p := range esample.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			sel, err := ix.Minimal(p.Calls)
			require.NoError(t, err)
			passes := func(scopes scope.Set) bool {
				g := cat.Grant(scopes)
				for _, n := range sel.Needs {
					acc, err := cat.Accept(n.Accepts.Scopes()...)
					require.NoError(t, err)
					if !g.Satisfies(acc) {
						return false
					}
				}
				return true
			}
			require.True(t, passes(sel.Scopes))
			for s := range sel.Scopes.All() {
				require.False(t, passes(sel.Scopes.Difference(scope.MustParseSet(s.String()))), "%s is not needed", s)
			}
		})
	}
}

func TestMinimalChoices(t *testing.T) {
	ix := sampleIndex(t)
	tests := []struct {
		name  string
		calls []string
		want  string
		uses  []string // the scope each endpoint uses, in order
	}{
		{name: "read-only where it suffices", calls: []string{"GET /api/v2/users", "GET /api/v2/users/{userId}"},
			want: "users:readonly", uses: []string{"users:readonly", "users:readonly"}},
		{name: "a write needs manage, which implies readonly", calls: []string{"GET /api/v2/users", "POST /api/v2/users"},
			want: "users:manage", uses: []string{"users:manage", "users:manage"}},
		{name: "manage over the bare read-write scope of the same breadth", calls: []string{"DELETE /api/v2/users/{userId}", "PUT /api/v2/users/{userId}"},
			want: "users:manage", uses: []string{"users:manage", "users:manage"}},
		{name: "download implies view", calls: []string{"GET /api/v2/conversations/{conversationId}/recordings", "GET /api/v2/conversations/{conversationId}/recordings/{recordingId}/media"},
			want: "recordings:download", uses: []string{"recordings:download", "recordings:download"}},
		{name: "view alone when no download", calls: []string{"GET /api/v2/conversations/{conversationId}/recordings"},
			want: "recordings:view", uses: []string{"recordings:view"}},
		{name: "webhooks:view over webhooks:manage", calls: []string{"GET /api/v2/webhooks"},
			want: "webhooks:view", uses: []string{"webhooks:view"}},
		{name: "execute implies view", calls: []string{"GET /api/v2/outbound/campaigns", "PUT /api/v2/outbound/campaigns/{campaignId}"},
			want: "outbound:campaign:execute", uses: []string{"outbound:campaign:execute", "outbound:campaign:execute"}},
		{name: "the agent desktop's transfer needs control, not add", calls: []string{"POST /api/v2/conversations/{conversationId}/participants/calls/transfer", "PATCH /api/v2/conversations/calls/{conversationId}/participants/{participantId}"},
			want: "conversations:call:control", uses: []string{"conversations:call:control", "conversations:call:control"}},
		{name: "a write scope and an unrelated read", calls: []string{"POST /api/v2/routing/queues", "GET /api/v2/routing/skills"},
			want: "routing:queue:manage routing:skill:view", uses: []string{"routing:queue:manage", "routing:skill:view"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ix.Minimal(tt.calls)
			require.NoError(t, err)
			require.Equal(t, tt.want, sel.Scopes.String())
			var uses []string
			for _, n := range sel.Needs {
				uses = append(uses, n.Scope.String())
			}
			if diff := cmp.Diff(tt.uses, uses); diff != "" {
				t.Errorf("uses (-want +got):\n%s", diff)
			}
		})
	}
}

// The three ways to name a call reach the same endpoint, and calls to the
// same endpoint are listed together.
func TestMinimalCallForms(t *testing.T) {
	ix := sampleIndex(t)
	tests := []struct {
		name, call, route string
	}{
		{"route", "GET /api/v2/users/{userId}", "GET /api/v2/users/{userId}"},
		{"route with other parameter names", "PATCH /api/v2/users/{id}/presence", "PATCH /api/v2/users/{userId}/presence"},
		{"request", "GET /api/v2/users/123", "GET /api/v2/users/{userId}"},
		{"request for a static segment", "GET /api/v2/users/me", "GET /api/v2/users/me"},
		{"escaped request", "GET /api/v2/users/a%2Fb", "GET /api/v2/users/{userId}"},
		{"name", "getUsersMe", "GET /api/v2/users/me"},
		{"HEAD falls back to GET", "HEAD /api/v2/users/123", "GET /api/v2/users/{userId}"},
		{"HEAD route", "HEAD /api/v2/users/{id}", "GET /api/v2/users/{userId}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, err := ix.Resolve([]string{tt.call})
			require.NoError(t, err)
			require.Equal(t, []string{tt.route}, routes)
		})
	}

	calls := []string{"GET /api/v2/users/123", "getUsersMe", "GET /api/v2/users/{id}", "GET /api/v2/users/me"}
	sel, err := ix.Minimal(calls)
	require.NoError(t, err)
	want := []review.Need{
		{Route: "GET /api/v2/users/{userId}", Endpoint: "getUser", Calls: []string{calls[0], calls[2]}, Accepts: scope.MustParseSet("users users:readonly"), Scope: scope.MustParse("users:readonly")},
		{Route: "GET /api/v2/users/me", Endpoint: "getUsersMe", Calls: []string{calls[1], calls[3]}, Accepts: scope.MustParseSet("users users:readonly"), Scope: scope.MustParse("users:readonly")},
	}
	if diff := cmp.Diff(want, sel.Needs, setText, scopeText); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
}

func TestMinimalErrors(t *testing.T) {
	ix := sampleIndex(t)
	tests := []struct {
		name        string
		call        string
		err         error
		suggestions []string
	}{
		{"empty", "", review.ErrMalformedCall, nil},
		{"unknown name", "getUserMe", review.ErrUnknownCall, []string{"getUsersMe", "getUsers", "getUser"}},
		{"name in another case", "GETUSERSME", review.ErrUnknownCall, []string{"getUsersMe"}},
		{"nothing close", "frobnicate", review.ErrUnknownCall, nil},
		{"a path without /api", "GET /v2/users/me", review.ErrUnknownCall, []string{"GET /api/v2/users/me"}},
		{"a path without /api/v2", "GET /conversations", review.ErrUnknownCall, []string{"GET /api/v2/conversations"}},
		{"wrong method", "POST /api/v2/users/me", review.ErrUnknownCall, []string{"GET /api/v2/users/me"}},
		{"unknown template: the nearest routes", "GET /api/v2/users/{userId}/friends", review.ErrUnknownCall,
			[]string{"GET /api/v2/users/{userId}", "GET /api/v2/users/{userId}/roles", "GET /api/v2/users/{userId}/presence"}},
		{"a segment one letter off", "GET /api/v2/user/{userId}", review.ErrUnknownCall, []string{"GET /api/v2/users/{userId}"}},
		{"a request one letter off", "GET /api/v2/user/123", review.ErrUnknownCall, []string{"GET /api/v2/users/{userId}"}},
		{"a segment one letter off, another method", "PUT /api/v2/user/me", review.ErrUnknownCall, []string{"PUT /api/v2/users/{userId}"}},
		{"nothing near", "GET /api/v3/things/1/parts/2", review.ErrUnknownCall, nil},
		{"lower-case method", "get /api/v2/users", review.ErrMalformedCall, []string{"GET /api/v2/users"}},
		{"not a method", "GET! /api/v2/users", review.ErrMalformedCall, nil},
		{"no method", "/api/v2/users", review.ErrMalformedCall, []string{"GET /api/v2/users", "POST /api/v2/users"}},
		{"two spaces", "GET  /api/v2/users", review.ErrMalformedCall, []string{"GET /api/v2/users"}},
		{"leading space", " GET /api/v2/users", review.ErrMalformedCall, []string{"GET /api/v2/users"}},
		{"query", "GET /api/v2/users?pageSize=25", review.ErrMalformedCall, []string{"GET /api/v2/users"}},
		{"URL", "GET https://api.mypurecloud.com/api/v2/users", review.ErrMalformedCall, []string{"GET /api/v2/users"}},
		{"relative path", "GET api/v2/users", review.ErrMalformedCall, nil},
		{"tab", "GET\t/api/v2/users", review.ErrMalformedCall, nil},
		{"trailing slash", "GET /api/v2/users/", review.ErrUnknownCall, []string{"GET /api/v2/users"}},
		{"dot segments", "GET /api/v2/users/../users/me", review.ErrUnknownCall, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := []string{"GET /api/v2/users/me", tt.call}
			_, err := ix.Minimal(calls)
			require.ErrorIs(t, err, tt.err)
			var ce *review.CallError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, 1, ce.Index)
			require.Equal(t, tt.call, ce.Call)
			require.Equal(t, tt.suggestions, ce.Suggestions)
			require.Contains(t, err.Error(), "review: call 1 ")
		})
	}

	t.Run("near misses of a table with sub-resources", func(t *testing.T) {
		ix := newIndex(t, scopesample.Catalog(), []enforce.Endpoint{
			{Method: "GET", Path: "/api/v2/users/{userId}", Scopes: []scope.Scope{scope.MustParse("users:readonly")}, Permissions: permission.NoneRequired()},
			{Method: "GET", Path: "/api/v2/users/me", Scopes: []scope.Scope{scope.MustParse("users:readonly")}, Permissions: permission.NoneRequired()},
			{Method: "PATCH", Path: "/api/v2/users/{userId}/presences/{sourceId}", Scopes: []scope.Scope{scope.MustParse("presence:manage")},
				Permissions: permission.NoneRequired()},
		})
		for call, want := range map[string][]string{
			"PATCH /api/v2/users/{userId}/presence": {"PATCH /api/v2/users/{userId}/presences/{sourceId}"},
			"PATCH /api/v2/users/123/presence":      {"PATCH /api/v2/users/{userId}/presences/{sourceId}"},
			"GET /api/v2/user/{userId}":             {"GET /api/v2/users/{userId}"},
			"GET /v2/users/me":                      {"GET /api/v2/users/me"},
			"DELETE /orders/{orderId}/lines/{line}": nil,
		} {
			_, err := ix.Resolve([]string{call})
			var ce *review.CallError
			require.ErrorAs(t, err, &ce, call)
			require.Equal(t, want, ce.Suggestions, call)
		}
	})
	t.Run("every bad call is reported", func(t *testing.T) {
		_, err := ix.Minimal([]string{"getUserMe", "GET /api/v2/users", "GET /v2/users/me"})
		var calls []int
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var ce *review.CallError
			require.ErrorAs(t, e, &ce)
			calls = append(calls, ce.Index)
		}
		require.Equal(t, []int{0, 2}, calls)
		require.EqualError(t, err, `review: call 0 "getUserMe": no endpoint is named "getUserMe"; did you mean "getUsersMe", "getUsers" or "getUser"?`+"\n"+
			`review: call 2 "GET /v2/users/me": no endpoint matches this request; did you mean "GET /api/v2/users/me"?`)
	})
	t.Run("no calls", func(t *testing.T) {
		_, err := ix.Minimal(nil)
		require.ErrorIs(t, err, review.ErrNoCalls)
	})
	t.Run("nil policy", func(t *testing.T) {
		_, err := review.New(nil)
		require.ErrorIs(t, err, review.ErrInvalid)
	})
}

// The answer does not depend on the order of the calls.
func TestMinimalOrderIndependent(t *testing.T) {
	ix := sampleIndex(t)
	var calls []string
	for _, p := range esample.Profiles() {
		calls = append(calls, p.Calls...)
	}
	want, err := ix.Minimal(calls)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(calls), func(i, j int) { calls[i], calls[j] = calls[j], calls[i] })
		got, err := ix.Minimal(calls)
		require.NoError(t, err)
		require.Equal(t, want.Scopes.String(), got.Scopes.String())
	}
}

// randomInstance builds a small catalog with random implications and a
// table whose endpoints accept random scopes: the hard cases for the
// search, small enough to check against every subset of the catalog.
// A uniform instance has no implications and only GET endpoints, and each
// scope is accepted by exactly two endpoints: every scope then has the
// same breadth, and covers of equal cost abound, so that the canonical
// order decides.
func randomInstance(t *testing.T, rng *rand.Rand, nScopes, nEndpoints int, uniform bool) (*scope.Catalog, []enforce.Endpoint) {
	names := make([]scope.Scope, nScopes)
	var entries []scope.Entry
	for i := range names {
		names[i] = scope.MustParse(fmt.Sprintf("s%02d:x", i))
		if i%3 == 0 && !uniform {
			names[i] = scope.MustParse(fmt.Sprintf("s%02d", i)) // a bare scope
		}
		e := scope.Entry{Scope: names[i], Description: "Scope " + names[i].String()}
		// Implications point to lower indexes only: no cycles.
		for j := range i {
			if !uniform && rng.IntN(6) == 0 {
				e.Implies = append(e.Implies, names[j])
			}
		}
		entries = append(entries, e)
	}
	cat, err := scope.NewCatalog(entries)
	require.NoError(t, err)
	accepts := make([][]scope.Scope, nEndpoints)
	if uniform {
		for i, s := range names {
			j := (i + 1 + rng.IntN(nEndpoints-1)) % nEndpoints
			accepts[i%nEndpoints] = append(accepts[i%nEndpoints], s)
			accepts[j] = append(accepts[j], s)
		}
	} else {
		for i := range accepts {
			for len(accepts[i]) == 0 || rng.IntN(3) == 0 && len(accepts[i]) < 3 {
				s := names[rng.IntN(nScopes)]
				if !slices.Contains(accepts[i], s) {
					accepts[i] = append(accepts[i], s)
				}
			}
		}
	}
	methods := []string{"GET", "POST", "DELETE"}
	var eps []enforce.Endpoint
	for i := range nEndpoints {
		method := methods[rng.IntN(len(methods))]
		if uniform {
			method = "GET"
		}
		eps = append(eps, enforce.Endpoint{Method: method, Path: fmt.Sprintf("/e%02d", i), Scopes: accepts[i], Permissions: permission.NoneRequired()})
	}
	return cat, eps
}

// bruteForce returns the least set of scopes by the documented order, by
// trying every subset of the catalog, and its cost.
func bruteForce(ix *review.Index, cat *scope.Catalog, eps []enforce.Endpoint, calls []int) (scope.Set, [5]int) {
	var all []scope.Scope
	for e := range cat.All() {
		all = append(all, e.Scope)
	}
	accepted := make([]scope.Accepted, len(calls))
	for i, e := range calls {
		accepted[i], _ = cat.Accept(eps[e].Scopes...)
	}
	var best []scope.Scope
	var bestCost [5]int
	found := false
	for mask := 1; mask < 1<<len(all); mask++ {
		var set []scope.Scope
		for i, s := range all {
			if mask&(1<<i) != 0 {
				set = append(set, s)
			}
		}
		c := cost(ix, set)
		if found && slices.Compare(c[:], bestCost[:]) > 0 {
			continue // cannot win: skip the costly coverage check
		}
		g := cat.Grant(mustSet(set))
		ok := true
		for _, acc := range accepted {
			if !g.Satisfies(acc) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		// all is in canonical order, so set is sorted.
		if !found || slices.Compare(c[:], bestCost[:]) < 0 || slices.Compare(c[:], bestCost[:]) == 0 && slices.CompareFunc(set, best, func(a, b scope.Scope) int {
			return cmpString(a.String(), b.String())
		}) < 0 {
			best, bestCost, found = set, c, true
		}
	}
	return mustSet(best), bestCost
}

func mustSet(s []scope.Scope) scope.Set {
	set, err := scope.NewSet(s...)
	if err != nil {
		panic(err)
	}
	return set
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cost is the documented cost of a set of scopes: the sums of their
// breadths' fields, the number of bare scopes, the number of scopes.
func cost(ix *review.Index, set []scope.Scope) [5]int {
	var c [5]int
	for _, s := range set {
		b, ok := ix.Breadth(s)
		if !ok {
			panic("unknown scope " + s.String())
		}
		c[0] += b.Writes
		c[1] += b.Endpoints
		c[2] += b.Grants
		if s.IsBare() {
			c[3]++
		}
		c[4]++
	}
	return c
}

// The exact search finds the same set as trying every subset, and the
// greedy cover alone (a search limit of zero) stays within its bound.
func TestMinimalAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	searched := 0
	defer func() {
		if searched == 0 {
			t.Error("no instance needed the search: the test does not exercise it")
		}
	}()
	for trial := range 300 {
		cat, eps := randomInstance(t, rng, 11, 11, trial%2 == 1)
		exact := newIndex(t, cat, eps)
		greedy := newIndex(t, cat, eps, review.WithSearchLimit(0))
		var picked []int
		var calls []string
		for i := range eps {
			if rng.IntN(2) == 0 {
				picked = append(picked, i)
				calls = append(calls, eps[i].Route())
			}
		}
		if len(calls) == 0 {
			continue
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			want, wantCost := bruteForce(exact, cat, eps, picked)
			sel, err := exact.Minimal(calls)
			require.NoError(t, err)
			require.True(t, sel.Exact)
			require.Equal(t, want.String(), sel.Scopes.String(), "cost %v", wantCost)

			g, err := greedy.Minimal(calls)
			require.NoError(t, err)
			if g.Exact {
				// The reductions alone solved it: no search was needed.
				require.Equal(t, sel.Scopes.String(), g.Scopes.String())
			} else {
				searched++
			}
			gotCost := cost(greedy, g.Scopes.Scopes())
			// H(d) with d the most calls one scope covers; a cost
			// compares lexicographically, so the bound applies to the
			// first component where the two differ, and to writes, the
			// first component, always.
			d := 0
			for s := range cat.All() {
				n := 0
				for _, e := range picked {
					acc, _ := cat.Accept(eps[e].Scopes...)
					if cat.Grant(mustSet([]scope.Scope{s.Scope})).Satisfies(acc) {
						n++
					}
				}
				d = max(d, n)
			}
			h := 0.0
			for i := 1; i <= d; i++ {
				h += 1 / float64(i)
			}
			require.GreaterOrEqual(t, slices.Compare(gotCost[:], wantCost[:]), 0, "greedy beat the optimum")
			for i := range gotCost {
				if gotCost[i] != wantCost[i] {
					require.LessOrEqual(t, float64(gotCost[i]), h*float64(wantCost[i])+1e-9, "component %d: greedy %v, optimum %v, H(%d) = %.2f", i, gotCost, wantCost, d, h)
					break
				}
			}
			require.LessOrEqual(t, float64(gotCost[0]), h*float64(wantCost[0])+1e-9)
		})
	}
}

// Large tables: the sample of calls spread over 3,000 endpoints is solved
// exactly, deterministically, and each call is served.
func TestMinimalLargeTable(t *testing.T) {
	cat, eps := largeTable(t, 300)
	ix := newIndex(t, cat, eps)
	calls := spreadCalls(eps, 100)
	sel, err := ix.Minimal(calls)
	require.NoError(t, err)
	require.True(t, sel.Exact)
	g := cat.Grant(sel.Scopes)
	for _, n := range sel.Needs {
		acc, err := cat.Accept(n.Accepts.Scopes()...)
		require.NoError(t, err)
		require.True(t, g.Satisfies(acc), n.Route)
		require.True(t, sel.Scopes.Contains(n.Scope))
	}
	// reporting:readonly serves the list endpoints of every tenth family,
	// but is broader (30 endpoints) than the families' own :readonly.
	require.False(t, sel.Scopes.Contains(scope.MustParse("reporting:readonly")))
}

func TestBreadth(t *testing.T) {
	ix := sampleIndex(t)
	tests := []struct {
		scope string
		want  review.Breadth
		text  string
	}{
		{"users:readonly", review.Breadth{Writes: 0, Endpoints: 3, Grants: 1}, "3 endpoints, none that writes"},
		{"users:manage", review.Breadth{Writes: 4, Endpoints: 7, Grants: 2}, "7 endpoints, 4 of which write"},
		{"users", review.Breadth{Writes: 4, Endpoints: 7, Grants: 2}, "7 endpoints, 4 of which write"},
		{"presence:manage", review.Breadth{Writes: 1, Endpoints: 2, Grants: 2}, "2 endpoints, 1 of which writes"},
		{"scim:write", review.Breadth{Writes: 1, Endpoints: 1, Grants: 1}, "1 endpoint, which writes"},
		{"conversations:call:control", review.Breadth{Writes: 2, Endpoints: 2, Grants: 1}, "2 endpoints, all of which write"},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			b, ok := ix.Breadth(scope.MustParse(tt.scope))
			require.True(t, ok)
			require.Equal(t, tt.want, b)
			require.Equal(t, tt.text, b.String())
		})
	}
	_, ok := ix.Breadth(scope.MustParse("users:frobnicate"))
	require.False(t, ok)

	require.Equal(t, review.Breadth{Writes: 4, Endpoints: 7, Grants: 3}, ix.Reach(scope.MustParseSet("users users:manage")))
	require.Equal(t, review.Breadth{}, ix.Reach(scope.Set{}))
	require.Negative(t, review.Breadth{Writes: 0, Endpoints: 9}.Compare(review.Breadth{Writes: 1}))
	require.Positive(t, review.Breadth{Endpoints: 2, Grants: 1}.Compare(review.Breadth{Endpoints: 2}))
	require.Zero(t, review.Breadth{Grants: 1}.Compare(review.Breadth{Grants: 1}))
}

func TestCallErrorIsAType(t *testing.T) {
	ix := sampleIndex(t)
	_, err := ix.Resolve([]string{"nope"})
	var ce *review.CallError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, review.ErrUnknownCall, ce.Err)
}

// When the search limit runs out, the result is still a cover, says it
// is not proven, and is no worse than the greedy cover; more search never
// makes it worse.
func TestMinimalSearchLimit(t *testing.T) {
	cat, eps, calls := hardCover(t, 60, 40)
	var prev [5]int
	for i, limit := range []int{0, 50, 500} {
		ix := newIndex(t, cat, eps, review.WithSearchLimit(limit))
		sel, err := ix.Minimal(calls)
		require.NoError(t, err)
		require.False(t, sel.Exact, "limit %d", limit)
		g := cat.Grant(sel.Scopes)
		for _, ep := range eps {
			acc, err := cat.Accept(ep.Scopes...)
			require.NoError(t, err)
			require.True(t, g.Satisfies(acc))
		}
		c := cost(ix, sel.Scopes.Scopes())
		if i > 0 {
			require.LessOrEqual(t, slices.Compare(c[:], prev[:]), 0, "limit %d: %v, worse than %v", limit, c, prev)
		}
		prev = c
	}
}

// An Index is shared by goroutines without locking: run under -race.
func TestIndexConcurrentUse(t *testing.T) {
	ix := sampleIndex(t)
	profiles := esample.Profiles()
	want := make([]string, len(profiles))
	for i, p := range profiles {
		sel, err := ix.Minimal(p.Calls)
		require.NoError(t, err)
		want[i] = sel.Scopes.String()
	}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 50 {
				p := profiles[(g+i)%len(profiles)]
				sel, err := ix.Minimal(p.Calls)
				if err == nil && sel.Scopes.String() != want[(g+i)%len(profiles)] {
					err = fmt.Errorf("%s: got %s", p.Name, sel.Scopes)
				}
				if err == nil {
					_, err = ix.ReviewScopes(p.Scopes, p.Calls)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
