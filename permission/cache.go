package permission

import (
	"context"
	"fmt"
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
// When the cache is full, adding a subject evicts another one at random.
type Cache struct {
	store   Store
	size    int
	epoch   atomic.Uint64 // bumped by every invalidation
	entries sync.Map      // cacheKey → cacheEntry: read without a lock
	mu      sync.Mutex    // serializes writes, and guards count
	count   int
}

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
	return &Cache{store: st, size: size}
}

func (c *Cache) version() uint64 {
	if v, ok := c.store.(Versioner); ok {
		return v.Version()
	}
	return 0
}

// Access returns the compiled access of s in org, compiling it on a miss
// or when the store changed since it was compiled. A hit does not
// allocate.
func (c *Cache) Access(ctx context.Context, org OrgID, s Subject) (*Access, error) {
	if c == nil || c.store == nil || c.size <= 0 {
		return nil, fmt.Errorf("%w: a Cache must be made with NewCache", ErrInvalid)
	}
	// Read the version and the epoch before compiling: a change or an
	// invalidation during the compilation then keeps its result out of
	// the cache, so a stale access is never kept.
	version, epoch := c.version(), c.epoch.Load()
	key := cacheKey{org, s}
	if v, ok := c.entries.Load(key); ok {
		if e, ok := v.(cacheEntry); ok && e.version == version {
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
	if _, ok := c.entries.Load(key); !ok {
		if c.count >= c.size {
			c.entries.Range(func(victim, _ any) bool { // in no particular order
				c.entries.Delete(victim)
				c.count--
				return false
			})
		}
		c.count++
	}
	c.entries.Store(key, cacheEntry{access: a, version: version})
	return a, nil
}

// Invalidate drops the cached access of s in org. It does nothing on a
// nil Cache.
func (c *Cache) Invalidate(org OrgID, s Subject) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch.Add(1)
	if _, ok := c.entries.LoadAndDelete(cacheKey{org, s}); ok {
		c.count--
	}
}

// InvalidateAll makes every cached access stale. It does nothing on a nil
// Cache.
func (c *Cache) InvalidateAll() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch.Add(1)
	c.entries.Clear()
	c.count = 0
}
