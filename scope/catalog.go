package scope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDescription is the longest catalog description, in bytes.
const MaxDescription = 200

// MaxScopes is the most entries a catalog may have. [Granted] and
// [Accepted] are bit sets of one bit per catalog scope, so the limit keeps
// them at 8 KB at most; real APIs have a few hundred scopes.
const MaxScopes = 1 << 16

// MaxImplications bounds the implications a catalog holds: the pairs of
// scopes a and b where a implies b, directly or through a chain of
// implications. A flat catalog has none, and a catalog where each scope
// implies a few others holds a few per scope; but a chain of n scopes, each
// implying the next, holds n(n-1)/2, so 1,449 scopes in a chain exceed the
// limit. [NewCatalog] counts an implication once for each direct
// implication through which it reaches a scope, so the count may exceed
// the number of distinct pairs when several of a scope's direct
// implications imply the same scopes (a direct implication that another
// one implies counts nothing).
const MaxImplications = 1 << 20

// MaxRules is the most convention rules a catalog may have. Each rule is
// tried on every scope, so the limit keeps that linear in the scopes; a
// catalog needs a handful.
const MaxRules = 64

// An Entry describes one scope of a [Catalog].
type Entry struct {
	Scope Scope `json:"scope"`
	// Description is one line of plain text for consent screens and
	// documentation: what an app holding the scope can do.
	Description string `json:"description"`
	// Implies lists the scopes that holding Scope also grants, such as
	// users:readonly for users:manage. Implication is transitive.
	Implies []Scope `json:"implies,omitempty"`
}

// A Rule adds implications by naming convention, so that a catalog with
// hundreds of scopes need not list every edge. Every catalog scope whose last
// part is Action implies the scope with that part replaced by Implies, when
// the catalog has such a scope: {Action: "manage", Implies: "readonly"}
// makes users:manage imply users:readonly, and routing:queue:manage imply
// routing:queue:readonly. An empty Action matches bare scopes, which then
// imply their Implies form: {Implies: "readonly"} makes users imply
// users:readonly.
type Rule struct {
	Action  string `json:"action,omitempty"`
	Implies string `json:"implies"`
}

// BareImplies returns the rule "a bare scope implies its :action form"
// (users ⇒ users:readonly).
func BareImplies(action string) Rule { return Rule{Implies: action} }

// ActionImplies returns the rule "a scope ending in :action implies the same
// scope ending in :implied" (users:manage ⇒ users:readonly).
func ActionImplies(action, implied string) Rule { return Rule{Action: action, Implies: implied} }

func (r Rule) String() string {
	from := "*:" + r.Action
	if r.Action == "" {
		from = "*"
	}
	return from + " ⇒ *:" + r.Implies
}

func (r Rule) validate() error {
	isPart := func(p string) bool {
		return p != "" && check(p, p, 0, "") == nil && !strings.Contains(p, ":")
	}
	switch {
	case r.Action != "" && !isPart(r.Action):
		return fmt.Errorf("%w: action %q is not a single scope part", ErrRule, r.Action)
	case !isPart(r.Implies):
		return fmt.Errorf("%w: implied action %q is not a single scope part", ErrRule, r.Implies)
	case r.Action == r.Implies:
		return fmt.Errorf("%w: %s implies itself", ErrRule, r)
	}
	return nil
}

// appendTarget appends to buf the scope that r makes s imply, if r applies
// to s.
func (r Rule) appendTarget(buf []byte, s Scope) ([]byte, bool) {
	i := strings.LastIndexByte(s.name, ':')
	switch {
	case r.Action == "" && i < 0:
		return append(append(append(buf, s.name...), ':'), r.Implies...), true
	case r.Action != "" && i >= 0 && s.name[i+1:] == r.Action:
		return append(append(buf, s.name[:i+1]...), r.Implies...), true
	}
	return buf, false
}

// A Catalog is the list of scopes an authorization server knows, with a
// description of each and the implications between them. Build one with
// [NewCatalog] or [ParseCatalogJSON]; the sample package has a ready one.
//
// A Catalog is immutable once built and safe for concurrent use. Building it
// interns every scope and computes each scope's transitive implications, in
// memory that grows with the scopes and their implications, so that
// [Catalog.Grant] can compile a set into a bit set and [Granted.Satisfies]
// costs a few machine words.
type Catalog struct {
	entries  []Entry // sorted by scope; Implies holds the explicit edges only
	direct   [][]int // direct edges, explicit and from rules, sorted by id
	rules    []Rule  // as given
	ids      map[string]int
	words    int   // bit set length in uint64 words
	down     lists // each scope and the scopes it implies, transitively
	up       lists // the transpose: each scope and the scopes that imply it
	suggests suggestIndex
}

// lists holds a sorted list of scope ids for each scope id.
type lists struct {
	ids []int32
	at  []bounds // at[id]: where id's list is in ids
}

type bounds struct{ lo, hi int32 }

// of returns id's list.
func (l *lists) of(id int) []int32 { return l.ids[l.at[id].lo:l.at[id].hi] }

// set sets in b the bits of id's list.
func (l *lists) set(b []uint64, id int) {
	for _, x := range l.of(id) {
		b[x/64] |= 1 << (x % 64)
	}
}

// NewCatalog builds a catalog from entries and convention rules. It reports
// every problem it finds, as [*EntryError] values (joined when there are
// several): a zero or duplicate scope, a missing or multi-line description,
// an implied scope that is not in the catalog (with suggestions for the
// first eight such), a malformed rule, and implication cycles
// ([*CycleError]). Entries may come in any order; the catalog lists them in
// canonical order. A catalog with more than [MaxScopes] entries,
// [MaxRules] rules or [MaxImplications] implications is an error that wraps
// [ErrTooLarge] and names the limit.
func NewCatalog(entries []Entry, rules ...Rule) (*Catalog, error) {
	switch {
	case len(entries) > MaxScopes:
		return nil, fmt.Errorf("%w: %d entries, more than MaxScopes (%d)", ErrTooLarge, len(entries), MaxScopes)
	case len(rules) > MaxRules:
		return nil, fmt.Errorf("%w: %d rules, more than MaxRules (%d)", ErrTooLarge, len(rules), MaxRules)
	}
	var errs []error
	fail := func(i int, s Scope, err error) { errs = append(errs, &EntryError{Index: i, Scope: s, Err: err}) }
	for _, r := range rules {
		if err := r.validate(); err != nil {
			fail(-1, Scope{}, err)
		}
	}

	c := &Catalog{rules: slices.Clone(rules), ids: make(map[string]int, len(entries)), entries: make([]Entry, 0, len(entries))}
	first := make(map[Scope]int, len(entries))
	for i, e := range entries {
		switch {
		case !e.Scope.IsValid():
			fail(i, e.Scope, fmt.Errorf("%w: entry has no scope", ErrEmpty))
			continue
		case first[e.Scope] > 0:
			fail(i, e.Scope, fmt.Errorf("%w: also entry %d", ErrDuplicate, first[e.Scope]-1))
			continue
		}
		first[e.Scope] = i + 1
		if err := checkDescription(e.Description); err != nil {
			fail(i, e.Scope, err)
		}
		c.entries = append(c.entries, Entry{Scope: e.Scope, Description: e.Description})
	}
	slices.SortFunc(c.entries, func(a, b Entry) int { return compareScopes(a.Scope, b.Scope) })
	for id, e := range c.entries {
		c.ids[e.Scope.name] = id
	}
	c.suggests = newSuggestIndex(c.entries)

	// Edges: the explicit ones, checked, then those the rules add.
	c.direct = make([][]int, len(c.entries))
	unknown := 0 // implications of scopes not in the catalog
	for i, e := range entries {
		from, ok := c.ids[e.Scope.name]
		if !ok || first[e.Scope] != i+1 {
			continue // already reported
		}
		for _, to := range e.Implies {
			id, known := c.ids[to.name]
			switch {
			case !to.IsValid():
				fail(i, e.Scope, fmt.Errorf("%w: implies a zero Scope", ErrEmpty))
			case !known:
				// Each suggestion scans the catalog: only the first few
				// unknown implications get them, so that a catalog of
				// them costs no more than a few scans. Suggesting e.Scope
				// itself would suggest a cycle.
				var suggestions []Scope
				if unknown++; unknown <= maxErrors {
					suggestions = slices.DeleteFunc(c.Suggest(to.name), func(s Scope) bool { return s == e.Scope })
				}
				fail(i, e.Scope, &UnknownError{Scope: to, Suggestions: suggestions})
			case id == from:
				fail(i, e.Scope, &CycleError{Path: []Scope{e.Scope}})
			default:
				c.direct[from] = append(c.direct[from], id)
				c.entries[from].Implies = append(c.entries[from].Implies, to)
			}
		}
	}
	var name []byte // a rule's target, reused
	for from, e := range c.entries {
		slices.SortFunc(c.entries[from].Implies, compareScopes)
		c.entries[from].Implies = slices.Compact(c.entries[from].Implies)
		for _, r := range rules {
			var ok bool
			if name, ok = r.appendTarget(name[:0], e.Scope); ok {
				if id, known := c.ids[string(name)]; known {
					c.direct[from] = append(c.direct[from], id)
				}
			}
		}
		slices.Sort(c.direct[from])
		c.direct[from] = slices.Compact(c.direct[from])
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	order, cycle := c.topoOrder()
	if cycle != nil {
		return nil, &EntryError{Index: first[cycle.Path[0]] - 1, Scope: cycle.Path[0], Err: cycle}
	}
	if err := c.closures(order); err != nil {
		return nil, err
	}
	return c, nil
}

func checkDescription(d string) error {
	switch {
	case strings.TrimSpace(d) == "":
		return fmt.Errorf("%w: description is empty", ErrDescription)
	case len(d) > MaxDescription:
		return fmt.Errorf("%w: description is longer than %d bytes", ErrDescription, MaxDescription)
	case !utf8.ValidString(d):
		return fmt.Errorf("%w: description is not valid UTF-8", ErrDescription)
	case strings.ContainsFunc(d, func(r rune) bool { return r != ' ' && (unicode.IsControl(r) || unicode.IsSpace(r)) }):
		return fmt.Errorf("%w: description must be one line without tabs or control characters", ErrDescription)
	}
	return nil
}

// topoOrder returns the scope ids so that every scope comes after all the
// scopes it implies, or the first cycle found.
func (c *Catalog) topoOrder() ([]int, *CycleError) {
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, len(c.entries))
	order := make([]int, 0, len(c.entries))
	type frame struct{ id, next int }
	var stack []frame
	for root := range c.entries {
		if state[root] != unseen {
			continue
		}
		stack = append(stack[:0], frame{id: root})
		state[root] = active
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(c.direct[top.id]) {
				state[top.id] = done
				order = append(order, top.id)
				stack = stack[:len(stack)-1]
				continue
			}
			child := c.direct[top.id][top.next]
			top.next++
			switch state[child] {
			case unseen:
				state[child] = active
				stack = append(stack, frame{id: child})
			case active:
				var path []Scope
				for i := len(stack) - 1; i >= 0; i-- {
					path = append(path, c.entries[stack[i].id].Scope)
					if stack[i].id == child {
						break
					}
				}
				slices.Reverse(path)
				return nil, &CycleError{Path: path}
			}
		}
	}
	return order, nil
}

// closures fills c.down, visiting scopes in topological order, and its
// transpose c.up. A scope's list is itself and the union of the lists of
// its direct implications, so the work is the implications counted through
// each direct one: it fails with ErrTooLarge when that passes
// MaxImplications.
func (c *Catalog) closures(order []int) error {
	n := len(c.entries)
	c.words = (n + 63) / 64
	pos := make([]int32, n) // each scope's place in order
	for i, id := range order {
		pos[id] = int32(i)
	}
	// mark[x] == id+1 when x is already in id's list.
	mark := make([]int32, n)
	c.down.at = make([]bounds, n)
	var children []int
	var list []int32
	work := 0
	for _, id := range order {
		stamp := int32(id + 1)
		// The latest in order first: a child that another child implies
		// comes before it in order, so it is already marked and skipped,
		// with everything it implies.
		children = append(children[:0], c.direct[id]...)
		slices.SortFunc(children, func(a, b int) int { return int(pos[b] - pos[a]) })
		list = append(list[:0], int32(id))
		mark[id] = stamp
		for _, child := range children {
			if mark[child] == stamp {
				continue
			}
			implied := c.down.of(child) // child itself included
			if work += len(implied); work > MaxImplications {
				return fmt.Errorf("%w: more than MaxImplications (%d) implications once those of %s are counted (a chain of n scopes holds n(n-1)/2)",
					ErrTooLarge, MaxImplications, c.entries[id].Scope)
			}
			for _, x := range implied {
				if mark[x] != stamp {
					mark[x] = stamp
					list = append(list, x)
				}
			}
		}
		slices.Sort(list)
		lo := int32(len(c.down.ids))
		c.down.ids = append(c.down.ids, list...)
		c.down.at[id] = bounds{lo, int32(len(c.down.ids))}
	}
	c.down.ids = slices.Clip(c.down.ids)

	// up is what Accept needs: the scopes that satisfy an endpoint are
	// the union of the up lists of the scopes it accepts. Filled in id
	// order, each list comes out sorted.
	c.up.at = make([]bounds, n)
	for _, x := range c.down.ids {
		c.up.at[x].hi++
	}
	next := int32(0)
	for x, count := range c.up.at {
		c.up.at[x] = bounds{next, next}
		next += count.hi
	}
	c.up.ids = make([]int32, len(c.down.ids))
	for id := range n {
		for _, x := range c.down.of(id) {
			c.up.ids[c.up.at[x].hi] = int32(id)
			c.up.at[x].hi++
		}
	}
	return nil
}

// emptyCatalog is what a nil *Catalog stands for: the zero Catalog, which
// knows no scope.
var emptyCatalog Catalog

// orEmpty returns c, or the empty catalog when c is nil, so that a nil
// *Catalog answers as the zero Catalog does.
func (c *Catalog) orEmpty() *Catalog {
	if c == nil {
		return &emptyCatalog
	}
	return c
}

// Len returns the number of scopes in c.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.entries)
}

// Rules returns the convention rules c was built with.
func (c *Catalog) Rules() []Rule {
	if c == nil {
		return nil
	}
	return slices.Clone(c.rules)
}

// Contains reports whether c knows s.
func (c *Catalog) Contains(s Scope) bool {
	if c == nil {
		return false
	}
	_, ok := c.ids[s.name]
	return ok
}

// Lookup returns the entry for s. Its Implies lists every scope s implies
// directly, whether listed in the entry or added by a [Rule]; see
// [Catalog.Implied] for the transitive set.
func (c *Catalog) Lookup(s Scope) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	id, ok := c.ids[s.name]
	if !ok {
		return Entry{}, false
	}
	e := c.entries[id]
	e.Implies = make([]Scope, len(c.direct[id]))
	for i, to := range c.direct[id] {
		e.Implies[i] = c.entries[to].Scope
	}
	return e, true
}

// All returns an iterator over the catalog's entries in canonical order, as
// [Catalog.Lookup] returns them.
func (c *Catalog) All() iter.Seq[Entry] {
	c = c.orEmpty()
	return func(yield func(Entry) bool) {
		for _, e := range c.entries {
			full, _ := c.Lookup(e.Scope)
			if !yield(full) {
				return
			}
		}
	}
}

// Implies reports whether holding a grants b, directly or through a chain
// of implications. Every known scope implies itself; an unknown scope
// implies nothing, not even itself.
func (c *Catalog) Implies(a, b Scope) bool {
	c = c.orEmpty()
	ia, ok := c.ids[a.name]
	if !ok {
		return false
	}
	ib, ok := c.ids[b.name]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(c.down.of(ia), int32(ib))
	return found
}

// Implied returns every scope that s implies, transitively, not counting s
// itself. It is empty for an unknown scope.
func (c *Catalog) Implied(s Scope) Set {
	c = c.orEmpty()
	id, ok := c.ids[s.name]
	if !ok {
		return Set{}
	}
	implied := c.down.of(id)
	if len(implied) == 1 {
		return Set{} // s alone
	}
	out := make([]Scope, 0, len(implied)-1)
	for _, x := range implied {
		if int(x) != id {
			out = append(out, c.entries[x].Scope)
		}
	}
	return Set{scopes: out}
}

// Narrowest returns the narrowest scope of s, the least privilege: the one
// that implies the fewest other scopes, then one with an action before a
// bare one (users is read and write; users:manage says what it allows),
// then the first in canonical order. Scopes that c does not know are
// passed over; it reports false when s holds none that c knows.
func (c *Catalog) Narrowest(s Set) (Scope, bool) {
	c = c.orEmpty()
	var best Scope
	for _, sc := range s.scopes {
		if _, ok := c.ids[sc.name]; ok && (!best.IsValid() || c.compareBreadth(sc, best) < 0) {
			best = sc
		}
	}
	return best, best.IsValid()
}

// compareBreadth orders two known scopes from the narrowest, as Narrowest
// says.
func (c *Catalog) compareBreadth(a, b Scope) int {
	return c.compareBreadthIDs(c.ids[a.name], c.ids[b.name])
}

// compareBreadthIDs is compareBreadth for the scopes of two ids.
func (c *Catalog) compareBreadthIDs(a, b int) int {
	if d := len(c.down.of(a)) - len(c.down.of(b)); d != 0 {
		return d
	}
	if aBare, bBare := c.entries[a].Scope.IsBare(), c.entries[b].Scope.IsBare(); aBare != bBare {
		if bBare {
			return -1
		}
		return 1
	}
	return a - b // ids follow the canonical order
}

// Expand returns s with every scope its members imply, transitively: the
// access s really grants. Unknown scopes are kept as they are.
func (c *Catalog) Expand(s Set) Set {
	c = c.orEmpty()
	acc := make([]uint64, c.words)
	var unknown []Scope
	for _, sc := range s.scopes {
		id, ok := c.ids[sc.name]
		if !ok {
			unknown = append(unknown, sc)
			continue
		}
		c.down.set(acc, id)
	}
	return Set{scopes: c.members(acc)}.Union(Set{scopes: unknown})
}

// members lists the scopes whose bits are set in b, in canonical order.
func (c *Catalog) members(b []uint64) []Scope {
	var out []Scope
	for w, x := range b {
		for x != 0 {
			out = append(out, c.entries[w*64+bits.TrailingZeros64(x)].Scope)
			x &= x - 1
		}
	}
	return out
}

// A Redundancy reports a scope of a set that another scope of the same set
// implies.
type Redundancy struct {
	Scope     Scope
	ImpliedBy Scope
}

// Reduce returns the smallest subset of s that grants the same access, and
// the scopes it dropped with a scope that implies each: "users
// users:readonly" reduces to "users". Unknown scopes are kept.
func (c *Catalog) Reduce(s Set) (Set, []Redundancy) {
	c = c.orEmpty()
	var kept []Scope
	var dropped []Redundancy
	for _, sc := range s.scopes {
		var by Scope
		for _, other := range s.scopes {
			if other != sc && c.Implies(other, sc) {
				if !by.IsValid() || c.Implies(other, by) {
					by = other // prefer the broadest, which is never dropped itself
				}
			}
		}
		if by.IsValid() {
			dropped = append(dropped, Redundancy{Scope: sc, ImpliedBy: by})
		} else {
			kept = append(kept, sc)
		}
	}
	return Set{scopes: kept}, dropped
}

// Validate reports each scope of s that c does not know, as an
// [*UnknownError] with the closest known scopes (joined when there are
// several). It returns nil when c knows every scope of s.
func (c *Catalog) Validate(s Set) error {
	c = c.orEmpty()
	var errs []error
	for _, sc := range s.scopes {
		if _, ok := c.ids[sc.name]; !ok {
			errs = append(errs, &UnknownError{Scope: sc, Suggestions: c.Suggest(sc.name)})
			if len(errs) == maxErrors {
				break
			}
		}
	}
	return joinErrors(errs)
}

// Parse parses one scope and checks that c knows it. Syntax errors carry a
// suggestion checked against the catalog.
func (c *Catalog) Parse(s string) (Scope, error) {
	c = c.orEmpty()
	sc, err := Parse(s)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			c.refine(pe)
		}
		return Scope{}, err
	}
	if _, ok := c.ids[sc.name]; !ok {
		return Scope{}, &UnknownError{Scope: sc, Suggestions: c.Suggest(s)}
	}
	return sc, nil
}

// ParseSet parses a scope string like [ParseSet] and checks that c knows
// every scope in it. It reports syntax errors and unknown scopes together,
// each with a suggestion drawn from the catalog: "users :manage",
// "users-manage" and "Users:Manage" all suggest users:manage, and
// "conversation:view" suggests conversations:readonly.
func (c *Catalog) ParseSet(s string) (Set, error) {
	c = c.orEmpty()
	scopes, errs := parseSet(s)
	for _, err := range errs {
		if pe, ok := err.(*ParseError); ok {
			c.refine(pe)
		}
	}
	for _, sc := range scopes {
		if len(errs) == maxErrors {
			break
		}
		if _, ok := c.ids[sc.name]; !ok {
			errs = append(errs, c.unknownIn(s, sc))
		}
	}
	if err := joinErrors(errs); err != nil {
		return Set{}, err
	}
	return Set{scopes: scopes}, nil
}

// unknownIn returns the error for sc, a scope of the scope string s that c
// does not know. Besides the known scopes close to sc, it suggests joining
// sc to the scope next to it when c knows the result: a space typed for a
// colon, as in "users manage".
func (c *Catalog) unknownIn(s string, sc Scope) *UnknownError {
	e := &UnknownError{Scope: sc, Suggestions: c.Suggest(sc.name)}
	tokens := strings.Split(s, " ")
	i := slices.Index(tokens, sc.name)
	var joined []Scope
	if i > 0 {
		joined = append(joined, Scope{name: tokens[i-1] + ":" + sc.name})
	}
	if i >= 0 && i+1 < len(tokens) {
		joined = append(joined, Scope{name: sc.name + ":" + tokens[i+1]})
	}
	for _, j := range joined {
		if c.Contains(j) && !slices.Contains(e.Suggestions, j) {
			e.Suggestions = append([]Scope{j}, e.Suggestions...)
		}
	}
	e.Suggestions = e.Suggestions[:min(len(e.Suggestions), maxSuggestions)]
	return e
}

// refine replaces a syntax error's suggestion with a scope the catalog
// knows, or drops it when the catalog knows nothing close. Suggestions that
// rewrite a whole scope string (for whitespace or commas) are left alone;
// the catalog checks their scopes once the string is corrected.
func (c *Catalog) refine(pe *ParseError) {
	if strings.Contains(pe.Suggestion, " ") || pe.Err == ErrDuplicate {
		return
	}
	if pe.Suggestion != "" && c.Contains(Scope{name: pe.Suggestion}) {
		return
	}
	text := pe.Suggestion
	if text == "" {
		text = tokenAt(pe.Input, pe.Offset)
	}
	pe.Suggestion = ""
	if best := c.Suggest(text); len(best) > 0 {
		pe.Suggestion = best[0].name
	}
}

// tokenAt returns the space-delimited token of s that contains offset.
func tokenAt(s string, offset int) string {
	offset = min(max(offset, 0), len(s))
	start := strings.LastIndexByte(s[:offset], ' ') + 1
	end := strings.IndexByte(s[offset:], ' ')
	if end < 0 {
		return s[start:]
	}
	return s[start : offset+end]
}

type catalogJSON struct {
	Rules  []Rule  `json:"rules,omitempty"`
	Scopes []Entry `json:"scopes"`
}

// ParseCatalogJSON builds a catalog from JSON of the form
//
//	{
//	  "rules":  [{"action": "manage", "implies": "readonly"}],
//	  "scopes": [{"scope": "users:manage", "description": "Create, update and delete users",
//	              "implies": ["users:readonly"]}, ...]
//	}
//
// Unknown fields and trailing data are errors; the catalog is then checked
// as [NewCatalog] does.
func ParseCatalogJSON(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc catalogJSON
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("scope: reading catalog JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("scope: reading catalog JSON: data after the catalog object")
	}
	if doc.Scopes == nil {
		return nil, fmt.Errorf("%w: catalog JSON has no \"scopes\" list", ErrEmpty)
	}
	return NewCatalog(doc.Scopes, doc.Rules...)
}

// MarshalJSON writes the catalog in the form [ParseCatalogJSON] reads: its
// rules, and its entries in canonical order with their listed implications
// (not those the rules add). A nil catalog writes null, as encoding/json
// does for a nil pointer.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return json.Marshal(catalogJSON{Rules: c.rules, Scopes: c.entries})
}
