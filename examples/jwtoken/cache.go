package jwtoken

import (
	"crypto/sha256"
	"sync"
	"time"
	"unsafe"

	"github.com/scopegate/scopegate/grant"
)

// DefaultCacheSize is how many verified tokens a Verifier keeps unless
// configured otherwise: about 5 MB.
const DefaultCacheSize = 10_000

// cacheShards spreads the cache over locks, so that requests on all cores
// seldom wait for each other.
const cacheShards = 16

// cacheKey is the SHA-256 of a token string: the cache never holds a
// token, only what it stood for.
type cacheKey [sha256.Size]byte

func keyOf(token string) cacheKey {
	// The hash reads the string's bytes in place; it never writes them.
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
}

// tokenCache keeps verified tokens, by the hash of their string, until
// they expire or are evicted. Each shard is a segmented LRU: a new entry
// goes on probation, and a second use moves it to the protected segment
// (at most four fifths of the shard). Room is made at the tail of
// probation first, so a flood of tokens used once each, valid or not,
// churns probation and never evicts the tokens in steady use. Tokens
// that fail verification never enter at all.
type tokenCache struct {
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu         sync.Mutex
	entries    map[cacheKey]*cacheEntry
	probation  cacheList
	protected  cacheList
	capacity   int
	protectCap int
	hits       uint64
	misses     uint64
	evictions  uint64
}

type cacheEntry struct {
	key cacheKey
	tok grant.Token
	// exp is the token's expiry: the entry is never used from then on.
	exp time.Time
	// pub is the key that verified the token; the entry counts only while
	// the key source still returns this very key for its ID.
	pub *PublicKey
	// protected tells which list the entry is on.
	protected  bool
	prev, next *cacheEntry
}

// cacheList is a doubly linked list with a sentinel.
type cacheList struct {
	root cacheEntry
	n    int
}

func (l *cacheList) init() { l.root.prev, l.root.next = &l.root, &l.root }

func (l *cacheList) pushFront(e *cacheEntry) {
	e.prev, e.next = &l.root, l.root.next
	l.root.next.prev = e
	l.root.next = e
	l.n++
}

func (l *cacheList) remove(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	l.n--
}

func (l *cacheList) back() *cacheEntry {
	if l.n == 0 {
		return nil
	}
	return l.root.prev
}

func newTokenCache(size int) *tokenCache {
	c := &tokenCache{}
	per := max(1, (size+cacheShards-1)/cacheShards)
	for i := range c.shards {
		s := &c.shards[i]
		s.entries = make(map[cacheKey]*cacheEntry)
		s.probation.init()
		s.protected.init()
		s.capacity = per
		s.protectCap = max(1, per*4/5)
		if per == 1 {
			s.protectCap = 0
		}
	}
	return c
}

func (c *tokenCache) shard(k cacheKey) *cacheShard { return &c.shards[k[0]%cacheShards] }

// get returns the entry's token and key if it holds k and has not expired
// at now. A second use promotes an entry to the protected segment.
func (c *tokenCache) get(k cacheKey, now time.Time) (grant.Token, *PublicKey, bool) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[k]
	if e == nil {
		s.misses++
		return grant.Token{}, nil, false
	}
	if !now.Before(e.exp) {
		s.drop(e)
		s.misses++
		return grant.Token{}, nil, false
	}
	s.hits++
	if e.protected {
		s.protected.remove(e)
		s.protected.pushFront(e)
	} else if s.protectCap > 0 {
		s.probation.remove(e)
		e.protected = true
		s.protected.pushFront(e)
		if s.protected.n > s.protectCap { // demote the least recent
			old := s.protected.back()
			s.protected.remove(old)
			old.protected = false
			s.probation.pushFront(old)
		}
	}
	return e.tok, e.pub, true
}

// put adds a verified token.
func (c *tokenCache) put(k cacheKey, tok grant.Token, pub *PublicKey) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[k]; ok {
		return
	}
	for len(s.entries) >= s.capacity {
		victim := s.probation.back()
		if victim == nil {
			victim = s.protected.back()
		}
		s.drop(victim)
		s.evictions++
	}
	e := &cacheEntry{key: k, tok: tok, exp: tok.ExpiresAt, pub: pub}
	s.entries[k] = e
	s.probation.pushFront(e)
}

// remove drops the entry for k, if any.
func (c *tokenCache) remove(k cacheKey) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[k]; e != nil {
		s.drop(e)
	}
}

// dropIf drops every entry whose token matches.
func (c *tokenCache) dropIf(match func(*grant.Token) bool) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for _, e := range s.entries {
			if match(&e.tok) {
				s.drop(e)
			}
		}
		s.mu.Unlock()
	}
}

func (s *cacheShard) drop(e *cacheEntry) {
	if e.protected {
		s.protected.remove(e)
	} else {
		s.probation.remove(e)
	}
	delete(s.entries, e.key)
}

// CacheStats counts what a Verifier's cache of verified tokens did.
type CacheStats struct {
	// Entries is how many tokens it holds now.
	Entries int
	// Hits counts the tokens found verified, Misses those that were
	// not (or had expired), Evictions the tokens dropped to make room.
	Hits, Misses, Evictions uint64
}

func (c *tokenCache) stats() CacheStats {
	var st CacheStats
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		st.Entries += len(s.entries)
		st.Hits += s.hits
		st.Misses += s.misses
		st.Evictions += s.evictions
		s.mu.Unlock()
	}
	return st
}
