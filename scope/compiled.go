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
	byRank     []ranked // the satisfiers from the narrowest, for Match
}

// ranked is a satisfier with the words of its name that Match compares
// (see nameWords), worked out once when the Accepted is compiled.
type ranked struct {
	sc     Scope
	w0, w1 uint64
}

// rankedOf returns sc with its name's words.
func rankedOf(sc Scope) ranked {
	w0, w1 := nameWords(sc.name)
	return ranked{sc: sc, w0: w0, w1: w1}
}

// nameWords returns the two words of s that Match compares first, read in
// line rather than by calling a compare: its first and last eight bytes;
// when it is shorter, its first and last four; shorter still, its first,
// middle and last byte. For a name of at most sixteen bytes they hold
// every byte, so two such names of one length are equal exactly when their
// words are; Match compares the eight-byte words between them of a longer
// name. accepted.match reads a token's names the same way, in line.
func nameWords(s string) (w0, w1 uint64) {
	switch n := len(s); {
	case n >= 8:
		return le64(s), le64(s[n-8:])
	case n >= 4:
		return le32(s), le32(s[n-4:])
	case n > 0:
		return le3(s), 0
	}
	return 0, 0
}

// le64 reads the first eight bytes of s as a little-endian word: one load.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32 reads the first four bytes of s as a little-endian word.
func le32(s string) uint64 {
	_ = s[3]
	return uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

// le3 packs the first, middle and last bytes of s, which is not empty:
// every byte of a name of at most three.
func le3(s string) uint64 {
	n := len(s)
	return uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
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
	a.byRank = make([]ranked, len(order))
	a.rank = make([]uint16, len(order))
	for r, i := range order {
		a.byRank[r] = rankedOf(a.satisfiers[i])
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
	return a.a.match(s.scopes, nil) // small enough to inline: match checks for the zero Accepted
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
	return a.a.match(s.scopes, &limit)
}

// match is Match, or MatchWithin when limit is not nil; a is nil for the
// zero Accepted, which nothing satisfies.
//
// Short lists, the usual case, are walked here, the satisfiers from the
// narrowest, so the first found is the one. Names are compared without
// calling a compare: lengths first, then the words of nameWords, then for
// a name longer than sixteen bytes the eight-byte words between them. The
// loops call nothing but limit, for a scope that matched, so that their
// values stay in registers.
func (a *accepted) match(s []Scope, limit *Set) (Scope, bool) {
	if a == nil {
		return Scope{}, false
	}
	byRank := a.byRank
	if len(s)*len(byRank) > 64 {
		return a.matchLong(s, limit)
	}
	for i := range byRank {
		want := &byRank[i]
		n := len(want.sc.name)
	scopes:
		for _, sc := range s {
			name := sc.name
			if len(name) != n {
				continue
			}
			switch {
			case n >= 8:
				if le64(name) != want.w0 || le64(name[len(name)-8:]) != want.w1 {
					continue
				}
				for k := 8; k < len(name)-8; k += 8 {
					if le64(name[k:]) != le64(want.sc.name[k:]) {
						continue scopes
					}
				}
			case n >= 4:
				if le32(name) != want.w0 || le32(name[len(name)-4:]) != want.w1 {
					continue
				}
			default:
				if n > 0 && le3(name) != want.w0 {
					continue
				}
			}
			if limit == nil || limit.Contains(sc) {
				return sc, true
			}
		}
	}
	return Scope{}, false
}

// matchLong is match for long lists: it walks both in canonical order,
// keeping the narrowest.
func (a *accepted) matchLong(s []Scope, limit *Set) (Scope, bool) {
	best, bestRank := -1, 0
	for i, j := 0, 0; i < len(s) && j < len(a.satisfiers); {
		switch c := compareScopes(s[i], a.satisfiers[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			if r := a.rankOf(j); (best < 0 || r < bestRank) && (limit == nil || limit.Contains(s[i])) {
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
