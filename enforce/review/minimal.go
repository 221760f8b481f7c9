package review

import (
	"slices"

	"github.com/scopegate/scopegate/scope"
)

// A Need is one endpoint an app calls, and the scope that lets the calls
// to it pass.
type Need struct {
	// Route is the endpoint's method and path template:
	// "GET /api/v2/users/{userId}".
	Route string `json:"route"`
	// Endpoint is the endpoint's operation name, if it has one.
	Endpoint string `json:"endpoint,omitempty"`
	// Calls are the calls, as given, that reach the endpoint.
	Calls []string `json:"calls"`
	// Accepts are the scopes the endpoint accepts, any one of which (or a
	// scope that implies one) suffices.
	Accepts scope.Set `json:"accepts"`
	// Scope is the scope of the selection that satisfies the endpoint:
	// the narrowest, when several do.
	Scope scope.Scope `json:"scope,omitzero"`
}

// A Selection is the smallest set of scopes that lets every call pass,
// with the scope each endpoint uses. See the package documentation for
// what "smallest" means.
type Selection struct {
	// Scopes is the set.
	Scopes scope.Set `json:"scopes"`
	// Needs lists each endpoint called, in the order of the first call
	// that reaches it.
	Needs []Need `json:"needs"`
	// Exact reports whether Scopes is proven the smallest. It is false
	// only when the search limit ran out (see [WithSearchLimit]); Scopes
	// is then the best cover found, no worse than the greedy one.
	Exact bool `json:"exact"`
}

// Minimal returns the smallest set of scopes that lets every call pass,
// taking implication into account, and which endpoint needs which scope.
// Calls are routes, requests or endpoint names, as [Index.Resolve]
// describes; every call that reaches no endpoint is an error. Minimal
// looks only at scopes: the permissions of the user or client are another
// matter.
func (ix *Index) Minimal(calls []string) (Selection, error) {
	eps, err := ix.resolve(calls)
	if err != nil {
		return Selection{}, err
	}
	return ix.selectFor(calls, eps, scope.Set{}), nil
}

// selectFor computes the selection for resolved calls, preferring the
// scopes in prefer among covers of equal breadth and size.
func (ix *Index) selectFor(calls []string, eps []int32, prefer scope.Set) Selection {
	needs, elems := ix.needs(calls, eps)
	p, ids := ix.problem(elems, prefer)
	sol := p.solve(ix.limit)
	chosen := make([]scope.Scope, len(sol.chosen))
	for i, c := range sol.chosen {
		chosen[i] = ix.scopes[p.cands[c].id]
	}
	set, _ := scope.NewSet(chosen...) // catalog scopes: never the zero Scope
	// Each endpoint uses the cheapest chosen scope that covers it (the
	// first in canonical order on a tie).
	best := make([]int32, len(needs))
	for e := range best {
		best[e] = -1
	}
	for _, c := range sol.chosen {
		for _, e := range p.cands[c].elems {
			if b := best[e]; b < 0 || p.cands[c].w.cmp(p.cands[b].w) < 0 {
				best[e] = c
			}
		}
	}
	for e, c := range best {
		needs[e].Scope = ix.scopes[ids[c]]
	}
	return Selection{Scopes: set, Needs: needs, Exact: sol.exact}
}

// needs groups calls by endpoint, in the order of first call, and returns
// the endpoints in that order.
func (ix *Index) needs(calls []string, eps []int32) ([]Need, []int32) {
	at := make(map[int32]int32, len(eps))
	elems := make([]int32, 0, len(eps))
	counts := make([]int, 0, len(eps))
	for _, ep := range eps {
		j, ok := at[ep]
		if !ok {
			j = int32(len(elems))
			at[ep] = j
			elems = append(elems, ep)
			counts = append(counts, 0)
		}
		counts[j]++
	}
	// One backing array for every Need's Calls.
	backing := make([]string, len(calls))
	needs := make([]Need, len(elems))
	off := 0
	for j, ep := range elems {
		e := &ix.eps[ep]
		needs[j] = Need{Route: e.route, Endpoint: e.name, Accepts: e.accepts, Calls: backing[off : off : off+counts[j]]}
		off += counts[j]
	}
	for i, ep := range eps {
		j := at[ep]
		needs[j].Calls = append(needs[j].Calls, calls[i])
	}
	return needs, elems
}

// problem builds the set-cover instance for covering the endpoints elems,
// and returns with it the scope id of each candidate.
func (ix *Index) problem(elems []int32, prefer scope.Set) (*problem, []int32) {
	words := (len(elems) + 63) / 64
	// Candidates: every scope that satisfies an endpoint, in id order.
	// candOf holds a scope's candidate index plus one, 0 for none.
	candOf := make([]int32, len(ix.scopes))
	var ids []int32
	pairs := 0
	for _, ep := range elems {
		for _, id := range ix.eps[ep].satisfiers {
			pairs++
			if candOf[id] == 0 {
				candOf[id] = 1
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	p := &problem{n: len(elems), words: words, cands: make([]candidate, len(ids)), byElem: make([][]int32, len(elems))}
	slab := make(bitset, len(ids)*words)
	for i, id := range ids {
		candOf[id] = int32(i) + 1
		b := ix.breadth[id]
		w := cost{int64(b.Writes), int64(b.Endpoints), int64(b.Grants), 0, 1, 0}
		if ix.scopes[id].IsBare() {
			w[3] = 1
		}
		if !prefer.Contains(ix.scopes[id]) {
			w[5] = 1
		}
		p.cands[i] = candidate{id: id, w: w, cover: slab[i*words : (i+1)*words : (i+1)*words], alive: true}
	}
	// Both adjacency lists share one backing array each.
	byElem := make([]int32, 0, pairs)
	for e, ep := range elems {
		start := len(byElem)
		for _, id := range ix.eps[ep].satisfiers {
			c := candOf[id] - 1
			p.cands[c].cover.set(e)
			byElem = append(byElem, c)
		}
		p.byElem[e] = byElem[start:len(byElem):len(byElem)]
		slices.Sort(p.byElem[e])
	}
	counts := make([]int, len(ids))
	for _, c := range byElem {
		counts[c]++
	}
	byCand := make([]int32, pairs)
	off := 0
	for c := range p.cands {
		p.cands[c].elems = byCand[off : off : off+counts[c]]
		off += counts[c]
	}
	for e := range elems {
		for _, c := range p.byElem[e] {
			p.cands[c].elems = append(p.cands[c].elems, int32(e))
		}
	}
	return p, ids
}
