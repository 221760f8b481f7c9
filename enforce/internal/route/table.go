package route

import (
	"hash/maphash"
	"math/bits"
	"strings"
)

// A node is a position in a method's trie of path templates.
type node struct {
	statics []child  // children by static text, in insertion order
	index   []uint32 // open-addressing table over statics (1 + position; 0 is empty), when there are many
	param   *node    // the child for any parameter
	ep      int32    // 1 + the number of the endpoint whose template ends here; 0 when none
}

// A child is a static child of a node, with the hash of its text.
type child struct {
	hash uint32
	text string
	n    *node
}

// is reports whether seg, escaped or not, is the child's text. Most
// mismatches are settled by the length and the last byte, without a
// call to compare the bytes.
func (c *child) is(seg string, escaped bool) bool {
	if escaped {
		return equalDecoded(seg, c.text)
	}
	if len(c.text) != len(seg) || len(seg) == 0 || c.text[len(seg)-1] != seg[len(seg)-1] {
		return false
	}
	if len(seg) > 16 {
		return c.text == seg
	}
	// Short, the usual case: a loop beats a call to compare memory.
	for i := range len(seg) - 1 {
		if c.text[i] != seg[i] {
			return false
		}
	}
	return true
}

// maxStaticScan is how many static children a node scans in turn before
// it indexes them by hash.
const maxStaticScan = 8

// FNV-1a, 32 bits: a node with many static children finds the one for a
// segment with one probe of its index, whatever their number. The offset
// basis is random, made at start-up, so that no table can be built from
// names known in advance to collide.
//
// Package permission hashes its keys with hash/maphash instead. The
// router cannot: a request's segments may hold escapes, and FNV hashes
// the decoded bytes as they are decoded (hashDecoded), without building
// the decoded string; maphash hashes only whole strings.
var hashInit = uint32(maphash.String(maphash.MakeSeed(), "route")) | 1

const hashPrime uint32 = 16777619

func hashText(text string) uint32 {
	h := hashInit
	for i := 0; i < len(text); i++ {
		h = (h ^ uint32(text[i])) * hashPrime
	}
	return h
}

// hashDecoded returns the hash of the decoded text of an escaped segment
// whose escapes are valid.
func hashDecoded(seg string) uint32 {
	h := hashInit
	for i := 0; i < len(seg); {
		var c byte
		c, i = decodedAt(seg, i)
		h = (h ^ uint32(c)) * hashPrime
	}
	return h
}

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

// routeSeed seeds the route index's hash, made at start-up.
var routeSeed = maphash.MakeSeed()

// add indexes route, of method, for endpoint ep. The slots stay at most
// half full: they are rebuilt twice as large when an entry would fill
// them past that.
func (x *routeIndex) add(route, method string, ep int32) {
	x.entries = append(x.entries, routeEntry{maphash.String(routeSeed, route), route, method, ep})
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
	h := maphash.String(routeSeed, route)
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
				n.param = &node{}
			}
			n = n.param
			continue
		}
		next := n.static(s.Text, false)
		if next == nil {
			next = &node{}
			n.statics = append(n.statics, child{hashText(s.Text), s.Text, next})
			n.indexLast()
		}
		n = next
	}
	n.ep = int32(id) + 1
	return -1
}

// indexLast indexes the static child just added, once there are more
// than maxStaticScan. The index stays at most half full: when a child
// would fill it past that, it is rebuilt twice as large, so that adding k
// children costs time and memory in proportion to k, not k². Its entries
// are 32 bits wide: no node can have as many children as they number.
func (n *node) indexLast() {
	switch k := len(n.statics); {
	case k <= maxStaticScan:
	case 2*k > len(n.index):
		n.reindex()
	default:
		n.insert(k - 1)
	}
}

// reindex rebuilds the hash index of the static children, at most half
// full.
func (n *node) reindex() {
	size := 16
	for size < 2*len(n.statics) {
		size *= 2
	}
	n.index = make([]uint32, size)
	for i := range n.statics {
		n.insert(i)
	}
}

func (n *node) insert(i int) {
	mask := uint32(len(n.index) - 1)
	for j := n.statics[i].hash & mask; ; j = (j + 1) & mask {
		if n.index[j] == 0 {
			n.index[j] = uint32(i + 1)
			return
		}
	}
}

// static returns the child for segment seg, or nil. An escaped segment is
// compared after decoding.
func (n *node) static(seg string, escaped bool) *node {
	if n.index == nil {
		for i := range n.statics {
			if c := &n.statics[i]; c.is(seg, escaped) {
				return c.n
			}
		}
		return nil
	}
	var h uint32
	if escaped {
		h = hashDecoded(seg)
	} else {
		h = hashText(seg)
	}
	mask := uint32(len(n.index) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		k := n.index[j]
		if k == 0 {
			return nil
		}
		if c := &n.statics[k-1]; c.hash == h && c.is(seg, escaped) {
			return c.n
		}
	}
}

// match walks the trie from n for segments i.. of s: a static child
// first, then the parameter child, backtracking when a branch dead-ends.
// So of two templates that both match, the one with a static segment at
// the first position where they differ wins.
func (n *node) match(s *Segments) int {
	// Depth first, without recursion: where both a static child and the
	// parameter child fit, the parameter child waits on a stack, to be
	// tried when the static branch dead-ends.
	var alt [MaxSegments]*node // alt[k]: the parameter child to try for segment k
	var pending uint32         // the segments k with alt[k] waiting
	for i := 0; ; {
		if i == s.n {
			if n.ep != 0 {
				return int(n.ep) - 1
			}
		} else if next := n.static(s.Seg(i), s.escaped&(1<<i) != 0); next != nil {
			if n.param != nil {
				alt[i], pending = n.param, pending|1<<i
			}
			n, i = next, i+1
			continue
		} else if n.param != nil {
			n, i = n.param, i+1
			continue
		}
		if pending == 0 {
			return -1
		}
		k := 31 - bits.LeadingZeros32(pending) // the deepest
		pending &^= 1 << k
		n, i = alt[k], k+1
	}
}

// LookupPath returns the number of the endpoint for method and an escaped
// request path, split into s, or -1. HEAD falls back to GET, as in
// net/http.
func (r *Table) LookupPath(method, path string, s *Segments) int {
	if !Split(path, s) {
		return -1
	}
	if mi := r.method(method); mi >= 0 {
		if ep := r.roots[mi].match(s); ep >= 0 {
			return ep
		}
	}
	if method == "HEAD" {
		if mi := r.method("GET"); mi >= 0 {
			return r.roots[mi].match(s)
		}
	}
	return -1
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
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && !strings.HasSuffix(seg, "...}") && seg != "{$}" {
			n = n.param
		} else {
			n = n.static(seg, false)
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
	if len(seg) < 3 || seg[0] != '{' || seg[len(seg)-1] != '}' || strings.HasSuffix(seg, "...}") || seg == "{$}" {
		return "", false
	}
	return seg[1 : len(seg)-1], true
}
