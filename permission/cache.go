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
	shards    [cacheShards]atomic.Pointer[map[cacheKey]cacheEntry]
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

type cacheEntry struct {
	access  *Access
	version uint64 // the store's version when compiled
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

// shard returns the shard of a subject.
func (c *Cache) shard(s Subject) *atomic.Pointer[map[cacheKey]cacheEntry] {
	return &c.shards[maphash.String(seed, s.ID)%cacheShards]
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
	shard := c.shard(s)
	if m := shard.Load(); m != nil {
		if e, ok := (*m)[key]; ok && e.version == version {
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
	if old := shard.Load(); old == nil || !hasKey(*old, key) {
		if c.count >= c.size {
			c.evictOne()
		}
		c.count++
	}
	c.write(shard, func(m map[cacheKey]cacheEntry) { m[key] = cacheEntry{access: a, version: version} })
	return a, nil
}

func hasKey(m map[cacheKey]cacheEntry, k cacheKey) bool {
	_, ok := m[k]
	return ok
}

// write replaces a shard with a changed copy; c.mu is held.
func (c *Cache) write(shard *atomic.Pointer[map[cacheKey]cacheEntry], change func(map[cacheKey]cacheEntry)) {
	var m map[cacheKey]cacheEntry
	if old := shard.Load(); old != nil {
		m = maps.Clone(*old)
	}
	if m == nil {
		m = make(map[cacheKey]cacheEntry)
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
			c.write(shard, func(m map[cacheKey]cacheEntry) {
				for k := range m { // in no particular order
					delete(m, k)
					break
				}
			})
			c.count--
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
	key, shard := cacheKey{org, s}, c.shard(s)
	if old := shard.Load(); old != nil && hasKey(*old, key) {
		c.write(shard, func(m map[cacheKey]cacheEntry) { delete(m, key) })
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
