package route

import (
	"hash/maphash"
	"math/bits"
)

// Keys. A static child is found by its key: its text and the '/' after
// it, as a request path holds a segment and the slash that ends it, the
// end of the path counting as a slash. A key is read in little-endian
// words of 8 bytes, the last one padded with zeros; so is a path, from
// where a segment starts, without splitting it first: one word holds
// most segments, slash included, and one compare under a mask tells a
// child's from any other (a shorter or longer segment has its slash
// elsewhere).

const (
	slashes  = 0x2f2f2f2f2f2f2f2f // '/' in every byte
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// wordAt returns the 8 bytes of path from q, as if the path ended with
// a '/' and then zeros: a word of the key of the segment at q.
func wordAt(path string, q int) uint64 {
	if q+8 <= len(path) {
		return load64(path, q)
	}
	return tailAt(path, q)
}

// load64 returns the 8 bytes of s from q, little-endian: one load.
func load64(s string, q int) uint64 {
	b := s[q : q+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// tailAt is wordAt for the last 7 bytes of a path, or fewer, and the
// slash after them.
func tailAt(path string, q int) uint64 {
	r := len(path) - q // 0 to 7 bytes left
	if r < 0 {
		return 0
	}
	var w uint64
	if len(path) >= 8 {
		w = load64(path, len(path)-8) >> (64 - 8*r) // r = 0 shifts all out
	} else {
		for i := r - 1; i >= 0; i-- {
			w = w<<8 | uint64(path[q+i])
		}
	}
	return w | '/'<<(8*r)
}

// slashIn returns the position of the first '/' in w, 0 to 7, or 8 if
// there is none.
func slashIn(w uint64) int {
	x := w ^ slashes
	// A zero byte of x, the lowest exactly; the ones above it may be
	// false.
	return bits.TrailingZeros64((x-lowBits)&^x&highBits) / 8
}

// keyMask returns the mask of the first n bytes of a word, n from 1 to 8.
func keyMask(n int) uint64 { return ^uint64(0) >> (64 - 8*n) }

// keySeed seeds the hash of keys, made at start-up, so that no table can
// be built from names known in advance to collide.
var keySeed = maphash.Comparable(maphash.MakeSeed(), 0) | 1

// mix folds a word of a key into its hash.
func mix(h, w uint64) uint64 {
	h = (h ^ w) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// keyOf returns the words of the key of text, which holds no '/'.
func keyOf(text string) (w0, m0 uint64, more []uint64) {
	key := text + "/"
	for q := 0; q < len(key); q += 8 {
		w := wordAt(key, q)
		if n := len(key) - q; n < 8 {
			w &= keyMask(n)
		}
		if q == 0 {
			w0, m0 = w, keyMask(min(len(key), 8))
		} else {
			more = append(more, w)
		}
	}
	return w0, m0, more
}

// hashKey returns the hash of the key of text, which holds no '/'.
func hashKey(text string) uint64 {
	w0, _, more := keyOf(text)
	h := mix(keySeed, w0)
	for _, w := range more {
		h = mix(h, w)
	}
	return h
}

// hashSegment returns the end of the segment of path at p, and the hash
// of its key, read as it is (see hashDecoded for escapes).
func hashSegment(path string, p int) (end int, h uint64) {
	h = keySeed
	for q := p; ; q += 8 {
		w := wordAt(path, q)
		if k := slashIn(w); k < 8 {
			return q + k, mix(h, w&keyMask(k+1))
		}
		h = mix(h, w)
	}
}

// hashDecoded returns the hash of the key of the decoded text of seg, an
// escaped segment whose escapes are valid: the same as hashKey's for
// that text.
func hashDecoded(seg string) uint64 {
	h, w, n := keySeed, uint64(0), 0
	add := func(c byte) {
		w |= uint64(c) << (8 * n)
		if n++; n == 8 {
			h, w, n = mix(h, w), 0, 0
		}
	}
	for i := 0; i < len(seg); {
		var c byte
		c, i = decodedAt(seg, i)
		add(c)
	}
	add('/')
	if n > 0 {
		h = mix(h, w)
	}
	return h
}

// routeKeys key hashRoute, made at start-up.
var routeKeys = func() (k [3]uint64) {
	seed := maphash.MakeSeed()
	for i := range k {
		k[i] = maphash.Comparable(seed, i)
	}
	return k
}()

// hashRoute returns the hash of a whole route, for the route index: 16
// bytes at a time folded in by one 64-by-64-bit multiply each (the
// runtime's own fallback hash does so), keyed with routeKeys, so that
// no set of routes can be made to collide without them. A route of 50
// bytes costs about a third of maphash.String's calls into the runtime.
func hashRoute(route string) uint64 {
	n := len(route)
	h := routeKeys[0] ^ uint64(n)
	for s := route; len(s) > 16; s = s[16:] {
		h = mulFold(load64(s, 0)^routeKeys[1], load64(s, 8)^h)
	}
	// The last 16 bytes, again, or all of a shorter route.
	var a, b uint64
	if n >= 16 {
		a, b = load64(route, n-16), load64(route, n-8)
	} else {
		for i := range n {
			if i < 8 {
				a |= uint64(route[i]) << (8 * i)
			} else {
				b |= uint64(route[i]) << (8 * (i - 8))
			}
		}
	}
	return mulFold(routeKeys[2]^uint64(n), mulFold(a^routeKeys[1], b^h))
}

// mulFold folds the 128-bit product of a and b to 64 bits.
func mulFold(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
