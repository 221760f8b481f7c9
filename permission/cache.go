package permission

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// DefaultCacheSize is how many subjects a [Cache] keeps unless told
// otherwise.
const DefaultCacheSize = 10000

// A Versioner is a store that can tell when it changed: Version returns a
// different number after every change. [MemStore] is one. A [Cache] over a
// Versioner notices changes by itself.
type Versioner interface {
	Version() uint64
}

// A Cache keeps compiled accesses, so that a request checks permissions
// without going to the store. It is safe for concurrent use. Make one with
// [NewCache]; the zero Cache answers every call with an error.
//
// A cached Access is a snapshot, so the cache must learn of changes:
//
//   - If the store implements [Versioner] (as [MemStore] does), every
//     change makes the cached entries stale and the next call recompiles.
//     Only the store given to [NewCache] is asked: a store that wraps a
//     MemStore hides its Version unless it implements Versioner itself.
//   - Otherwise call [Cache.Invalidate] when a subject's grants or groups
//     change, and [Cache.InvalidateAll] when a role or an org's divisions
//     change (they touch anyone), typically from the database's change
//     notifications.
//
// When the cache is full, adding a subject evicts another one.
//
// Reads take no lock: the entries are spread over shards, each an
// immutable table that a write replaces (copy on write), so parallel
// readers never contend and a write copies only one shard.
type Cache struct {
	store     Store
	versioner Versioner // the store, if it is one
	mem       *MemStore // the store, if it is one: Access reads its version in line
	size      int
	epoch     atomic.Uint64 // bumped by every invalidation, once its entries are gone
	shards    [cacheShards]atomic.Pointer[cacheTable]
	mu        sync.Mutex // serializes writes, and guards count and next
	count     int
	next      int // the shard eviction looks at first
}

// cacheShards is how many shards a Cache spreads its entries over: a
// write copies about size/cacheShards entries.
const cacheShards = 64

// A cacheTable holds a shard's entries under the hash of their subject
// (see [hashID]), whose low bits pick the shard too: a lookup hashes one
// string, once, and finds its entry by open addressing with linear
// probing in a table at most half full. Subjects whose hashes agree (one
// ID in several orgs) are chained from one slot, so that they never
// lengthen another subject's probe. Neither a table nor its entries are
// changed once stored in a shard: a write builds a new table.
type cacheTable struct {
	slots []*cacheEntry // length a power of two; nil marks an empty slot
	n     int           // the slots used
}

// A cacheKey is an org and a subject, with the subject's hash and its
// ID's words (see [idWords]), which a probe compares before the strings.
type cacheKey struct {
	hash   uint64
	ia, ib uint64 // idWords(s.ID)
	org    OrgID
	s      Subject
}

type cacheEntry struct {
	cacheKey
	access  *Access
	version uint64      // the store's version when compiled
	next    *cacheEntry // another subject with the same hash
}

// keyOf returns the key of s in org.
func keyOf(org OrgID, s Subject) cacheKey {
	ia, ib := idWords(s.ID)
	return cacheKey{hashID(s.Kind, s.ID, ia, ib), ia, ib, org, s}
}

// same reports whether e is k's entry.
func (e *cacheEntry) same(k *cacheKey) bool {
	return e.s == k.s && e.org == k.org
}

// idWords returns two words of an ID which, with its length, are the
// whole ID when it has at most 16 bytes, and its last 16 bytes otherwise.
func idWords(id string) (a, b uint64) {
	switch n := len(id); {
	case n > 16:
		return word(id, n-16), word(id, n-8)
	case n > 8:
		return word(id, 0), word(id, n-8)
	case n >= 4:
		return word4(id, 0), word4(id, n-4)
	case n > 0:
		return uint64(id[0]) | uint64(id[n>>1])<<8 | uint64(id[n-1])<<16, 0
	}
	return 0, 0
}

// hashKeys key hashID; they come from the package's seed.
var hashKeys = [3]uint64{
	maphash.String(seed, "cache 0"), maphash.String(seed, "cache 1"), maphash.String(seed, "cache 2"),
}

// hashID returns the hash of a subject of the given kind and ID, whose
// idWords are a and b. It is the hash Go's runtime falls back to where
// the CPU has no AES instructions (after wyhash), keyed with hashKeys, so
// that IDs crafted to collide need the seed, as with maphash. A short ID
// costs a fraction of maphash.String, whose calls into the runtime
// outweigh hashing a few bytes.
func hashID(kind SubjectKind, id string, a, b uint64) uint64 {
	seed := hashKeys[0] ^ uint64(kind)
	for rest := id; len(rest) > 16; rest = rest[16:] {
		seed = mix(word(rest, 0)^hashKeys[1], word(rest, 8)^seed)
	}
	return mix(hashKeys[2]^uint64(len(id)), mix(a^hashKeys[1], b^seed))
}

// mix folds the 128-bit product of a and b to 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// word4 returns the 4 bytes of s from i, little-endian: one load.
func word4(s string, i int) uint64 {
	b := s[i : i+4]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
}

// find returns k's entry in t (which may be nil), or nil.
func (t *cacheTable) find(k *cacheKey) *cacheEntry {
	for e := t.chain(k.hash); e != nil; e = e.next {
		if e.same(k) {
			return e
		}
	}
	return nil
}

// chain returns the chain of hash h in t (which may be nil), or nil.
func (t *cacheTable) chain(h uint64) *cacheEntry {
	if t == nil {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := h / cacheShards & mask; ; i = (i + 1) & mask {
		if e := t.slots[i]; e == nil || e.hash == h {
			return e
		}
	}
}

// with returns a copy of t (which may be nil) whose chain of hash h is e:
// without one, if e is nil.
func (t *cacheTable) with(h uint64, e *cacheEntry) *cacheTable {
	n := 1
	if t != nil {
		n += t.n
	}
	size := 8
	for size < 2*n {
		size *= 2
	}
	c := &cacheTable{slots: make([]*cacheEntry, size)}
	if t != nil {
		for _, old := range t.slots {
			if old != nil && old.hash != h {
				c.place(old)
			}
		}
	}
	if e != nil {
		c.place(e)
	}
	return c
}

// place puts chain e in the first free slot from its hash's.
func (t *cacheTable) place(e *cacheEntry) {
	mask := uint64(len(t.slots) - 1)
	i := e.hash / cacheShards & mask
	for t.slots[i] != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = e
	t.n++
}

// without returns chain e without k's entry, copying the entries before
// it, and whether k's entry was there.
func without(e *cacheEntry, k *cacheKey) (*cacheEntry, bool) {
	if e == nil {
		return nil, false
	}
	if e.same(k) {
		return e.next, true
	}
	rest, ok := without(e.next, k)
	if !ok {
		return e, false
	}
	c := *e
	c.next = rest
	return &c, true
}

// NewCache returns a cache over st that keeps up to size subjects; a size
// of zero or less means DefaultCacheSize.
func NewCache(st Store, size int) *Cache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	v, _ := st.(Versioner)
	m, _ := st.(*MemStore)
	return &Cache{store: st, versioner: v, mem: m, size: size}
}

func (c *Cache) version() uint64 {
	if c.versioner != nil {
		return c.versioner.Version()
	}
	return 0
}

// A CacheStamp records the state of a [Cache] at one moment: see
// [Cache.Stamp]. The zero CacheStamp is never current.
type CacheStamp struct {
	c              *Cache
	version, epoch uint64
}

// Stamp returns the state of the cache now, so that a caller may keep an
// Access and know when it goes stale: an Access that [Cache.Access]
// returns after Stamp is called stays current, the subject's permissions
// as the cache knows them, while [Cache.Current] reports true for the
// stamp. Take the stamp first, then the Access.
func (c *Cache) Stamp() CacheStamp {
	if c == nil {
		return CacheStamp{}
	}
	return CacheStamp{c, c.version(), c.epoch.Load()}
}

// Current reports whether nothing has changed since s was taken, by this
// cache: neither the store's version (when it is a [Versioner]) nor an
// invalidation. It takes no lock and allocates nothing.
func (c *Cache) Current(s CacheStamp) bool {
	return c != nil && c.store != nil && s.c == c && s.epoch == c.epoch.Load() && s.version == c.version()
}

// errNoCache is what a nil or zero Cache answers.
var errNoCache = fmt.Errorf("%w: a Cache must be made with NewCache", ErrInvalid)

// Access returns the compiled access of s in org, compiling it on a miss
// or when the store changed since it was compiled. A hit does not
// allocate, and takes no lock.
func (c *Cache) Access(ctx context.Context, org OrgID, s Subject) (*Access, error) {
	// Over a MemStore, the usual case, a hit is found here in line: the
	// MemStore's version read as m.Version would (m is not nil), the
	// key's hash and words computed as keyOf does, and the key compared
	// as same does, with no call before the strings are compared: a call
	// would send every live value to the stack and back, which costs
	// more than the work. Anything else is access's. The tests
	// TestCacheHitIsFoundInLine, TestCacheAccessPathsAgree and
	// TestCacheTellsApartKeysWhoseHashesAgree hold the two together.
	if c == nil || c.mem == nil {
		return c.access(ctx, org, s)
	}
	version := c.mem.version.Load()
	id, n := s.ID, len(s.ID)
	var ia, ib uint64 // idWords(id)
	switch {
	case n > 16:
		ia, ib = word(id, n-16), word(id, n-8)
	case n > 8:
		ia, ib = word(id, 0), word(id, n-8)
	case n >= 4:
		ia, ib = word4(id, 0), word4(id, n-4)
	case n > 0:
		ia = uint64(id[0]) | uint64(id[n>>1])<<8 | uint64(id[n-1])<<16
	}
	seed := hashKeys[0] ^ uint64(s.Kind) // hashID(s.Kind, id, ia, ib)
	for rest := id; len(rest) > 16; rest = rest[16:] {
		seed = mix(word(rest, 0)^hashKeys[1], word(rest, 8)^seed)
	}
	h := mix(hashKeys[2]^uint64(n), mix(ia^hashKeys[1], ib^seed))
	t := c.shards[h%cacheShards].Load()
	if t == nil {
		return c.access(ctx, org, s)
	}
	mask := uint64(len(t.slots) - 1)
	i := h / cacheShards & mask
	e := t.slots[i]
	for e != nil && e.hash != h { // t.chain(h)
		i = (i + 1) & mask
		e = t.slots[i]
	}
	// The first entry whose kind and ID's words and length agree; the
	// rest of the key is compared once, out of the loop: if the entry is
	// another org's, access finds the subject's further along the chain.
	// The words are the whole ID when it has at most 16 bytes.
	for e != nil && (e.s.Kind != s.Kind || e.ia != ia || e.ib != ib || len(e.s.ID) != n) {
		e = e.next
	}
	if e != nil && e.version == version && e.org == org && (n <= 16 || e.s.ID == id) {
		return e.access, nil
	}
	return c.access(ctx, org, s)
}

// access is Access, without its shortcut for a MemStore.
func (c *Cache) access(ctx context.Context, org OrgID, s Subject) (*Access, error) {
	if c == nil || c.store == nil || c.size <= 0 {
		return nil, errNoCache
	}
	// Read the version and the epoch before compiling: a change or an
	// invalidation during the compilation then keeps its result out of
	// the cache, so a stale access is never kept.
	version, epoch := c.version(), c.epoch.Load()
	k := keyOf(org, s)
	if e := c.shards[k.hash%cacheShards].Load().find(&k); e != nil && e.version == version {
		return e.access, nil
	}
	return c.fill(ctx, &k, version, epoch)
}

// fill compiles k's access, and caches it with version unless the
// epoch moved from epoch, the cache's when the version was read.
func (c *Cache) fill(ctx context.Context, k *cacheKey, version, epoch uint64) (*Access, error) {
	a, err := Compile(ctx, c.store, k.org, k.s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch.Load() != epoch {
		return a, nil
	}
	shard := &c.shards[k.hash%cacheShards]
	if shard.Load().find(k) == nil {
		if c.count >= c.size {
			c.evictOne()
		}
		c.count++
	}
	t := shard.Load()
	rest, _ := without(t.chain(k.hash), k)
	shard.Store(t.with(k.hash, &cacheEntry{cacheKey: *k, access: a, version: version, next: rest}))
	return a, nil
}

// evictOne drops a chain, from a slot picked at random, of the first
// non-empty shard after the last one evicted from; c.mu is held.
func (c *Cache) evictOne() {
	for range cacheShards {
		shard := &c.shards[c.next]
		c.next = (c.next + 1) % cacheShards
		t := shard.Load()
		if t == nil || t.n == 0 {
			continue
		}
		mask := len(t.slots) - 1
		i := rand.IntN(len(t.slots))
		for t.slots[i] == nil {
			i = (i + 1) & mask
		}
		for e := t.slots[i]; e != nil; e = e.next {
			c.count--
		}
		shard.Store(t.with(t.slots[i].hash, nil))
		return
	}
}

// Invalidate drops the cached access of s in org. It does nothing on a
// nil Cache.
func (c *Cache) Invalidate(org OrgID, s Subject) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := keyOf(org, s)
	shard := &c.shards[k.hash%cacheShards]
	t := shard.Load()
	if rest, ok := without(t.chain(k.hash), &k); ok {
		shard.Store(t.with(k.hash, rest))
		c.count--
	}
	// The epoch moves once the entry is gone: whoever reads the new
	// epoch (Stamp) then finds no stale entry.
	c.epoch.Add(1)
}

// InvalidateAll makes every cached access stale. It does nothing on a nil
// Cache.
func (c *Cache) InvalidateAll() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.shards {
		c.shards[i].Store(nil)
	}
	c.count = 0
	c.epoch.Add(1) // once the entries are gone, as in Invalidate
}
