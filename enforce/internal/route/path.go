package route

import "strings"

// MaxPathLen is the longest request path, in bytes, the enforcer
// matches; a longer one matches nothing.
const MaxPathLen = 1<<16 - 1

// Segments is a request path split into segments, without allocating and
// without pointers: where each segment ends. Segment i is
// path[end[i]+1 : end[i+1]]. The zero Segments has not been split yet.
type Segments struct {
	path    string
	n       int
	filled  bool   // Split has run on the request's path, or a lookup matched it
	ok      bool   // and found it well formed
	escaped uint64 // bit i: segment i holds an escape ('%'); MaxSegments < 64
	end     [MaxSegments + 1]uint16
}

// Seg returns the raw (still escaped) text of segment i.
func (s *Segments) Seg(i int) string { return s.path[s.end[i]+1 : s.end[i+1]] }

// Value returns the decoded value of segment i.
func (s *Segments) Value(i int) string {
	if s.Escaped(i) {
		return Decode(s.Seg(i))
	}
	return s.Seg(i)
}

// Escaped reports whether segment i holds an escape ('%'): without one,
// as most segments, its value is its text (Seg), decoded already.
func (s *Segments) Escaped(i int) bool { return s.escaped&(1<<uint(i)) != 0 }

// Len returns the number of segments.
func (s *Segments) Len() int { return s.n }

// Split reports whether s holds a split path, and whether it was well
// formed: a path is split once, by whoever needs it first.
func (s *Segments) Split() (filled, ok bool) { return s.filled, s.ok }

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

// Split splits an escaped request path by the rules of the package doc:
// it must start with '/'; empty segments ("//"), a trailing slash, "." and
// ".." segments, the same brought in by escapes (%2E%2E, a%2F%2Fb, %2F),
// malformed escapes, bytes an escaped path cannot hold (spaces, control
// characters, non-ASCII), more than MaxSegments segments and more than
// MaxPathLen bytes match nothing. Escaped characters, %2F included, stay
// inside their segment.
func Split(path string, s *Segments) bool {
	s.filled = true
	s.ok = splitPath(path, s)
	return s.ok
}

func splitPath(path string, s *Segments) bool {
	s.path, s.n, s.escaped = path, 0, 0
	if path == "" || path[0] != '/' || len(path) > MaxPathLen {
		return false
	}
	if path == "/" {
		return true
	}
	// One tight pass: the class of every byte, and where segments end,
	// each checked as it ends. The inner loop runs to the next '/', so
	// that the common byte costs a load, a table lookup and a compare.
	var class byte
	n := 0
	s.end[0] = 0
	i := 1
	for {
		start := i
		for i < len(path) {
			c := path[i]
			if c == '/' {
				break
			}
			class |= pathClass[c]
			i++
		}
		if !plainSegment(path, start, i) {
			return false
		}
		if i == len(path) {
			break
		}
		if n == MaxSegments-1 {
			return false
		}
		n++
		s.end[n] = uint16(i)
		i++
	}
	if class&badByte != 0 {
		return false
	}
	n++
	s.end[n] = uint16(len(path))
	s.n = n
	if class&escapeByte != 0 {
		// Then the segments with escapes: well formed, and clean once
		// decoded.
		for i := range n {
			if seg := s.Seg(i); strings.IndexByte(seg, '%') >= 0 {
				if !validEscapes(seg) || !clean(seg) {
					return false
				}
				s.escaped |= 1 << uint(i)
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

// scanSegment returns where the segment of an escaped path at p ends,
// and the classes of its bytes.
func scanSegment(path string, p int) (end int, class byte) {
	seg, classes := path[p:], &pathClass
	i := 0
	for ; i < len(seg); i++ {
		c := seg[i]
		if c == '/' {
			break
		}
		class |= classes[c]
	}
	return p + i, class
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

// Decode returns the decoded value of a segment.
func Decode(seg string) string {
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
