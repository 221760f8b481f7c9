package permission

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// keys numbers the policy keys that requirements probe: each
// permission's own name and its three wildcard shapes. An ANY check is
// then the intersection of two bit sets over these numbers, the
// requirement's (sparse, a few words) and the access's (dense), so that
// its cost does not grow with the length of the list; an ALL check tests
// a bit per key, and finds a key held in some divisions by counting bits,
// with no hash probe and no compare of strings.
//
// The numbers are the package's only state beyond the hash seed. They
// grow only when a requirement names a key not seen before; compiling an
// access only looks keys up. At most maxKeys are numbered: past that a
// requirement is checked by hash probes, key by key, with the same
// answers.
var keys struct {
	sync.RWMutex
	ids map[string]uint32
}

// maxKeys bounds the numbered keys: 65,536 keys, bit sets of at most
// 24 KiB per compiled access: room for 16,384 distinct permissions,
// four keys each, in the requirements of one process.
const maxKeys = 1 << 16

// internKeys numbers ks, in order, adding those not seen before. ok is
// false, and ids meaningless, when the table is full.
func internKeys(ks []string) (ids []uint32, ok bool) {
	ids = make([]uint32, len(ks))
	keys.RLock()
	missing := 0
	for i, k := range ks {
		id, found := keys.ids[k]
		if !found {
			missing++
		}
		ids[i] = id
	}
	keys.RUnlock()
	if missing == 0 {
		return ids, true
	}
	keys.Lock()
	defer keys.Unlock()
	if keys.ids == nil {
		keys.ids = make(map[string]uint32)
	}
	for i, k := range ks {
		id, found := keys.ids[k]
		if !found {
			if len(keys.ids) >= maxKeys {
				return nil, false
			}
			id = uint32(len(keys.ids))
			keys.ids[k] = id
		}
		ids[i] = id
	}
	return ids, true
}

// keyBits is an access's side of the checks by number: which numbered
// keys it holds as a policy, somewhere and in all divisions, and where.
type keyBits struct {
	n     uint32     // how many keys were numbered when the access was compiled
	words []heldWord // bit id of word id/64: the key numbered id; up to the highest held
	local []int32    // the access's own number of each key held, in the order of the keys' numbers
}

// A heldWord is 64 numbered keys: those held as a policy, somewhere and
// in all divisions, and how many are held in the words before it, so
// that key id's own number is local[rank + the held bits below id]. One
// word's three parts sit together, for one bounds check and one load of
// memory.
type heldWord struct {
	held, all uint64
	rank      uint32
}

// lookupKeys fills the key bits of an access whose policy keys are ks,
// numbered by their place in ks, allAt[i] telling whether ks[i] is held
// in all divisions.
func lookupKeys(ks []string, allAt func(i int) bool) keyBits {
	keys.RLock()
	n := len(keys.ids)
	kb := keyBits{n: uint32(n)}
	if n == 0 {
		keys.RUnlock()
		return kb
	}
	type numbered struct{ id, local uint32 }
	found := make([]numbered, 0, len(ks))
	for i, k := range ks {
		if id, ok := keys.ids[k]; ok {
			found = append(found, numbered{id, uint32(i)})
		}
	}
	keys.RUnlock()
	// Words up to the highest key held, not the table's: requirements
	// built later, or from callers' input, do not make every access
	// larger. A key past the last word is not held.
	top := uint32(0)
	for _, f := range found {
		top = max(top, f.id/64+1)
	}
	kb.words = make([]heldWord, top)
	for _, f := range found {
		w := &kb.words[f.id/64]
		w.held |= 1 << (f.id % 64)
		if allAt(int(f.local)) {
			w.all |= 1 << (f.id % 64)
		}
	}
	slices.SortFunc(found, func(a, b numbered) int { return cmp.Compare(a.id, b.id) })
	kb.local = make([]int32, len(found))
	for i, f := range found {
		kb.local[i] = int32(f.local)
	}
	sum := 0
	for i := range kb.words {
		kb.words[i].rank = uint32(sum)
		sum += bits.OnesCount64(kb.words[i].held)
	}
	return kb
}

// numberProbes numbers the keys of probes, for an ALL check: nil when the
// numbers have run out.
func numberProbes(probes [][shapes]probe) (ids [][shapes]uint32, limit uint32) {
	ks := make([]string, 0, len(probes)*shapes)
	for i := range probes {
		for shape := range shapes {
			ks = append(ks, probes[i][shape].key)
		}
	}
	flat, ok := internKeys(ks)
	if !ok {
		return nil, 0
	}
	ids = make([][shapes]uint32, len(probes))
	for i := range ids {
		copy(ids[i][:], flat[i*shapes:])
		for _, id := range ids[i] {
			limit = max(limit, id+1)
		}
	}
	return ids, limit
}

// keyIndex is an ANY requirement's side: its probe keys' numbers as a
// sparse bit set, and for each bit the probe it stands for.
type keyIndex struct {
	words  []keyWord
	probes []uint16 // perm*shapes + shape, in the order of the bits
	limit  uint32   // the largest number + 1; 0 when the keys are not numbered
}

// A keyWord is one non-zero word of the sparse bit set: word w of the
// dense set, and where its bits' probes start in keyIndex.probes.
type keyWord struct {
	mask  uint64
	w     uint32
	first uint32
}

// newKeyIndex numbers the distinct probe keys of r, an ANY requirement.
func newKeyIndex(r *requirement) keyIndex {
	type ref struct {
		key string
		x   uint16
	}
	var refs []ref
	seen := make(map[string]bool, len(r.perms)*shapes)
	for i := range r.probes {
		n := shapes
		if r.perms[i].IsLegacy() {
			n = 1 // only the name itself grants a legacy permission
		}
		for shape := range n {
			k := r.probes[i][shape].key
			if !seen[k] {
				seen[k] = true
				refs = append(refs, ref{k, uint16(i*shapes + shape)})
			}
		}
	}
	ks := make([]string, len(refs))
	for i, rf := range refs {
		ks[i] = rf.key
	}
	ids, ok := internKeys(ks)
	if !ok {
		return keyIndex{}
	}
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(ids[a]) - int(ids[b]) })
	x := keyIndex{probes: make([]uint16, 0, len(refs))}
	for _, i := range order {
		id := ids[i]
		if len(x.words) == 0 || x.words[len(x.words)-1].w != id/64 {
			x.words = append(x.words, keyWord{w: id / 64, first: uint32(len(x.probes))})
		}
		x.words[len(x.words)-1].mask |= 1 << (id % 64)
		x.probes = append(x.probes, refs[i].x)
		x.limit = max(x.limit, id+1)
	}
	return x
}

// anyHeld reports whether a holds one of the permissions of r, an ANY
// requirement, where a grant counts (see [Access.grants]), and whether it
// could tell: it cannot when r or a was built without the key numbers
// that the other uses. It intersects the two bit sets a word at a time;
// only a key held somewhere, but not in all divisions, is looked at on
// its own, to see whether it is held in division dn.
func (a *Access) anyHeld(r *requirement, anywhere, inAll bool, dn int) (held, known bool) {
	x := &r.keys
	if x.limit == 0 || x.limit > a.keys.n {
		return false, false
	}
	for _, kw := range x.words {
		if int(kw.w) >= len(a.keys.words) {
			break // this word and those after it: none held
		}
		hw := &a.keys.words[kw.w]
		c := hw.held & kw.mask
		if c == 0 {
			continue
		}
		if anywhere || inAll && hw.all&c != 0 {
			return true, true
		}
		if dn < 0 {
			continue
		}
		for ; c != 0; c &= c - 1 {
			b := bits.TrailingZeros64(c)
			ref := x.probes[kw.first+uint32(bits.OnesCount64(kw.mask&(1<<b-1)))]
			pr := &r.probes[ref/shapes][ref%shapes]
			if n := a.perms.find(pr.hash, pr.key); n >= 0 && a.bits[n*a.words+dn/64]&(1<<(dn%64)) != 0 {
				return true, true
			}
		}
	}
	return false, true
}
