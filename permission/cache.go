package permission

import (
	"context"
	"fmt"
	"hash/maphash"
	"maps"
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
// immutable map that a write replaces (copy on write), so parallel
// readers never contend and a write copies only one shard.
type Cache struct {
	store     Store
	versioner Versioner // the store, if it is one
	size      int
	epoch     atomic.Uint64 // bumped by every invalidation, once its entries are gone
	shards    [cacheShards]atomic.Pointer[cacheMap]
	mu        sync.Mutex // serializes writes, and guards count and next
	count     int
	next      int // the shard eviction looks at first
}

// cacheShards is how many shards a Cache spreads its entries over: a
// write copies about size/cacheShards entries.
const cacheShards = 64

type cacheKey struct {
	org OrgID
	s   Subject
}

// A cacheMap holds a shard's entries under the hash of their subject's
// ID, which picks the shard too: a lookup hashes one string, once, and
// finds its entry in a map of integers. Subjects whose IDs share a hash
// (one ID in several orgs, or as a user and a group) are chained. Entries
// are never changed once stored in a map: a write copies the chain it
// changes.
type cacheMap = map[uint64]*cacheEntry

type cacheEntry struct {
	key     cacheKey
	access  *Access
	version uint64      // the store's version when compiled
	next    *cacheEntry // another subject with the same hash
}

// find returns the entry of key in m's chain h, or nil.
func find(m cacheMap, h uint64, key cacheKey) *cacheEntry {
	for e := m[h]; e != nil; e = e.next {
		if e.key == key {
			return e
		}
	}
	return nil
}

// without returns chain e without key's entry, copying the entries before
// it, and whether key's entry was there.
func without(e *cacheEntry, key cacheKey) (*cacheEntry, bool) {
	if e == nil {
		return nil, false
	}
	if e.key == key {
		return e.next, true
	}
	rest, ok := without(e.next, key)
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
	return &Cache{store: st, versioner: v, size: size}
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

// hashID returns the hash of a subject's ID, which picks its shard and
// its chain there.
func hashID(s Subject) uint64 {
	return maphash.String(seed, s.ID)
}

// Access returns the compiled access of s in org, compiling it on a miss
// or when the store changed since it was compiled. A hit does not
// allocate, and takes no lock.
func (c *Cache) Access(ctx context.Context, org OrgID, s Subject) (*Access, error) {
	if c == nil || c.store == nil || c.size <= 0 {
		return nil, fmt.Errorf("%w: a Cache must be made with NewCache", ErrInvalid)
	}
	// Read the version and the epoch before compiling: a change or an
	// invalidation during the compilation then keeps its result out of
	// the cache, so a stale access is never kept.
	version, epoch := c.version(), c.epoch.Load()
	key := cacheKey{org, s}
	h := hashID(s)
	shard := &c.shards[h%cacheShards]
	if m := shard.Load(); m != nil {
		if e := find(*m, h, key); e != nil && e.version == version {
			return e.access, nil
		}
	}
	a, err := Compile(ctx, c.store, org, s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch.Load() != epoch {
		return a, nil
	}
	if old := shard.Load(); old == nil || find(*old, h, key) == nil {
		if c.count >= c.size {
			c.evictOne()
		}
		c.count++
	}
	c.write(shard, func(m cacheMap) {
		rest, _ := without(m[h], key)
		m[h] = &cacheEntry{key: key, access: a, version: version, next: rest}
	})
	return a, nil
}

// write replaces a shard with a changed copy; c.mu is held.
func (c *Cache) write(shard *atomic.Pointer[cacheMap], change func(cacheMap)) {
	var m cacheMap
	if old := shard.Load(); old != nil {
		m = maps.Clone(*old)
	}
	if m == nil {
		m = make(cacheMap)
	}
	change(m)
	shard.Store(&m)
}

// evictOne drops an entry from the first non-empty shard after the last
// one evicted from; c.mu is held.
func (c *Cache) evictOne() {
	for range cacheShards {
		shard := &c.shards[c.next]
		c.next = (c.next + 1) % cacheShards
		if m := shard.Load(); m != nil && len(*m) > 0 {
			c.write(shard, func(m cacheMap) {
				for h, e := range m { // in no particular order
					for ; e != nil; e = e.next {
						c.count--
					}
					delete(m, h)
					break
				}
			})
			return
		}
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
	key, h := cacheKey{org, s}, hashID(s)
	shard := &c.shards[h%cacheShards]
	if old := shard.Load(); old != nil && find(*old, h, key) != nil {
		c.write(shard, func(m cacheMap) {
			if rest, _ := without(m[h], key); rest != nil {
				m[h] = rest
			} else {
				delete(m, h)
			}
		})
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
