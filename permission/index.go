package permission

import (
	"encoding/binary"
	"hash/maphash"
)

// seed hashes permission and division keys. Requirements and targets hash
// their keys when they are built and compiled accesses when they are
// compiled, so checks only compare precomputed hashes; one seed, made at
// start-up, makes the hashes agree. A random seed keeps the hash tables
// safe from inputs crafted to collide.
var seed = maphash.MakeSeed()

// index maps string keys, looked up by their precomputed hash, to dense
// numbers: open addressing with linear probing, at most half full.
type index struct {
	slots []slot // length a power of two
	keys  []string
	words []keyWords // keys[i]'s words
}

// keyWords are the first 24 bytes of a key, zero-padded, and its length:
// equal keyWords are equal keys when the keys are at most 24 bytes long,
// as permission keys mostly are, so a probe compares four words in line
// rather than calling a compare.
type keyWords struct {
	w0, w1, w2 uint64
	n          int
}

// wordsOf returns the keyWords of key.
func wordsOf(key string) keyWords {
	var b [24]byte
	copy(b[:], key)
	return keyWords{binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:]), len(key)}
}

// maxWordsKey is the longest key that keyWords tell apart alone.
const maxWordsKey = 24

type slot struct {
	hash uint64
	n    int32 // key number + 1; 0 marks an empty slot
	all  bool  // for policies: held in all divisions (kept here to save a load)
}

// newIndex returns an index sized for n keys.
func newIndex(n int) index {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return index{slots: make([]slot, size), keys: make([]string, 0, n), words: make([]keyWords, 0, n)}
}

// find returns the number of key, whose hash is h, or -1.
func (x *index) find(h uint64, key string) int {
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s.n == 0 {
			return -1
		}
		if s.hash == h && sameKey(x.keys[s.n-1], key) {
			return int(s.n - 1)
		}
	}
}

// add returns the number of key, adding it if it is new.
func (x *index) add(key string) int {
	h := hashKey(key)
	if n := x.find(h, key); n >= 0 {
		return n
	}
	if 2*(len(x.keys)+1) > len(x.slots) {
		x.grow()
	}
	x.keys = append(x.keys, key)
	x.words = append(x.words, wordsOf(key))
	x.place(slot{hash: h, n: int32(len(x.keys))})
	return len(x.keys) - 1
}

// place puts s in the first free slot of its chain.
func (x *index) place(s slot) {
	mask := uint64(len(x.slots) - 1)
	i := s.hash & mask
	for x.slots[i].n != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = s
}

func (x *index) grow() {
	old := x.slots
	x.slots = make([]slot, max(8, 2*len(old)))
	for _, s := range old {
		if s.n != 0 {
			x.place(s)
		}
	}
}

// sameKey reports whether keys a and b, whose hashes agree, are equal:
// those of 8 to 24 bytes, as permission and division keys mostly are,
// in two or three 8-byte words, without a call to compare memory.
func sameKey(a, b string) bool {
	n := len(a)
	switch {
	case n != len(b):
		return false
	case n < 8 || n > 24:
		return a == b
	case word(a, 0) != word(b, 0) || word(a, n-8) != word(b, n-8):
		return false
	}
	return n <= 16 || word(a, 8) == word(b, 8)
}

// word returns the 8 bytes of s from i, little-endian: one load.
func word(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// hashKey returns the hash of a permission or division key, for the
// package's indexes: the cache's keyed hash (hashID), a few multiplies
// for a short key where maphash.String's calls into the runtime cost
// more than the hashing, and as safe from keys crafted to collide, its
// keys coming from the package's random seed.
func hashKey(key string) uint64 {
	a, b := idWords(key)
	return hashID(0, key, a, b)
}
