package route

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// refTable is the rule a Table's path lookup implements, by brute force:
// a path matches the templates of its method (or GET's, for HEAD) with
// as many segments, whose static segments equal its decoded segments;
// of those, the one with a static segment at the first position where
// they differ wins. The path must split (Split).
type refTable struct {
	methods []string
	tmpls   [][]Segment
}

func (r *refTable) add(t *Table, method, path string) bool {
	segs, err := ParseTemplate(path)
	if err != nil {
		return false
	}
	if t.Add(method, path, segs, len(r.tmpls)) >= 0 {
		return false
	}
	r.methods = append(r.methods, method)
	r.tmpls = append(r.tmpls, segs)
	return true
}

func (r *refTable) lookup(method, path string) int {
	var s Segments
	if !Split(path, &s) {
		return -1
	}
	if ep := r.match(method, &s); ep >= 0 || method != "HEAD" {
		return ep
	}
	return r.match("GET", &s)
}

func (r *refTable) match(method string, s *Segments) int {
	best := -1
	for i, segs := range r.tmpls {
		if r.methods[i] != method || len(segs) != s.Len() || !r.fits(segs, s) {
			continue
		}
		if best < 0 || beats(segs, r.tmpls[best]) {
			best = i
		}
	}
	return best
}

func (r *refTable) fits(segs []Segment, s *Segments) bool {
	for k, seg := range segs {
		if !seg.Param && Decode(s.Seg(k)) != seg.Text {
			return false
		}
	}
	return true
}

// beats reports whether template a has a static segment where b has a
// parameter, at the first position where they differ in kind.
func beats(a, b []Segment) bool {
	for k := range a {
		if a[k].Param != b[k].Param {
			return !a[k].Param
		}
	}
	return false
}

// texts are static segments: short and long (one, two and three words
// with the slash after them), sharing prefixes, and the characters a
// template may hold.
var texts = []string{"a", "b", "ab", "abc", "users", "user", "me", "v2", "api",
	"abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq",
	"x.y", "~t", "a:b", "@", "+", "-", "t0", "t1", "t10", "a!$&'()*,;="}

// noise are request segments no template holds, escapes among them.
var noise = []string{"", ".", "..", "%2e", "%2E%2e", "%61", "%61b", "a%62", "%2F", "a%2Fb", "%zz", "%6", "a%", "%%",
	"x y", "\x00", "é", "a#b", "a?b", "%75sers", "abcdefgh%69", "%41bc", "u-1", "[x]", "%7E", "%2e%2e", "a%2F%2Fb"}

func randomTable(rng *rand.Rand, n int) (*Table, *refTable) {
	t, r := &Table{}, &refTable{}
	// A prefix most templates share makes chains of single children,
	// which the lookup takes as shortcuts.
	prefix := []string{"", "/api/v2", "/api/v2/abcdefgh", "/a/b/c/d/e/f"}[rng.IntN(4)]
	for len(r.tmpls) < n {
		depth := 1 + rng.IntN(5)
		var b strings.Builder
		if rng.IntN(10) > 0 {
			b.WriteString(prefix)
		}
		for k := range depth {
			if rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "/{p%d}", k)
			} else {
				b.WriteString("/" + texts[rng.IntN(len(texts))])
			}
		}
		method := []string{"GET", "GET", "POST", "HEAD"}[rng.IntN(4)]
		path := b.String()
		if rng.IntN(50) == 0 {
			path = "/"
		}
		r.add(t, method, path)
	}
	return t, r
}

func randomPath(rng *rand.Rand) string {
	depth := rng.IntN(7)
	var b strings.Builder
	for range depth {
		b.WriteByte('/')
		switch rng.IntN(10) {
		case 0, 1:
			b.WriteString(noise[rng.IntN(len(noise))])
		case 2:
			// A text escaped in part.
			text := texts[rng.IntN(len(texts))]
			i := rng.IntN(len(text))
			b.WriteString(text[:i] + fmt.Sprintf("%%%02X", text[i]) + text[i+1:])
		default:
			b.WriteString(texts[rng.IntN(len(texts))])
		}
	}
	switch rng.IntN(20) {
	case 0:
		return ""
	case 1:
		b.WriteByte('/')
	case 2:
		return strings.TrimPrefix(b.String(), "/")
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// pathOf returns a path for a random template of r: its static segments,
// escaped in part now and then, and texts or noise for its parameters.
func (r *refTable) pathOf(rng *rand.Rand) string {
	segs := r.tmpls[rng.IntN(len(r.tmpls))]
	if len(segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, seg := range segs {
		b.WriteByte('/')
		switch {
		case !seg.Param && rng.IntN(8) == 0:
			i := rng.IntN(len(seg.Text))
			b.WriteString(seg.Text[:i] + fmt.Sprintf("%%%02x", seg.Text[i]) + seg.Text[i+1:])
		case !seg.Param:
			b.WriteString(seg.Text)
		case rng.IntN(6) == 0:
			b.WriteString(noise[rng.IntN(len(noise))])
		default:
			b.WriteString(texts[rng.IntN(len(texts))])
		}
	}
	return b.String()
}

// TestLookupPathFollowsTheRules compares the lookup of random paths, in
// random tables, with the brute-force rule.
func TestLookupPathFollowsTheRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		table, ref := randomTable(rng, 1+rng.IntN(60))
		for k := range 1000 {
			path := randomPath(rng)
			if k%2 == 0 {
				path = ref.pathOf(rng)
			}
			for _, m := range []string{"GET", "HEAD", "POST"} {
				var s Segments
				got, want := table.LookupPath(m, path, &s), ref.lookup(m, path)
				if got != want {
					t.Fatalf("%s %q: got endpoint %d, want %d", m, path, got, want)
				}
				if got >= 0 {
					checkValues(t, path, &s)
				}
			}
		}
	}
}

// FuzzLookupPath compares the lookup of any path with the brute-force
// rule, in a table with many siblings (an indexed node) and overlapping
// templates.
func FuzzLookupPath(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	table, ref := randomTable(rng, 300)
	for range 50 {
		f.Add(randomPath(rng))
		f.Add(ref.pathOf(rng))
	}
	f.Fuzz(func(t *testing.T, path string) {
		var s Segments
		got, want := table.LookupPath("GET", path, &s), ref.lookup("GET", path)
		if got != want {
			t.Fatalf("%q: got endpoint %d, want %d", path, got, want)
		}
		if got >= 0 {
			checkValues(t, path, &s)
		}
	})
}

// checkValues checks the values of the segments a lookup matched: each
// is its segment decoded, and the same as Split's.
func checkValues(t *testing.T, path string, s *Segments) {
	t.Helper()
	var split Segments
	if !Split(path, &split) || split.Len() != s.Len() {
		t.Fatalf("%q: a matched path splits into %d segments, not %d", path, split.Len(), s.Len())
	}
	for i := range s.Len() {
		want := Decode(s.Seg(i))
		if got := s.Value(i); got != want {
			t.Fatalf("%q: segment %d's value after the lookup is %q, want %q", path, i, got, want)
		}
		if got := split.Value(i); got != want {
			t.Fatalf("%q: segment %d's value after Split is %q, want %q", path, i, got, want)
		}
	}
}
