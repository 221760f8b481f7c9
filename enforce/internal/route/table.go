package route

import (
	"math/bits"
	"strings"
)

// A node is a position in a method's trie of path templates.
type node struct {
	statics []child  // children by static text, in insertion order
	index   []uint32 // open-addressing table over statics (1 + position; 0 is empty), when there are many
	param   *node    // the child for any parameter
	parent  *node    // nil at the root
	chain   *chain   // a shortcut over single static children, or nil
	ep      int32    // 1 + the number of the endpoint whose template ends here; 0 when none
}

// A chain is a shortcut from a node over static children that are each
// the only child of their parent (radix compression): /api/v2 in a table
// where every template starts so. Its key is the segments' texts joined
// by '/', with a '/' after them, compared as one child's key is; a path
// whose segments hold them as they are, unescaped, takes the shortcut,
// and any other takes the trie one node at a time. The nodes it passes
// have no parameter child, so no branch waits at them.
type chain struct {
	child          // the segments' texts, and the node at the end
	ends  []uint16 // where each segment ends, from the first's start
}

// relink works out n's chain: its only static child, and on through
// children with no parameter child and one static child each, at least
// two segments in all.
func (n *node) relink() {
	n.chain = nil
	if len(n.statics) != 1 {
		return
	}
	c := &n.statics[0]
	text, ends, to := c.text, []uint16{uint16(len(c.text))}, c.n
	for to.param == nil && len(to.statics) == 1 && len(ends) < MaxSegments {
		c = &to.statics[0]
		text += "/" + c.text
		ends = append(ends, uint16(len(text)))
		to = c.n
	}
	if len(ends) > 1 {
		n.chain = &chain{child: newChild(text, to), ends: ends}
	}
}

// A child is a static child of a node: its text, and its key (see
// wordAt): the first word and the mask of its bytes, and the next words
// of a text of 8 bytes or more, the last one padded with zeros.
type child struct {
	w0, m0 uint64
	n      *node
	text   string
	more   []uint64
	hash   uint64 // of the key, for the index
}

func newChild(text string, n *node) child {
	w0, m0, more := keyOf(text)
	return child{w0: w0, m0: m0, n: n, text: text, more: more, hash: hashKey(text)}
}

// atMore reports whether the words of the key after the first are those
// of the segment of path at p.
func (c *child) atMore(path string, p int) bool {
	if len(path)-p < len(c.text) {
		return false
	}
	for k, x := range c.more {
		q := p + 8*(k+1)
		y := wordAt(path, q)
		if k == len(c.more)-1 {
			y &= keyMask(len(c.text) + 1 - 8*(k+1))
		}
		if y != x {
			return false
		}
	}
	return true
}

// maxStaticScan is how many static children a node scans in turn before
// it indexes them by the hash of their keys.
const maxStaticScan = 8

// A Table finds endpoints, numbered by the caller, by method and path. The
// zero Table is empty and ready to use. A Table is safe for concurrent
// lookups once it is no longer added to.
type Table struct {
	methods []string           // the methods, in order of first use
	byName  map[string]int     // method → index, when there are more than maxMethodScan
	roots   []*node            // by method
	byPath  []map[string]int32 // by method: exact template → 1 + endpoint
	shapes  []map[string]int32 // by method: shape → 1 + endpoint, for conflicts
	routes  routeIndex         // every endpoint's route, as routers report it
}

// A routeIndex finds an endpoint by its route, "GET /api/v2/users/{userId}",
// exactly as Endpoint.Route writes it and a router reports the pattern it
// matched: one hash of the whole string and, almost always, one compare.
// Patterns written otherwise (other parameter names, a host, no method)
// take the slower way through the trie.
type routeIndex struct {
	entries []routeEntry
	slots   []uint32 // open addressing over entries: 1 + position; 0 is empty
}

type routeEntry struct {
	hash   uint64
	route  string
	method string
	ep     int32
}

// add indexes route, of method, for endpoint ep. The slots stay at most
// half full: they are rebuilt twice as large when an entry would fill
// them past that.
func (x *routeIndex) add(route, method string, ep int32) {
	x.entries = append(x.entries, routeEntry{hashRoute(route), route, method, ep})
	if 2*len(x.entries) > len(x.slots) {
		size := 16
		for size < 4*len(x.entries) {
			size *= 2
		}
		x.slots = make([]uint32, size)
		for i := range x.entries {
			x.slot(i)
		}
		return
	}
	x.slot(len(x.entries) - 1)
}

func (x *routeIndex) slot(i int) {
	mask := uint64(len(x.slots) - 1)
	for j := x.entries[i].hash & mask; ; j = (j + 1) & mask {
		if x.slots[j] == 0 {
			x.slots[j] = uint32(i + 1)
			return
		}
	}
}

// find returns the entry of route, or nil.
func (x *routeIndex) find(route string) *routeEntry {
	if len(x.slots) == 0 {
		return nil
	}
	h := hashRoute(route)
	mask := uint64(len(x.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		k := x.slots[j]
		if k == 0 {
			return nil
		}
		if e := &x.entries[k-1]; e.hash == h && e.route == route {
			return e
		}
	}
}

// maxMethodScan is how many methods a router scans in turn before it
// looks them up in a map: a table may have any number.
const maxMethodScan = 8

// method returns the index of method m, or -1.
func (r *Table) method(m string) int {
	if r.byName != nil {
		if i, ok := r.byName[m]; ok {
			return i
		}
		return -1
	}
	for i, x := range r.methods {
		if x == m {
			return i
		}
	}
	return -1
}

// Add inserts endpoint id, a number from 0 to 2³¹-2, with its method,
// path template and the template's segments. If an endpoint with the same
// method and shape is there already, it inserts nothing and returns that
// one's number; else it returns -1.
func (r *Table) Add(method, path string, segs []Segment, id int) int {
	mi := r.method(method)
	if mi < 0 {
		r.methods = append(r.methods, method)
		r.roots = append(r.roots, &node{})
		r.byPath = append(r.byPath, map[string]int32{})
		r.shapes = append(r.shapes, map[string]int32{})
		mi = len(r.methods) - 1
		if r.byName == nil && len(r.methods) > maxMethodScan {
			r.byName = make(map[string]int, 2*len(r.methods))
			for i, x := range r.methods[:mi] {
				r.byName[x] = i
			}
		}
		if r.byName != nil {
			r.byName[method] = mi
		}
	}
	sh := Shape(segs)
	if other := r.shapes[mi][sh]; other != 0 {
		return int(other) - 1
	}
	r.shapes[mi][sh] = int32(id) + 1
	r.byPath[mi][path] = int32(id) + 1
	// The route as Endpoint.Route writes it: the root is "/{$}", "/"
	// being a router's catch-all.
	rt := method + " " + path
	if path == "/" {
		rt = method + " /{$}"
	}
	r.routes.add(rt, method, int32(id))
	n := r.roots[mi]
	for _, s := range segs {
		if s.Param {
			if n.param == nil {
				n.param = &node{parent: n}
			}
			n = n.param
			continue
		}
		next := n.staticText(s.Text)
		if next == nil {
			next = &node{parent: n}
			n.statics = append(n.statics, newChild(s.Text, next))
			n.indexLast()
		}
		n = next
	}
	n.ep = int32(id) + 1
	// The chains through the nodes of this template may have changed.
	for x := n; x != nil; x = x.parent {
		x.relink()
	}
	return -1
}

// indexLast indexes the static child just added, once there are more
// than maxStaticScan. The index stays at most a quarter full: when a
// child would fill it past that, it is rebuilt large enough, so that adding k
// children costs time and memory in proportion to k, not k². Its entries
// are 32 bits wide: no node can have as many children as they number.
func (n *node) indexLast() {
	switch k := len(n.statics); {
	case k <= maxStaticScan:
	case 4*k > len(n.index):
		n.reindex()
	default:
		n.insert(k - 1)
	}
}

// reindex rebuilds the hash index of the static children, at most a
// quarter full: a lookup then probes one slot or two, whatever the seed
// (half full, the chains' length varied with it by several probes).
func (n *node) reindex() {
	size := 32
	for size < 4*len(n.statics) {
		size *= 2
	}
	n.index = make([]uint32, size)
	for i := range n.statics {
		n.insert(i)
	}
}

func (n *node) insert(i int) {
	mask := uint64(len(n.index) - 1)
	for j := n.statics[i].hash & mask; ; j = (j + 1) & mask {
		if n.index[j] == 0 {
			n.index[j] = uint32(i + 1)
			return
		}
	}
}

// staticText returns the child whose text is text, or nil.
func (n *node) staticText(text string) *node {
	if n.index == nil {
		for i := range n.statics {
			if c := &n.statics[i]; c.text == text {
				return c.n
			}
		}
		return nil
	}
	h := hashKey(text)
	mask := uint64(len(n.index) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		k := n.index[j]
		if k == 0 {
			return nil
		}
		if c := &n.statics[k-1]; c.hash == h && c.text == text {
			return c.n
		}
	}
}

// indexed returns the child for the segment of path at p, as it is, and
// where the segment ends, when n indexes its static children; nil if
// there is none. An escaped segment is never one: see staticDecoded.
func (n *node) indexed(path string, p int) (*node, int) {
	w := wordAt(path, p)
	mask := uint64(len(n.index) - 1)
	if k := slashIn(w); k < 8 {
		// A key of one word: the hash and the compare need no more.
		w &= keyMask(k + 1)
		h := mix(keySeed, w)
		for j := h & mask; ; j = (j + 1) & mask {
			x := n.index[j]
			if x == 0 {
				return nil, 0
			}
			if c := &n.statics[x-1]; c.hash == h && c.w0 == w && c.more == nil {
				return c.n, p + k
			}
		}
	}
	e, h := hashSegment(path, p)
	for j := h & mask; ; j = (j + 1) & mask {
		x := n.index[j]
		if x == 0 {
			return nil, 0
		}
		if c := &n.statics[x-1]; c.hash == h && c.text == path[p:e] {
			return c.n, e
		}
	}
}

// staticDecoded returns the child for seg, an escaped segment whose
// escapes are valid, compared after decoding, or nil.
func (n *node) staticDecoded(seg string) *node {
	if n.index == nil {
		for i := range n.statics {
			if c := &n.statics[i]; equalDecoded(seg, c.text) {
				return c.n
			}
		}
		return nil
	}
	h := hashDecoded(seg)
	mask := uint64(len(n.index) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		k := n.index[j]
		if k == 0 {
			return nil
		}
		if c := &n.statics[k-1]; c.hash == h && equalDecoded(seg, c.text) {
			return c.n
		}
	}
}

// match walks the trie from n for an escaped path, from the segment at
// p on, recording the segments in s: a static child first, then the
// parameter child, backtracking when a branch dead-ends. So of two
// templates that both match, the one with a static segment at the first
// position where they differ wins.
//
// The path is checked as it is walked, by the rules of Split: a segment
// that is a static child's text, as it is, needs no check (the template
// holds only path characters, and no '%'); a segment becomes a
// parameter, or is decoded to be compared, only once its bytes are
// checked. A path that Split refuses has a segment that no branch can
// take, so it matches nothing, as it would split.
func (n *node) match(path string, s *Segments) int {
	// Depth first, without recursion: where both a static child and the
	// parameter child fit, the parameter child waits, to be tried when
	// the static branch dead-ends; the node it waits at is an ancestor of
	// the dead end. No node is deeper than MaxSegments (ParseTemplate), so
	// a path with more segments dead-ends there.
	var pending uint32 // the segments whose node's parameter child waits
	s.end[0] = 0
	i, p := 0, 1 // segment i starts at p, at node n
walk:
	for {
		if p > len(path) { // no segment left
			if n.ep != 0 {
				s.n = i
				return int(n.ep) - 1
			}
		} else {
			// A static child, the segment as it is.
			if n.index != nil {
				if next, e := n.indexed(path, p); next != nil {
					if n.param != nil {
						pending |= 1 << i
					}
					i, n, p = i+1, next, e+1
					s.end[i] = uint16(e)
					continue
				}
			} else if statics := n.statics; len(statics) > 0 {
				// A few children: the word of the path at p against each
				// key, inline.
				var w uint64
				if p+8 <= len(path) {
					w = load64(path, p)
				} else {
					w = tailAt(path, p)
				}
				if c := n.chain; c != nil && w&c.m0 == c.w0 && (c.more == nil || c.atMore(path, p)) {
					if n.param != nil {
						pending |= 1 << i
					}
					for _, e := range c.ends {
						i++
						s.end[i] = uint16(p) + e
					}
					n, p = c.n, p+len(c.text)+1
					continue
				}
				for k := range statics {
					if c := &statics[k]; w&c.m0 == c.w0 && (c.more == nil || c.atMore(path, p)) {
						if n.param != nil {
							pending |= 1 << i
						}
						e := p + len(c.text)
						i, n, p = i+1, c.n, e+1
						s.end[i] = uint16(e)
						continue walk
					}
				}
			}
			// Not a static child's text as it is: check it by the rules
			// of Split, then try it decoded, or as a parameter.
			e, class := scanSegment(path, p)
			var next *node
			switch {
			case class&badByte != 0 || !plainSegment(path, p, e):
			case class&escapeByte != 0:
				s.escaped |= 1 << uint(i) // see Segments.Escaped
				var static bool
				if next, static = n.decoded(path[p:e]); static && n.param != nil {
					pending |= 1 << i
				}
			default:
				next = n.param
			}
			if next != nil {
				i, n, p = i+1, next, e+1
				s.end[i] = uint16(e)
				continue
			}
		}
		if pending == 0 {
			return -1
		}
		k := 31 - bits.LeadingZeros32(pending) // the deepest
		pending &^= 1 << k
		for ; i > k; i-- {
			n = n.parent
		}
		n, i, p = n.param, k+1, int(s.end[k+1])+1
	}
}

// decoded returns the child an escaped segment, without bad bytes, leads
// to, and whether it is a static one: the static child whose text it
// decodes to, else the parameter child; nil if its escapes are malformed
// or it is not clean once decoded (see Split), or n has neither child.
func (n *node) decoded(seg string) (next *node, static bool) {
	if !validEscapes(seg) || !clean(seg) {
		return nil, false
	}
	if len(n.statics) > 0 {
		if next := n.staticDecoded(seg); next != nil {
			return next, true
		}
	}
	return n.param, false
}

// LookupPath returns the number of the endpoint for method and an escaped
// request path, split into s, or -1. HEAD falls back to GET, as in
// net/http.
func (r *Table) LookupPath(method, path string, s *Segments) int {
	s.path, s.n, s.filled, s.ok, s.escaped = path, 0, false, false, 0
	if path == "" || path[0] != '/' || len(path) > MaxPathLen {
		return -1
	}
	ep := -1
	if mi := r.method(method); mi >= 0 {
		if len(path) > 1 {
			ep = r.roots[mi].match(path, s) // lookup, without a call more
		} else {
			ep = r.roots[mi].lookup(path, s)
		}
	}
	if ep < 0 && method == "HEAD" {
		if mi := r.method("GET"); mi >= 0 {
			ep = r.roots[mi].lookup(path, s)
		}
	}
	// A match checked every segment: the path splits as it was walked.
	s.filled, s.ok = ep >= 0, ep >= 0
	return ep
}

// lookup matches a path that starts with '/' from the root n.
func (n *node) lookup(path string, s *Segments) int {
	if path == "/" { // no segment
		s.end[0], s.n = 0, 0
		return int(n.ep) - 1
	}
	return n.match(path, s)
}

// LookupPattern returns the number of the endpoint for a pattern a router matched, in
// the syntax of Go's http.ServeMux: "[METHOD ][HOST]/PATH", the method
// followed by spaces or tabs. A pattern with a method names the endpoint
// for that method, which must be the request's: a router dispatches a
// request only to a pattern of its method, or to a GET pattern for HEAD,
// so a pattern of another method matches nothing. One without a method
// uses the request's. The host is ignored. Parameter names need not be
// the table's: {id} matches {userId}. Subtree patterns (a trailing '/',
// "/" included: it matches every path), {name...} wildcards and {$} on
// anything but the root match nothing; the root endpoint's pattern is
// "/{$}".
func (r *Table) LookupPattern(method, pattern string) int {
	ep, _ := r.LookupRoute(method, pattern)
	return ep
}

// LookupRoute is LookupPattern, and reports whether the pattern is the
// endpoint's route exactly, as Endpoint.Route writes it: its parameters
// then have the table's names.
func (r *Table) LookupRoute(method, pattern string) (ep int, exact bool) {
	if e := r.routes.find(pattern); e != nil {
		if e.method == method || e.method == "GET" && method == "HEAD" {
			return int(e.ep), true
		}
		return -1, false
	}
	return r.lookupPattern(method, pattern), false
}

// lookupPattern is LookupPattern for a pattern that is not a route of the
// table as Endpoint.Route writes it.
func (r *Table) lookupPattern(method, pattern string) int {
	if i := methodEnd(pattern); i >= 0 {
		m := pattern[:i]
		if m != method && (m != "GET" || method != "HEAD") {
			return -1
		}
		method, pattern = m, strings.TrimLeft(pattern[i+1:], " \t")
	}
	slash := strings.IndexByte(pattern, '/')
	if slash < 0 {
		return -1
	}
	path := pattern[slash:]
	switch path {
	case "/":
		return -1 // the catch-all subtree, not the root endpoint
	case "/{$}":
		path = "/"
	}
	if ep := r.patternIn(r.method(method), path); ep >= 0 {
		return ep
	}
	if method == "HEAD" {
		return r.patternIn(r.method("GET"), path)
	}
	return -1
}

// methodEnd returns where the method of a pattern ends, at the space or
// tab after it, or -1 when the pattern has no method: a blank before the
// first '/' (IndexAny would build a byte set on every call).
func methodEnd(pattern string) int {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case ' ', '\t':
			return i
		case '/':
			return -1
		}
	}
	return -1
}

// patternIn returns the number of the endpoint of method index mi (none if negative), or -1,
// whose template has the shape of the pattern's path.
func (r *Table) patternIn(mi int, path string) int {
	if mi < 0 {
		return -1
	}
	if ep := r.byPath[mi][path]; ep != 0 {
		return int(ep) - 1
	}
	// Same shape, other parameter names.
	if path == "/" {
		return int(r.roots[mi].ep) - 1
	}
	if path[len(path)-1] == '/' {
		return -1
	}
	n := r.roots[mi]
	for rest := path[1:]; n != nil; {
		seg, tail, more := strings.Cut(rest, "/")
		if _, ok := wildcard(seg); ok {
			n = n.param
		} else {
			n = n.staticText(seg)
		}
		if !more {
			break
		}
		rest = tail
	}
	if n == nil {
		return -1
	}
	return int(n.ep) - 1
}

// PatternParam returns the name of the wildcard at segment i of a pattern
// in the syntax of Go's http.ServeMux ("[METHOD ][HOST]/PATH"), and false
// if that segment is not a single-segment wildcard.
func PatternParam(pattern string, i int) (string, bool) {
	slash := strings.IndexByte(pattern, '/')
	if slash < 0 {
		return "", false
	}
	rest := pattern[slash+1:]
	for ; i > 0; i-- {
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "", false
		}
		rest = rest[j+1:]
	}
	seg, _, _ := strings.Cut(rest, "/")
	return wildcard(seg)
}

// wildcard returns the name of a single-segment wildcard of a router's
// pattern, and whether seg is one: exactly "{name}", with no other brace
// inside, and neither "{$}" nor a multi-segment "{name...}". A segment
// that mixes text and wildcards ("{id}.{format}", "x{id}") is not one, and
// matches no static segment of a template either: its pattern names no
// endpoint.
func wildcard(seg string) (string, bool) {
	if len(seg) < 3 || seg[0] != '{' || seg[len(seg)-1] != '}' {
		return "", false
	}
	name := seg[1 : len(seg)-1]
	if strings.ContainsAny(name, "{}") || strings.HasSuffix(name, "...") || name == "$" {
		return "", false
	}
	return name, true
}
