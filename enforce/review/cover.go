package review

import (
	"math"
	"math/bits"
	"slices"
)

// This file solves the weighted set cover behind [Index.Minimal]: the
// elements are the distinct endpoints an app calls, the candidates the
// catalog scopes that satisfy at least one of them, and a candidate covers
// the endpoints it satisfies. See the package documentation for the order
// it minimises and what it guarantees.

// cost is the objective: writes, endpoints, grants, bare scopes, scopes,
// scopes not preferred, compared lexicographically and added component by
// component.
// Lexicographic order on integer vectors is a total order that addition
// preserves, so the usual set-cover arguments (dominance, lower bounds,
// the greedy bound) carry over from numbers.
type cost [6]int64

func (c cost) add(d cost) cost {
	for i := range c {
		c[i] += d[i]
	}
	return c
}

func (c cost) scale(k int64) cost {
	for i := range c {
		c[i] *= k
	}
	return c
}

func (c cost) cmp(d cost) int {
	for i := range c {
		switch {
		case c[i] < d[i]:
			return -1
		case c[i] > d[i]:
			return 1
		}
	}
	return 0
}

func maxCost(a, b cost) cost {
	if a.cmp(b) >= 0 {
		return a
	}
	return b
}

// bitset is a set of elements, one bit each.
type bitset []uint64

func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

// andCount counts the elements in both a and b.
func andCount(a, b bitset) int {
	n := 0
	for i, w := range a {
		n += bits.OnesCount64(w & b[i])
	}
	return n
}

// within reports whether every element of a that is in u is also in b.
func within(a, b, u bitset) bool {
	for i, w := range a {
		if w&u[i]&^b[i] != 0 {
			return false
		}
	}
	return true
}

// candidate is one scope that could be chosen.
type candidate struct {
	id    int32 // the scope's position in canonical order
	w     cost
	cover bitset
	elems []int32 // the elements of cover, ascending
	alive bool
}

// problem is one set-cover instance. Candidates are sorted by id, so that
// comparing sorted lists of candidate indices compares scopes in canonical
// order.
type problem struct {
	n      int // elements
	words  int
	cands  []candidate
	byElem [][]int32 // per element, the candidates covering it, ascending
	// strong, for role problems, adds reductions and a bound that pay for
	// themselves there: their elements repeat a few candidate sets (so
	// reduce drops the elements another implies, see dropImplied), and
	// one broad role may cover every element at a cost no narrow set
	// reaches (so candidates the bound rules out are dropped, see
	// pruneByBound, and the search bounds by shares as well, see
	// shareBound).
	strong bool
}

// newProblem builds an instance over n elements from candidates whose
// id, w and elems (ascending) are set, in ascending id order.
func newProblem(n int, cands []candidate) *problem {
	words := (n + 63) / 64
	p := &problem{n: n, words: words, cands: cands, byElem: make([][]int32, n)}
	slab := make(bitset, len(cands)*words)
	counts := make([]int, n)
	pairs := 0
	for i := range p.cands {
		c := &p.cands[i]
		c.cover, c.alive = slab[i*words:(i+1)*words:(i+1)*words], true
		for _, e := range c.elems {
			c.cover.set(int(e))
			counts[e]++
		}
		pairs += len(c.elems)
	}
	backing := make([]int32, pairs)
	off := 0
	for e := range p.byElem {
		p.byElem[e] = backing[off : off : off+counts[e]]
		off += counts[e]
	}
	for i := range p.cands {
		for _, e := range p.cands[i].elems {
			p.byElem[e] = append(p.byElem[e], int32(i))
		}
	}
	return p
}

// solution is the chosen candidates, as sorted indices into problem.cands.
type solution struct {
	chosen []int32
	exact  bool
}

// solve returns the least cover of every element by the order documented
// in the package: cost, then the canonical order of the sorted scopes.
// budget bounds the branch-and-bound nodes explored; when it runs out the
// best cover found so far (never worse than the greedy one) is returned
// with exact false.
func (p *problem) solve(budget int) solution {
	uncov := make(bitset, p.words)
	for e := range p.n {
		uncov.set(e)
	}
	var chosen []int32
	p.reduce(uncov, &chosen)
	for p.strong && !uncov.empty() && p.pruneByBound(uncov) {
		p.reduce(uncov, &chosen)
	}
	exact := true
	if !uncov.empty() {
		for _, comp := range p.components(uncov) {
			s := newSearch(p, comp, budget)
			s.run()
			budget = s.budget
			if s.aborted {
				exact = false
			}
			chosen = append(chosen, s.best...)
		}
	}
	slices.Sort(chosen)
	return solution{chosen: chosen, exact: exact}
}

// dominates reports whether candidate t is at least as good a choice as
// s for the elements still uncovered: it covers all of s's, costs no more,
// and when it costs the same it comes first in canonical order. Some
// optimal cover never holds a dominated candidate: swapping s for t keeps
// it a cover, costs no more, and on a tie sorts first.
func (p *problem) dominates(t, s int32, uncov bitset) bool {
	ct, cs := &p.cands[t], &p.cands[s]
	switch ct.w.cmp(cs.w) {
	case 1:
		return false
	case 0:
		if ct.id > cs.id {
			return false
		}
	}
	return within(cs.cover, ct.cover, uncov)
}

// reduce removes dominated and useless candidates and chooses the ones
// that are the only cover left for some element, until neither applies.
// Both steps keep the optimum.
func (p *problem) reduce(uncov bitset, chosen *[]int32) {
	for changed := true; changed; {
		changed = false
		for s := range p.cands {
			c := &p.cands[s]
			if !c.alive {
				continue
			}
			if andCount(c.cover, uncov) == 0 {
				c.alive = false
				changed = true
				continue
			}
			// Only a live candidate that covers s's rarest uncovered
			// element can dominate it. (A candidate dominated earlier is
			// dominated by a live one, which dominates s too; one ruled
			// out by the bound, or whose dropped elements the others no
			// longer imply, may not stand in for s.)
			rare, fewest := int32(-1), 0
			for _, e := range c.elems {
				if uncov.has(int(e)) && (rare < 0 || len(p.byElem[e]) < fewest) {
					rare, fewest = e, len(p.byElem[e])
				}
			}
			for _, t := range p.byElem[rare] {
				if t != int32(s) && p.cands[t].alive && p.dominates(t, int32(s), uncov) {
					c.alive = false
					changed = true
					break
				}
			}
		}
		for e := range p.n {
			if !uncov.has(e) {
				continue
			}
			only, n := int32(-1), 0
			for _, c := range p.byElem[e] {
				if p.cands[c].alive {
					only, n = c, n+1
				}
			}
			if n == 1 {
				*chosen = append(*chosen, only)
				p.cands[only].alive = false
				for i, w := range p.cands[only].cover {
					uncov[i] &^= w
				}
				changed = true
			}
		}
		if p.strong && p.dropImplied(uncov) {
			changed = true
		}
	}
}

// dropImplied removes from uncov each element that another uncovered
// element implies: every live candidate that covers the other covers it
// too, so that whatever covers the other covers it. Of elements with the
// same live candidates, the first stays. The covers of what remains are
// the covers of the whole, so the optimum is kept. It reports whether it
// dropped any.
func (p *problem) dropImplied(uncov bitset) bool {
	cw := (len(p.cands) + 63) / 64
	var elems []int
	for e := range p.n {
		if uncov.has(e) {
			elems = append(elems, e)
		}
	}
	sets := make([]bitset, len(elems))
	first := make([]int32, len(elems)) // each element's first live candidate
	slab := make(bitset, len(elems)*cw)
	for i, e := range elems {
		sets[i] = slab[i*cw : (i+1)*cw : (i+1)*cw]
		first[i] = -1
		for _, c := range p.byElem[e] {
			if p.cands[c].alive {
				sets[i].set(int(c))
				if first[i] < 0 {
					first[i] = c
				}
			}
		}
	}
	dropped := false
	for j, e2 := range elems {
		for i := range elems {
			// Only an element whose first live candidate e2 has can imply
			// it: a cheap test first.
			if i == j || first[i] < 0 || !sets[j].has(int(first[i])) || !uncov.has(elems[i]) || !within(sets[i], sets[j], sets[i]) {
				continue
			}
			// sets[i] ⊆ sets[j]: e2 is implied, unless the sets are
			// equal and e2 comes first.
			if i < j || !within(sets[j], sets[i], sets[j]) {
				uncov[e2/64] &^= 1 << (e2 % 64)
				dropped = true
				break
			}
		}
	}
	return dropped
}

// components splits the uncovered elements into groups that no candidate
// spans: each group's cover can be chosen on its own, and the union of the
// groups' optima is the optimum (costs add up, and two covers of equal
// cost and size compare in canonical order by their least differing
// scope, which lies in one group).
func (p *problem) components(uncov bitset) [][]int {
	parent := make([]int, p.n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range p.cands {
		c := &p.cands[i]
		if !c.alive {
			continue
		}
		first := -1
		for _, e := range c.elems {
			if uncov.has(int(e)) {
				if first < 0 {
					first = int(e)
				} else {
					parent[find(int(e))] = find(first)
				}
			}
		}
	}
	groups := make(map[int]int)
	var comps [][]int
	for e := range p.n {
		if !uncov.has(e) {
			continue
		}
		r := find(e)
		g, ok := groups[r]
		if !ok {
			g = len(comps)
			groups[r] = g
			comps = append(comps, nil)
		}
		comps[g] = append(comps[g], e)
	}
	return comps
}

// search is a branch and bound over one component.
type search struct {
	p        *problem
	elems    []int
	cands    []int32   // the component's live candidates, by cost then id
	opts     [][]int32 // per element, its live candidates, by cost then id
	excluded []bool    // per problem candidate: ruled out by an earlier sibling
	mark     []int32   // per problem candidate: the node that last counted it in a bound
	inv      []float64 // per problem candidate: 1 / the uncovered elements it covers, for shareBound
	node     int32
	stack    []bitset
	cur      []int32
	curCost  cost
	best     []int32 // sorted
	bestCost cost
	budget   int
	aborted  bool
}

func newSearch(p *problem, elems []int, budget int) *search {
	s := &search{p: p, elems: elems, excluded: make([]bool, len(p.cands)), budget: budget}
	in := make(bitset, p.words)
	for _, e := range elems {
		in.set(e)
	}
	for i := range p.cands {
		if p.cands[i].alive && andCount(p.cands[i].cover, in) > 0 {
			s.cands = append(s.cands, int32(i))
		}
	}
	byCost := func(a, b int32) int {
		if c := p.cands[a].w.cmp(p.cands[b].w); c != 0 {
			return c
		}
		return int(a - b)
	}
	slices.SortFunc(s.cands, byCost)
	s.opts = make([][]int32, p.n)
	for _, e := range elems {
		for _, c := range p.byElem[e] {
			if p.cands[c].alive {
				s.opts[e] = append(s.opts[e], c)
			}
		}
		slices.SortFunc(s.opts[e], byCost)
	}
	s.mark = make([]int32, len(p.cands))
	s.inv = make([]float64, len(p.cands))
	s.stack = make([]bitset, len(elems)+1)
	for i := range s.stack {
		s.stack[i] = make(bitset, p.words)
	}
	copy(s.stack[0], in)
	s.best, s.bestCost = s.greedy(in)
	// A candidate that alone costs more than the greedy cover is in no
	// better cover: rule it out, so that it neither branches nor blunts
	// the bound (one broad role that covers everything would make every
	// element share a candidate).
	for _, c := range s.cands {
		if p.cands[c].w.cmp(s.bestCost) > 0 {
			s.excluded[c] = true
		}
	}
	return s
}

// greedy covers the elements in u by repeatedly taking the candidate with
// the least cost per newly covered element (ties: the lesser cost, then
// canonical order), then dropping any chosen candidate the others make
// redundant, costliest first. Its cost is at most H(d) times the optimum,
// where d is the most elements one candidate covers and H(d) = 1 + 1/2 +
// ... + 1/d.
func (s *search) greedy(u bitset) ([]int32, cost) {
	p := s.p
	// k[c] is how many elements of u still uncovered c covers. A
	// candidate's cost per element only grows as others are taken, so a
	// heap of possibly stale keys finds the best lazily: the top, once its
	// key is fresh, beats every other's stale key, and so its true one.
	k := make([]int, len(p.cands))
	h := greedyHeap{p: p, k: make([]int, len(p.cands))}
	for _, c := range s.cands {
		if k[c] = andCount(p.cands[c].cover, u); k[c] > 0 {
			h.k[c] = k[c]
			h.push(c)
		}
	}
	left := slices.Clone(u)
	var chosen []int32
	for !left.empty() && len(h.items) > 0 {
		c := h.pop()
		switch {
		case k[c] == 0:
			continue
		case k[c] < h.k[c]:
			h.k[c] = k[c]
			h.push(c)
			continue
		}
		chosen = append(chosen, c)
		for _, e := range p.cands[c].elems {
			if left.has(int(e)) {
				left[e/64] &^= 1 << (e % 64)
				for _, o := range p.byElem[e] {
					k[o]--
				}
			}
		}
	}
	// Drop redundant choices, costliest first: a choice is redundant when
	// every element of u it covers is covered by another one still kept.
	slices.SortFunc(chosen, func(a, b int32) int {
		if c := p.cands[b].w.cmp(p.cands[a].w); c != 0 {
			return c
		}
		return int(b - a)
	})
	times := make([]int32, p.n)
	for _, c := range chosen {
		for _, e := range p.cands[c].elems {
			times[e]++
		}
	}
	kept := chosen[:0]
	for _, c := range chosen {
		redundant := true
		for _, e := range p.cands[c].elems {
			if u.has(int(e)) && times[e] < 2 {
				redundant = false
				break
			}
		}
		if redundant {
			for _, e := range p.cands[c].elems {
				times[e]--
			}
			continue
		}
		kept = append(kept, c)
	}
	chosen = kept
	slices.Sort(chosen)
	var total cost
	for _, c := range chosen {
		total = total.add(p.cands[c].w)
	}
	return chosen, total
}

// greedyHeap orders candidates by cost per element covered, k elements
// for w: the least first, then the lesser cost, then canonical order.
type greedyHeap struct {
	p     *problem
	k     []int // the key each candidate was pushed with
	items []int32
}

func (h *greedyHeap) less(a, b int32) bool {
	// a per element < b per element ⇔ w(a)·k(b) < w(b)·k(a).
	wa, wb := h.p.cands[a].w, h.p.cands[b].w
	switch wa.scale(int64(h.k[b])).cmp(wb.scale(int64(h.k[a]))) {
	case -1:
		return true
	case 1:
		return false
	}
	if c := wa.cmp(wb); c != 0 {
		return c < 0
	}
	return a < b
}

func (h *greedyHeap) push(c int32) {
	h.items = append(h.items, c)
	for i := len(h.items) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(h.items[i], h.items[parent]) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *greedyHeap) pop() int32 {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < last && h.less(h.items[l], h.items[least]) {
			least = l
		}
		if r < last && h.less(h.items[r], h.items[least]) {
			least = r
		}
		if least == i {
			break
		}
		h.items[i], h.items[least] = h.items[least], h.items[i]
		i = least
	}
	return top
}

func (s *search) run() { s.branch(0) }

// branch extends the current choice to cover stack[depth]. It branches on
// the uncovered element with the fewest candidates left: one branch per
// candidate, each excluding the candidates tried before it, so that no
// cover is visited twice.
func (s *search) branch(depth int) {
	p := s.p
	uncov := s.stack[depth]
	if uncov.empty() {
		if c := s.curCost.cmp(s.bestCost); c < 0 || c == 0 && lexLess(s.cur, s.best) {
			s.bestCost = s.curCost
			s.best = append(s.best[:0], s.cur...)
			slices.Sort(s.best)
		}
		return
	}
	if s.budget <= 0 {
		s.aborted = true
		return
	}
	s.budget--
	// One pass over the uncovered elements: the element to branch on,
	// and a lower bound on the cost of covering the rest. Elements whose
	// candidates no earlier counted element shares need distinct
	// candidates, so their cheapest costs add up; every other element
	// needs at least its cheapest. Both bounds hold because costs are
	// non-negative and addition keeps their order.
	s.node++
	pick, fewest := -1, 0
	var packed, single cost
	for _, e := range s.elems {
		if !uncov.has(e) {
			continue
		}
		n, shared := 0, false
		var cheapest cost
		for _, c := range s.opts[e] {
			if s.excluded[c] {
				continue
			}
			if n == 0 {
				cheapest = p.cands[c].w
			}
			n++
			shared = shared || s.mark[c] == s.node
		}
		if n == 0 {
			return // an element no candidate left can cover
		}
		if shared {
			single = maxCost(single, cheapest)
		} else {
			packed = packed.add(cheapest)
			for _, c := range s.opts[e] {
				s.mark[c] = s.node
			}
		}
		if pick < 0 || n < fewest {
			pick, fewest = e, n
		}
	}
	if s.curCost.add(maxCost(packed, single)).cmp(s.bestCost) > 0 || p.strong && s.curCost.add(s.shareBound(uncov)).cmp(s.bestCost) > 0 {
		return
	}
	var tried []int32
	for _, c := range s.opts[pick] {
		if s.excluded[c] {
			continue
		}
		next := s.stack[depth+1]
		for i, w := range uncov {
			next[i] = w &^ p.cands[c].cover[i]
		}
		s.cur = append(s.cur, c)
		saved := s.curCost
		s.curCost = s.curCost.add(p.cands[c].w)
		s.branch(depth + 1)
		s.curCost = saved
		s.cur = s.cur[:len(s.cur)-1]
		s.excluded[c] = true
		tried = append(tried, c)
		if s.aborted {
			break
		}
	}
	for _, c := range tried {
		s.excluded[c] = false
	}
}

// shareBound returns a lower bound on the cost of covering uncov with the
// candidates left, component by component: an element pays at least the
// least share w(c)/|c ∩ uncov| of a candidate c that covers it, and the
// shares of the elements a cover covers add up to at most its cost. Each
// component is bounded on its own and rounded up, costs being integers,
// after room for the floating-point error. A cost at least as great in
// every component is at least as great in the lexicographic order, so
// the bound holds for that order too. It is much the stronger bound when
// candidates covering many elements are shared by all of them.
func (s *search) shareBound(uncov bitset) cost {
	return roundUp(s.shares(uncov, nil), [len(cost{})]float64{})
}

// shares returns the sum, over the elements of uncov, of their least
// shares (see shareBound), component by component; and each element's in
// least, when it is not nil.
func (s *search) shares(uncov bitset, least [][len(cost{})]float64) [len(cost{})]float64 {
	p := s.p
	for _, c := range s.cands {
		if !s.excluded[c] {
			if k := andCount(p.cands[c].cover, uncov); k > 0 {
				s.inv[c] = 1 / float64(k)
			}
		}
	}
	var sum [len(cost{})]float64
	for _, e := range s.elems {
		if !uncov.has(e) {
			continue
		}
		var l [len(cost{})]float64
		first := true
		for _, c := range s.opts[e] {
			if s.excluded[c] {
				continue
			}
			for i, w := range p.cands[c].w {
				if v := float64(w) * s.inv[c]; first || v < l[i] {
					l[i] = v
				}
			}
			first = false
		}
		for i := range sum {
			sum[i] += l[i]
		}
		if least != nil {
			least[e] = l
		}
	}
	return sum
}

// roundUp rounds a bound up to integers, component by component, after
// room for the floating-point error of sums as large as scale.
func roundUp(v, scale [len(cost{})]float64) cost {
	var b cost
	for i := range v {
		b[i] = max(0, int64(math.Ceil(v[i]-1e-9*max(v[i], scale[i])-1e-6)))
	}
	return b
}

// pruneByBound rules out the candidates that are in no cover as good as
// the greedy one: the candidate's cost, plus a lower bound on covering
// the elements it leaves (the sum of their least shares, see shareBound),
// exceeds the greedy cover's cost. It reports whether it ruled any out.
// One broad candidate that covers everything, and costs more than the
// narrow ones together, would otherwise join every element into one
// component and blunt every bound of the search.
func (p *problem) pruneByBound(uncov bitset) bool {
	var elems []int
	for e := range p.n {
		if uncov.has(e) {
			elems = append(elems, e)
		}
	}
	s := newSearch(p, elems, 0)
	least := make([][len(cost{})]float64, p.n)
	total := s.shares(uncov, least)
	dropped := false
	for _, c := range s.cands {
		rest := total
		for _, e := range p.cands[c].elems {
			if uncov.has(int(e)) {
				for i := range rest {
					rest[i] -= least[e][i]
				}
			}
		}
		if p.cands[c].w.add(roundUp(rest, total)).cmp(s.bestCost) > 0 {
			p.cands[c].alive = false
			dropped = true
		}
	}
	return dropped
}

// lexLess reports whether the scopes of a, sorted, come before those of b
// in canonical order: at the first difference, a's is first. a is not
// sorted yet; b is.
func lexLess(a, b []int32) bool {
	sa := slices.Clone(a)
	slices.Sort(sa)
	return slices.Compare(sa, b) < 0
}
