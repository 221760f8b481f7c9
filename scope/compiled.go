package scope

import (
	"fmt"
	"math/bits"
	"slices"
)

// Granted is the access a set of scopes grants, compiled against one
// [Catalog]: a bit set of every scope the set holds or implies. Compile a
// token's scopes once with [Catalog.Grant], then check it against any number
// of endpoints with [Granted.Satisfies], which neither parses nor allocates.
//
// A Granted is immutable and safe for concurrent use. The zero Granted
// grants nothing.
type Granted struct {
	cat  *Catalog
	bits []uint64
}

// Grant compiles s for fast checks. Scopes that c does not know grant
// nothing: they can never satisfy an endpoint, whose accepted scopes are
// known by construction. Use [Catalog.Validate] first to reject them.
func (c *Catalog) Grant(s Set) Granted {
	if c == nil {
		return Granted{}
	}
	g := Granted{cat: c, bits: make([]uint64, c.words)}
	for _, sc := range s.scopes {
		if id, ok := c.ids[sc.name]; ok {
			c.down.set(g.bits, id)
		}
	}
	return g
}

// Has reports whether g grants sc, directly or by implication.
func (g Granted) Has(sc Scope) bool {
	if g.cat == nil {
		return false
	}
	id, ok := g.cat.ids[sc.name]
	return ok && g.bits[id/64]&(1<<(id%64)) != 0
}

// Satisfies reports whether g grants at least one of the scopes a accepts.
// It is false when g and a were compiled against different catalogs, and
// for the zero Granted or Accepted.
func (g Granted) Satisfies(a Accepted) bool {
	if a.a == nil || g.cat != a.a.cat || g.cat == nil {
		return false
	}
	ab := a.a.exact[:len(g.bits)]
	for w, x := range g.bits {
		if x&ab[w] != 0 {
			return true
		}
	}
	return false
}

// Accepted is the set of scopes an endpoint accepts, any one of which
// suffices, compiled against one [Catalog]. Build it once per endpoint with
// [Catalog.Accept].
//
// An Accepted is immutable and safe for concurrent use. The zero Accepted
// is satisfied by nothing.
type Accepted struct {
	a *accepted // nil for the zero Accepted
}

// accepted is what an Accepted holds; a handle to it is cheap to pass.
type accepted struct {
	cat        *Catalog
	scopes     Set
	exact      []uint64 // the accepted scopes
	satisfiers []Scope  // every scope that is or implies an accepted scope, sorted, for Match
	rank       []uint16 // rank[i]: satisfiers[i]'s place from the narrowest, for Match
	byRank     []Scope  // the satisfiers from the narrowest, for Match
}

// Accept compiles the scopes an endpoint accepts. Each must be in c (an
// [*UnknownError] otherwise, with suggestions), and there must be at least
// one ([ErrEmpty]).
func (c *Catalog) Accept(scopes ...Scope) (Accepted, error) {
	c = c.orEmpty()
	if len(scopes) == 0 {
		return Accepted{}, fmt.Errorf("%w: an endpoint must accept at least one scope", ErrEmpty)
	}
	set, err := NewSet(scopes...)
	if err != nil {
		return Accepted{}, err
	}
	if err := c.Validate(set); err != nil {
		return Accepted{}, err
	}
	a := &accepted{cat: c, scopes: set, exact: make([]uint64, c.words)}
	for _, sc := range set.scopes {
		id := c.ids[sc.name]
		a.exact[id/64] |= 1 << (id % 64)
	}
	// A scope satisfies the endpoint when it is, or implies, an accepted
	// scope: the union of the accepted scopes' up lists.
	up := make([]uint64, c.words)
	for _, sc := range set.scopes {
		c.up.set(up, c.ids[sc.name])
	}
	a.satisfiers = c.members(up)
	// Rank the satisfiers from the narrowest by sorting their places:
	// n log n, where looking each one up in the ranked list took n². Their
	// ids follow the canonical order, as satisfiers does. There are at
	// most MaxScopes, so every rank fits in a uint16.
	ids := make([]int32, 0, len(a.satisfiers))
	for w, x := range up {
		for x != 0 {
			ids = append(ids, int32(w*64+bits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	order := make([]uint16, len(ids))
	for i := range order {
		order[i] = uint16(i)
	}
	slices.SortFunc(order, func(i, j uint16) int { return c.compareBreadthIDs(int(ids[i]), int(ids[j])) })
	a.byRank = make([]Scope, len(order))
	a.rank = make([]uint16, len(order))
	for r, i := range order {
		a.byRank[r] = a.satisfiers[i]
		a.rank[i] = uint16(r)
	}
	return Accepted{a}, nil
}

// Scopes returns the accepted scopes: the ones that would satisfy the
// endpoint, for error messages and remedies.
func (a Accepted) Scopes() Set {
	if a.a == nil {
		return Set{}
	}
	return a.a.scopes
}

// Satisfiers returns every scope that satisfies a: the accepted scopes and
// the scopes that imply them.
func (a Accepted) Satisfiers() Set {
	if a.a == nil {
		return Set{}
	}
	return Set{scopes: a.a.satisfiers}
}

// Match returns the narrowest scope of s that satisfies a (it is an
// accepted scope, or implies one), as [Catalog.Narrowest] orders them: the
// scope a token used, for usage records that should not credit a broad
// scope with what a narrow one did. Unlike [Granted.Satisfies] it needs no
// compiled set: it compares the names of s with the names that satisfy a
// (both sorted lists, walked together when they are long), and does not
// allocate.
func (a Accepted) Match(s Set) (Scope, bool) {
	if a.a == nil {
		return Scope{}, false
	}
	return a.a.match(s, Set{}, false)
}

// rankOf returns satisfier j's place from the narrowest.
func (a *accepted) rankOf(j int) int {
	if j < len(a.rank) {
		return int(a.rank[j])
	}
	return j
}

// MatchWithin is like [Accepted.Match], but counts only the scopes of s
// that are also in limit: a token's scopes still held by its client, say.
// An empty limit leaves none.
func (a Accepted) MatchWithin(s Set, limit Set) (Scope, bool) {
	if a.a == nil {
		return Scope{}, false
	}
	return a.a.match(s, limit, true)
}

// match is Match, or MatchWithin when limited.
func (a *accepted) match(s Set, limit Set, limited bool) (Scope, bool) {
	if len(s.scopes)*len(a.satisfiers) <= 64 && len(a.byRank) == len(a.satisfiers) {
		// Short lists, the usual case: the satisfiers from the narrowest,
		// so the first found is the one; lengths compared first, and
		// bytes only when they agree.
		for _, want := range a.byRank {
			for _, sc := range s.scopes {
				if len(sc.name) == len(want.name) && sc.name == want.name && (!limited || limit.Contains(sc)) {
					return sc, true
				}
			}
		}
		return Scope{}, false
	}
	// Long lists: walk both in canonical order, keeping the narrowest.
	best, bestRank := -1, 0
	for i, j := 0, 0; i < len(s.scopes) && j < len(a.satisfiers); {
		switch c := compareScopes(s.scopes[i], a.satisfiers[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			if r := a.rankOf(j); (best < 0 || r < bestRank) && (!limited || limit.Contains(s.scopes[i])) {
				best, bestRank = j, r
			}
			i, j = i+1, j+1
		}
	}
	if best < 0 {
		return Scope{}, false
	}
	return a.satisfiers[best], true
}
