package review

import (
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
			// Only a candidate that covers s's rarest uncovered element
			// can dominate it. Dead candidates are compared too: whatever
			// dominated them dominates s.
			rare, fewest := int32(-1), 0
			for _, e := range c.elems {
				if uncov.has(int(e)) && (rare < 0 || len(p.byElem[e]) < fewest) {
					rare, fewest = e, len(p.byElem[e])
				}
			}
			for _, t := range p.byElem[rare] {
				if t != int32(s) && p.dominates(t, int32(s), uncov) {
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
	}
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
	s.stack = make([]bitset, len(elems)+1)
	for i := range s.stack {
		s.stack[i] = make(bitset, p.words)
	}
	copy(s.stack[0], in)
	s.best, s.bestCost = s.greedy(in)
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
	left := slices.Clone(u)
	var chosen []int32
	for !left.empty() {
		best, bestK := int32(-1), 0
		for _, c := range s.cands {
			k := andCount(p.cands[c].cover, left)
			if k == 0 {
				continue
			}
			if best < 0 {
				best, bestK = c, k
				continue
			}
			// c per element < best per element ⇔ w(c)·k(best) < w(best)·k(c).
			switch p.cands[c].w.scale(int64(bestK)).cmp(p.cands[best].w.scale(int64(k))) {
			case -1:
				best, bestK = c, k
			case 0:
				if cw := p.cands[c].w.cmp(p.cands[best].w); cw < 0 || cw == 0 && c < best {
					best, bestK = c, k
				}
			}
		}
		chosen = append(chosen, best)
		for i, w := range p.cands[best].cover {
			left[i] &^= w
		}
	}
	// Drop redundant choices, costliest first.
	slices.SortFunc(chosen, func(a, b int32) int {
		if c := p.cands[b].w.cmp(p.cands[a].w); c != 0 {
			return c
		}
		return int(b - a)
	})
	for i := 0; i < len(chosen); i++ {
		rest := make(bitset, p.words)
		for j, c := range chosen {
			if j != i {
				for k, w := range p.cands[c].cover {
					rest[k] |= w
				}
			}
		}
		if within(u, rest, u) {
			chosen = slices.Delete(chosen, i, i+1)
			i--
		}
	}
	slices.Sort(chosen)
	var total cost
	for _, c := range chosen {
		total = total.add(p.cands[c].w)
	}
	return chosen, total
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
	if s.curCost.add(maxCost(packed, single)).cmp(s.bestCost) > 0 {
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

// lexLess reports whether the scopes of a, sorted, come before those of b
// in canonical order: at the first difference, a's is first. a is not
// sorted yet; b is.
func lexLess(a, b []int32) bool {
	sa := slices.Clone(a)
	slices.Sort(sa)
	return slices.Compare(sa, b) < 0
}
