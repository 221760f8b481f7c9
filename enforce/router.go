package enforce

import (
	"math/bits"
	"strings"
)

// A node is a position in a method's trie of path templates.
type node struct {
	statics []child   // children by static text, in insertion order
	index   []uint32  // open-addressing table over statics (1 + position; 0 is empty), when there are many
	param   *node     // the child for any parameter
	ep      *endpoint // the endpoint whose template ends here
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
// segment with one probe of its index, whatever their number.
const (
	hashInit  uint32 = 2166136261
	hashPrime uint32 = 16777619
)

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

// router finds endpoints by method and path.
type router struct {
	methods []string               // the methods, in order of first use
	byName  map[string]int         // method → index, when there are more than maxMethodScan
	roots   []*node                // by method
	byPath  []map[string]*endpoint // by method: exact template → endpoint
	shapes  []map[string]*endpoint // by method: shape → endpoint, for conflicts
}

// maxMethodScan is how many methods a router scans in turn before it
// looks them up in a map: a table may have any number.
const maxMethodScan = 8

// method returns the index of method m, or -1.
func (r *router) method(m string) int {
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

// add inserts ep, or returns the endpoint with the same method and shape.
func (r *router) add(ep *endpoint) *endpoint {
	mi := r.method(ep.Method)
	if mi < 0 {
		r.methods = append(r.methods, ep.Method)
		r.roots = append(r.roots, &node{})
		r.byPath = append(r.byPath, map[string]*endpoint{})
		r.shapes = append(r.shapes, map[string]*endpoint{})
		mi = len(r.methods) - 1
		if r.byName == nil && len(r.methods) > maxMethodScan {
			r.byName = make(map[string]int, 2*len(r.methods))
			for i, x := range r.methods[:mi] {
				r.byName[x] = i
			}
		}
		if r.byName != nil {
			r.byName[ep.Method] = mi
		}
	}
	sh := shape(ep.segs)
	if other := r.shapes[mi][sh]; other != nil {
		return other
	}
	r.shapes[mi][sh] = ep
	r.byPath[mi][ep.Path] = ep
	n := r.roots[mi]
	for _, s := range ep.segs {
		if s.param {
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		next := n.static(s.text, false)
		if next == nil {
			next = &node{}
			n.statics = append(n.statics, child{hashText(s.text), s.text, next})
			n.indexLast()
		}
		n = next
	}
	n.ep = ep
	return nil
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

// MaxPathLen is the longest request path, in bytes, the enforcer
// matches; a longer one matches nothing.
const MaxPathLen = 1<<16 - 1

// segments is a request path split into segments, without allocating and
// without pointers: where each segment ends, and which segments hold
// escapes. Segment i is path[end[i]+1 : end[i+1]].
type segments struct {
	path    string
	n       int
	escaped uint32
	filled  bool // split has run on the request's path
	ok      bool // and found it well formed
	end     [MaxSegments + 1]uint16
}

// seg returns the raw (still escaped) text of segment i.
func (s *segments) seg(i int) string { return s.path[s.end[i]+1 : s.end[i+1]] }

// Byte classes of an escaped path.
const (
	badByte    = 1 // a byte an escaped path cannot hold
	escapeByte = 2 // '%'
)

// pathClass classifies the bytes of an escaped path: 0 for those it may
// hold (RFC 3986 pchar, '/', and '['/']' as net/url leaves them).
var pathClass = func() (t [256]byte) {
	for c := range t {
		if !isPathChar(byte(c)) && c != '/' && c != '[' && c != ']' {
			t[c] = badByte
		}
	}
	t['%'] = escapeByte
	return t
}()

// split splits an escaped request path by the rules the package documents:
// it must start with '/'; empty segments ("//"), a trailing slash, "." and
// ".." segments, the same brought in by escapes (%2E%2E, a%2F%2Fb, %2F),
// malformed escapes, bytes an escaped path cannot hold (spaces, control
// characters, non-ASCII), more than MaxSegments segments and more than
// MaxPathLen bytes match nothing. Escaped characters, %2F included, stay
// inside their segment.
func split(path string, s *segments) bool {
	s.filled = true
	s.ok = splitPath(path, s)
	return s.ok
}

func splitPath(path string, s *segments) bool {
	s.path, s.n, s.escaped = path, 0, 0
	if path == "" || path[0] != '/' || len(path) > MaxPathLen {
		return false
	}
	if path == "/" {
		return true
	}
	// One tight pass: the class of every byte, and where segments end,
	// each checked as it ends.
	var class byte
	n := 0
	s.end[0] = 0
	for i := 1; i < len(path); i++ {
		c := path[i]
		class |= pathClass[c]
		if c == '/' {
			if n == MaxSegments-1 || !plainSegment(path, int(s.end[n])+1, i) {
				return false
			}
			n++
			s.end[n] = uint16(i)
		}
	}
	if !plainSegment(path, int(s.end[n])+1, len(path)) || class&badByte != 0 {
		return false
	}
	n++
	s.end[n] = uint16(len(path))
	s.n = n
	if class&escapeByte != 0 {
		// Then the segments with escapes: well formed, and clean once
		// decoded.
		for i := range n {
			if seg := s.seg(i); strings.IndexByte(seg, '%') >= 0 {
				if !validEscapes(seg) || !clean(seg) {
					return false
				}
				s.escaped |= 1 << i
			}
		}
	}
	return true
}

// plainSegment reports whether path[start:end] is a segment before
// decoding: not empty, not "." and not "..".
func plainSegment(path string, start, end int) bool {
	switch end - start {
	case 0:
		return false
	case 1:
		return path[start] != '.'
	case 2:
		return path[start] != '.' || path[start+1] != '.'
	}
	return true
}

func validEscapes(seg string) bool {
	for i := 0; i < len(seg); i++ {
		if seg[i] == '%' {
			if i+2 >= len(seg) {
				return false
			}
			if _, ok := unhex(seg[i+1]); !ok {
				return false
			}
			if _, ok := unhex(seg[i+2]); !ok {
				return false
			}
			i += 2
		}
	}
	return true
}

// clean reports whether the escaped segment seg decodes to text that a
// cleaned path could hold: split at the slashes an escaped '/' (%2F)
// brings, every part is non-empty and neither "." nor "..". Routers such
// as http.ServeMux clean the decoded path (redirecting /a/%2F to /a) before
// they dispatch, so a segment that is not clean never reaches a handler.
func clean(seg string) bool {
	n, dots := 0, true
	for i := 0; i < len(seg); {
		var c byte
		c, i = decodedAt(seg, i)
		if c == '/' {
			if n == 0 || dots && n <= 2 {
				return false
			}
			n, dots = 0, true
			continue
		}
		n++
		dots = dots && c == '.'
	}
	return n > 0 && !(dots && n <= 2)
}

// decodedAt returns the byte that segment seg, whose escapes are valid,
// decodes to at i, and where the next one starts.
func decodedAt(seg string, i int) (byte, int) {
	if seg[i] != '%' {
		return seg[i], i + 1
	}
	hi, _ := unhex(seg[i+1])
	lo, _ := unhex(seg[i+2])
	return hi<<4 | lo, i + 3
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// equalDecoded reports whether the escaped segment seg decodes to text.
func equalDecoded(seg, text string) bool {
	j := 0
	for i := 0; i < len(seg); {
		var c byte
		c, i = decodedAt(seg, i)
		if j >= len(text) || text[j] != c {
			return false
		}
		j++
	}
	return j == len(text)
}

// decode returns the decoded value of a segment.
func decode(seg string) string {
	if strings.IndexByte(seg, '%') < 0 {
		return seg
	}
	b := make([]byte, 0, len(seg))
	for i := 0; i < len(seg); {
		var c byte
		c, i = decodedAt(seg, i)
		b = append(b, c)
	}
	return string(b)
}

// match walks the trie from n for segments i.. of s: a static child
// first, then the parameter child, backtracking when a branch dead-ends.
// So of two templates that both match, the one with a static segment at
// the first position where they differ wins.
func (n *node) match(s *segments) *endpoint {
	// Depth first, without recursion: where both a static child and the
	// parameter child fit, the parameter child waits on a stack, to be
	// tried when the static branch dead-ends.
	var alt [MaxSegments]*node // alt[k]: the parameter child to try for segment k
	var pending uint32         // the segments k with alt[k] waiting
	for i := 0; ; {
		if i == s.n {
			if n.ep != nil {
				return n.ep
			}
		} else if next := n.static(s.seg(i), s.escaped&(1<<i) != 0); next != nil {
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
			return nil
		}
		k := 31 - bits.LeadingZeros32(pending) // the deepest
		pending &^= 1 << k
		n, i = alt[k], k+1
	}
}

// lookupPath returns the endpoint for method and an escaped request path.
// HEAD falls back to GET, as in net/http.
func (r *router) lookupPath(method, path string, s *segments) *endpoint {
	if !split(path, s) {
		return nil
	}
	if mi := r.method(method); mi >= 0 {
		if ep := r.roots[mi].match(s); ep != nil {
			return ep
		}
	}
	if method == "HEAD" {
		if mi := r.method("GET"); mi >= 0 {
			return r.roots[mi].match(s)
		}
	}
	return nil
}

// lookupPattern returns the endpoint for a pattern a router matched, in
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
func (r *router) lookupPattern(method, pattern string) *endpoint {
	if i := methodEnd(pattern); i >= 0 {
		m := pattern[:i]
		if m != method && (m != "GET" || method != "HEAD") {
			return nil
		}
		method, pattern = m, strings.TrimLeft(pattern[i+1:], " \t")
	}
	slash := strings.IndexByte(pattern, '/')
	if slash < 0 {
		return nil
	}
	path := pattern[slash:]
	switch path {
	case "/":
		return nil // the catch-all subtree, not the root endpoint
	case "/{$}":
		path = "/"
	}
	if ep := r.patternIn(r.method(method), path); ep != nil {
		return ep
	}
	if method == "HEAD" {
		return r.patternIn(r.method("GET"), path)
	}
	return nil
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

// patternIn returns the endpoint of method index mi (none if negative)
// whose template has the shape of the pattern's path.
func (r *router) patternIn(mi int, path string) *endpoint {
	if mi < 0 {
		return nil
	}
	if ep := r.byPath[mi][path]; ep != nil {
		return ep
	}
	// Same shape, other parameter names.
	if path == "/" {
		return r.roots[mi].ep
	}
	if path[len(path)-1] == '/' {
		return nil
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
		return nil
	}
	return n.ep
}

// patternParam returns the name of the wildcard at segment i of a pattern
// in the syntax of Go's http.ServeMux ("[METHOD ][HOST]/PATH"), and false
// if that segment is not a single-segment wildcard.
func patternParam(pattern string, i int) (string, bool) {
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
