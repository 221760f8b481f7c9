package scope

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
)

// maxErrors bounds how many problems [ParseSet] reports for one string, so a
// hostile input cannot make it build a huge error.
const maxErrors = 8

// A Set is a set of scopes: sorted, without duplicates, immutable. The zero
// Set is the empty set.
//
// Sets are values: the operations return new sets and never modify their
// operands, so a Set may be shared between goroutines. Compare sets with
// [Set.Equal], not ==.
type Set struct {
	scopes []Scope // sorted by name, unique; never modified after creation
}

// ParseSet parses a space-separated scope string as RFC 6749 §3.3 defines
// it: scopes separated by exactly one space (%x20). It rejects, with an error
// for each problem found:
//
//   - the empty string ([ErrEmpty]);
//   - a leading, trailing or doubled space, and any other whitespace: tab,
//     newline, carriage return, no-break space ([ErrSpace]);
//   - control and non-ASCII characters, and punctuation other than ':', '-'
//     and '_' ([ErrCharacter]);
//   - empty parts, as in ":manage", "users:" or "users::manage" ([ErrColon]);
//   - a scope longer than [MaxLen] ([ErrTooLong]);
//   - the same scope twice ([ErrDuplicate]).
//
// Nothing is dropped or repaired silently: a string with any problem gives
// the zero Set and an error. The error is a [*ParseError], or, when there are
// several problems, an error whose Unwrap() []error returns one *ParseError
// per problem (at most eight). Each names its offset and, where it can, what
// was probably meant: "users :manage" suggests "users:manage".
//
// ParseSet checks the syntax only; [Catalog.ParseSet] also checks that every
// scope is known.
func ParseSet(s string) (Set, error) {
	scopes, errs := parseSet(s)
	if err := joinErrors(errs); err != nil {
		return Set{}, err
	}
	return Set{scopes: scopes}, nil
}

// parseSet does the work of ParseSet. It returns the well-formed scopes it
// found, sorted and unique, and one error per problem (at most maxErrors).
func parseSet(s string) ([]Scope, []error) {
	if scopes, ok := parseSetFast(s); ok {
		return scopes, nil
	}
	return parseSetSlow(s)
}

// parseSetSlow is parseSet without the fast path: it explains every
// problem.
func parseSetSlow(s string) ([]Scope, []error) {
	if s == "" {
		return nil, []error{&ParseError{Input: s, Err: ErrEmpty, Reason: "empty scope string"}}
	}
	var errs []error
	scopes := make([]Scope, 0, strings.Count(s, " ")+1)
	prev, skipNext := "", false
	for start := 0; start <= len(s) && len(errs) < maxErrors; {
		end := strings.IndexByte(s[start:], ' ')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		tok := s[start:end]
		switch {
		case skipNext:
			// Already part of the previous error's suggestion.
			skipNext = false
		case tok == "":
			if start == 0 || prev != "" { // one error per run of spaces
				errs = append(errs, spaceError(s, start))
			}
		case wellFormed(tok):
			scopes = append(scopes, Scope{name: tok})
		default:
			next := ""
			if end < len(s) {
				next, _, _ = strings.Cut(s[end+1:], " ")
			}
			e := check(s, tok, start, next)
			switch {
			case e.Err == ErrColon && e.Offset == start && prev != "":
				// ":manage" right after "users ": a stray space. The
				// suggestion joins the two, so "users" is not a scope of
				// its own; for "users : manage" it takes in "manage" too.
				e.Reason = "scope starts with ':' (is there a stray space before it?)"
				e.Suggestion = prev + tok
				if strings.HasSuffix(tok, ":") && next != "" {
					e.Suggestion += next
					skipNext = true
				}
				if n := len(scopes); n > 0 && scopes[n-1].name == prev {
					scopes = scopes[:n-1]
				}
			case e.Err == ErrColon && e.Suggestion == tok+next && next != "":
				// "users: manage": the suggestion takes in "manage" too.
				skipNext = true
			case e.Err == ErrSpace && e.Suggestion == "":
				e.Suggestion = respace(s)
			}
			e.Suggestion = valid(e.Suggestion)
			errs = append(errs, e)
		}
		prev = tok
		start = end + 1
	}
	slices.SortFunc(scopes, compareScopes)
	for i := 1; i < len(scopes) && len(errs) < maxErrors; i++ {
		if scopes[i] == scopes[i-1] && (i == 1 || scopes[i] != scopes[i-2]) {
			errs = append(errs, &ParseError{Input: s, Offset: duplicateOffset(s, scopes[i].name), Err: ErrDuplicate, Reason: strconv.Quote(scopes[i].name) + " listed more than once"})
		}
	}
	return slices.Compact(scopes), errs
}

// parseSetFast parses a well-formed scope string in one pass over its bytes.
// It reports false for any problem, and parseSet then takes the slow path
// that explains it.
//
// It records where each scope starts and ends, with its first eight bytes
// as a number, sorts those records (no pointers, so no write barriers, and
// most comparisons are of integers), and builds the result once.
func parseSetFast(s string) ([]Scope, bool) {
	if s == "" {
		return nil, false
	}
	var buf [16]span
	spans := buf[:0]
	sorted := true
	start, prev := 0, uint8(colon) // the start of a scope behaves like the position after a colon
	for i := 0; i <= len(s); i++ {
		for i < len(s) && class[s[i]] == alnum {
			i, prev = i+1, alnum // the common case, in a tight loop
		}
		c := uint8(space) // the end of the string ends the last scope
		if i < len(s) {
			c = class[s[i]]
		}
		switch {
		case c == space:
			if prev != alnum || i-start > MaxLen {
				return nil, false
			}
			sp := newSpan(s, start, i)
			if n := len(spans); n > 0 && !spans[n-1].less(s, sp) {
				sorted = false
			}
			spans = append(spans, sp)
			start, c = i+1, colon
		case c == other,
			c == colon && prev != alnum,  // an empty part, or one ending in '-' or '_'
			c == joiner && prev == colon: // a part starting with '-' or '_'
			return nil, false
		}
		prev = c
	}
	if !sorted {
		sortSpans(s, spans)
		for i := 1; i < len(spans); i++ {
			if !spans[i-1].less(s, spans[i]) {
				return nil, false // a duplicate
			}
		}
	}
	scopes := make([]Scope, len(spans))
	for i, sp := range spans {
		scopes[i] = Scope{name: s[sp.lo:sp.hi]}
	}
	return scopes, true
}

// A span is where one scope lies in a scope string, with its first eight
// bytes, big-endian and zero-padded, as a sort key. Scopes hold no zero
// bytes, so comparing keys orders scopes as comparing their names does,
// except when the keys are equal.
type span struct {
	key    uint64
	lo, hi int
}

func newSpan(s string, lo, hi int) span {
	var key uint64
	for k := range 8 {
		key <<= 8
		if lo+k < hi {
			key |= uint64(s[lo+k])
		}
	}
	return span{key: key, lo: lo, hi: hi}
}

// less reports whether the scope of a sorts before that of b in s.
func (a span) less(s string, b span) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return s[a.lo:a.hi] < s[b.lo:b.hi]
}

// sortSpans sorts spans by name: by insertion for the few scopes of a
// typical token, otherwise with the standard library.
func sortSpans(s string, spans []span) {
	if len(spans) > 16 {
		slices.SortFunc(spans, func(a, b span) int {
			switch {
			case a.less(s, b):
				return -1
			case b.less(s, a):
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].less(s, spans[j-1]); j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
}

// joinErrors returns nil, the only error, or all of them joined.
func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// spaceError describes the empty token at offset at of s: a leading,
// trailing or doubled space.
func spaceError(s string, at int) *ParseError {
	e := &ParseError{Input: s, Err: ErrSpace, Suggestion: respace(s)}
	switch {
	case at == 0:
		e.Reason = "leading space"
	case at == len(s):
		e.Offset = len(s) - 1
		e.Reason = "trailing space"
	default:
		e.Offset = at
		e.Reason = "doubled space"
	}
	return e
}

// respace rewrites s with single spaces between its scopes, and joins the
// parts of a scope that a stray space split ("users :manage", "users:
// manage", "users : manage"). It returns "" if the result is still not a
// valid scope string.
func respace(s string) string {
	var out []string
	for _, f := range strings.Fields(s) {
		if n := len(out); n > 0 && (f[0] == ':' || strings.HasSuffix(out[n-1], ":")) {
			out[n-1] += f
			continue
		}
		out = append(out, f)
	}
	return valid(strings.Join(out, " "))
}

// duplicateOffset finds the second occurrence of name as a whole token in s.
func duplicateOffset(s, name string) int {
	seen := false
	for off := 0; off <= len(s); {
		tok, _, _ := strings.Cut(s[off:], " ")
		if tok == name {
			if seen {
				return off
			}
			seen = true
		}
		off += len(tok) + 1
	}
	return 0
}

// MustParseSet is like [ParseSet] but panics on error. Use it only for scope
// strings written in the program's source.
func MustParseSet(s string) Set {
	set, err := ParseSet(s)
	if err != nil {
		panic(err)
	}
	return set
}

// NewSet returns the set of the given scopes. Unlike [ParseSet], which
// reports a duplicate in a request as a mistake, NewSet merges duplicates:
// it is for sets built in code. It rejects the zero Scope with [ErrEmpty].
func NewSet(scopes ...Scope) (Set, error) {
	for i, s := range scopes {
		if !s.IsValid() {
			return Set{}, fmt.Errorf("%w: zero Scope at index %d", ErrEmpty, i)
		}
	}
	out := slices.Clone(scopes)
	slices.SortFunc(out, compareScopes)
	return Set{scopes: slices.Compact(out)}, nil
}

func compareScopes(a, b Scope) int { return strings.Compare(a.name, b.name) }

// Len returns the number of scopes in s.
func (s Set) Len() int { return len(s.scopes) }

// IsEmpty reports whether s has no scopes.
func (s Set) IsEmpty() bool { return len(s.scopes) == 0 }

// Contains reports whether sc is in s, exactly (no implication; see
// [Catalog.Implies] for that).
func (s Set) Contains(sc Scope) bool {
	_, ok := slices.BinarySearchFunc(s.scopes, sc, compareScopes)
	return ok
}

// All returns an iterator over the scopes of s in canonical order.
func (s Set) All() iter.Seq[Scope] { return slices.Values(s.scopes) }

// Scopes returns the scopes of s in canonical order, in a new slice.
func (s Set) Scopes() []Scope { return slices.Clone(s.scopes) }

// String returns the canonical scope string: the scopes sorted and
// separated by single spaces. It is "" for the empty set.
func (s Set) String() string {
	switch len(s.scopes) {
	case 0:
		return ""
	case 1:
		return s.scopes[0].name
	}
	n := len(s.scopes) - 1
	for _, sc := range s.scopes {
		n += len(sc.name)
	}
	var b strings.Builder
	b.Grow(n)
	for i, sc := range s.scopes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sc.name)
	}
	return b.String()
}

// Equal reports whether s and t hold the same scopes. Copies of one Set
// share their scopes, and are found equal without comparing them.
func (s Set) Equal(t Set) bool {
	if len(s.scopes) != len(t.scopes) {
		return false
	}
	if len(s.scopes) == 0 || &s.scopes[0] == &t.scopes[0] {
		return true
	}
	return slices.Equal(s.scopes, t.scopes)
}

// Union returns the scopes in s or t.
func (s Set) Union(t Set) Set {
	out := make([]Scope, 0, len(s.scopes)+len(t.scopes))
	i, j := 0, 0
	for i < len(s.scopes) && j < len(t.scopes) {
		switch c := compareScopes(s.scopes[i], t.scopes[j]); {
		case c < 0:
			out = append(out, s.scopes[i])
			i++
		case c > 0:
			out = append(out, t.scopes[j])
			j++
		default:
			out = append(out, s.scopes[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, s.scopes[i:]...)
	out = append(out, t.scopes[j:]...)
	return Set{scopes: out}
}

// Intersect returns the scopes in both s and t, compared exactly (no
// implication).
func (s Set) Intersect(t Set) Set {
	var out []Scope
	i, j := 0, 0
	for i < len(s.scopes) && j < len(t.scopes) {
		switch c := compareScopes(s.scopes[i], t.scopes[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, s.scopes[i])
			i, j = i+1, j+1
		}
	}
	return Set{scopes: out}
}

// Difference returns the scopes in s that are not in t.
func (s Set) Difference(t Set) Set {
	var out []Scope
	j := 0
	for _, sc := range s.scopes {
		for j < len(t.scopes) && compareScopes(t.scopes[j], sc) < 0 {
			j++
		}
		if j < len(t.scopes) && t.scopes[j] == sc {
			continue
		}
		out = append(out, sc)
	}
	return Set{scopes: out}
}

// SubsetOf reports whether every scope of s is in t, compared exactly.
func (s Set) SubsetOf(t Set) bool {
	j := 0
	for _, sc := range s.scopes {
		for j < len(t.scopes) && compareScopes(t.scopes[j], sc) < 0 {
			j++
		}
		if j == len(t.scopes) || t.scopes[j] != sc {
			return false
		}
		j++
	}
	return true
}

// errNilSet is UnmarshalText's error for a nil *Set, which has nowhere to
// put the set.
var errNilSet = errors.New("scope: UnmarshalText into a nil *Set")

// MarshalText implements [encoding.TextMarshaler]: the canonical scope
// string.
func (s Set) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseSet], except
// that empty text gives the empty set, so that an empty Set survives a round
// trip through JSON. A nil *Set is an error.
func (s *Set) UnmarshalText(text []byte) error {
	if s == nil {
		return errNilSet
	}
	if len(text) == 0 {
		*s = Set{}
		return nil
	}
	set, err := ParseSet(string(text))
	if err != nil {
		return err
	}
	*s = set
	return nil
}
