package scope

import "fmt"

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
	g := Granted{cat: c, bits: make([]uint64, c.words)}
	for _, sc := range s.scopes {
		if id, ok := c.ids[sc.name]; ok {
			for w, x := range c.row(c.down, id) {
				g.bits[w] |= x
			}
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
	if g.cat != a.cat || g.cat == nil {
		return false
	}
	ab := a.exact[:len(g.bits)]
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
	cat        *Catalog
	scopes     Set
	exact      []uint64 // the accepted scopes
	satisfiers []Scope  // every scope that is or implies an accepted scope, sorted, for Match
}

// Accept compiles the scopes an endpoint accepts. Each must be in c (an
// [*UnknownError] otherwise, with suggestions), and there must be at least
// one ([ErrEmpty]).
func (c *Catalog) Accept(scopes ...Scope) (Accepted, error) {
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
	a := Accepted{cat: c, scopes: set, exact: make([]uint64, c.words)}
	for _, sc := range set.scopes {
		id := c.ids[sc.name]
		a.exact[id/64] |= 1 << (id % 64)
	}
	// A scope satisfies the endpoint when what it implies meets exact.
	for id := range c.entries {
		for w, x := range c.row(c.down, id) {
			if x&a.exact[w] != 0 {
				a.satisfiers = append(a.satisfiers, c.entries[id].Scope)
				break
			}
		}
	}
	return a, nil
}

// Scopes returns the accepted scopes: the ones that would satisfy the
// endpoint, for error messages and remedies.
func (a Accepted) Scopes() Set { return a.scopes }

// Satisfiers returns every scope that satisfies a: the accepted scopes and
// the scopes that imply them.
func (a Accepted) Satisfiers() Set { return Set{scopes: a.satisfiers} }

// Match returns the first scope of s, in canonical order, that satisfies a
// (it is an accepted scope, or implies one). Unlike [Granted.Satisfies] it
// needs no compiled set: it compares the names of s with the names that
// satisfy a (both sorted lists, walked together when they are long), and
// does not allocate.
func (a Accepted) Match(s Set) (Scope, bool) {
	return a.MatchWithin(s, Set{}, false)
}

// MatchWithin is like [Accepted.Match], but when limited it counts only
// the scopes of s that are also in limit: a token's scopes still held by
// its client, say.
func (a Accepted) MatchWithin(s Set, limit Set, limited bool) (Scope, bool) {
	if len(s.scopes)*len(a.satisfiers) <= 64 {
		// Short lists, the usual case: compare lengths first, and bytes
		// only when they agree, which beats ordered comparison.
		for _, sc := range s.scopes {
			for _, want := range a.satisfiers {
				if len(sc.name) == len(want.name) && sc.name == want.name && (!limited || limit.Contains(sc)) {
					return sc, true
				}
			}
		}
		return Scope{}, false
	}
	i, j := 0, 0
	for i < len(s.scopes) && j < len(a.satisfiers) {
		switch c := compareScopes(s.scopes[i], a.satisfiers[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			if !limited || limit.Contains(s.scopes[i]) {
				return s.scopes[i], true
			}
			i, j = i+1, j+1
		}
	}
	return Scope{}, false
}
