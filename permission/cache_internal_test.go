package permission

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cacheStore returns a MemStore that knows the given orgs.
func cacheStore(t *testing.T, orgs ...OrgID) *MemStore {
	t.Helper()
	divs, err := NewDivisions(Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	m := NewMemStore()
	for _, o := range orgs {
		require.NoError(t, m.PutDivisions(o, divs))
	}
	return m
}

// versioned hides that its store is a *MemStore but keeps its Version: a
// Cache over it takes the general path.
type versioned struct{ *MemStore }

// otherVersion is a Versioner whose version is never the MemStore's.
type otherVersion struct{}

func (otherVersion) Version() uint64 { return 1 << 63 }

// brokenStore fails every lookup.
type brokenStore struct{}

var errBroken = errors.New("broken store")

func (brokenStore) Grants(context.Context, OrgID, Subject) ([]Grant, error)   { return nil, errBroken }
func (brokenStore) Groups(context.Context, OrgID, Subject) ([]Subject, error) { return nil, errBroken }
func (brokenStore) Role(context.Context, OrgID, RoleID) (Role, error)         { return Role{}, errBroken }
func (brokenStore) Divisions(context.Context, OrgID) (*Divisions, error)      { return nil, errBroken }

// TestCacheHitIsFoundInLine: over a MemStore, Access finds a hit without
// the general path, so its hash and words agree with keyOf's, which
// stored the entry, for IDs of every length and each kind. Once the
// entries are in, the general path is made to fail (another version,
// and a store that cannot compile): every hit must still be answered.
// (A subject whose ID another org's subject of its kind shares may be
// left to the general path, which the next test covers.)
func TestCacheHitIsFoundInLine(t *testing.T) {
	orgs := []OrgID{"o", "org", "org-1", "org-long-name", OrgID(strings.Repeat("org-uuid-", 4))}
	m := cacheStore(t, orgs...)
	c := NewCache(m, 0)
	type key struct {
		org OrgID
		s   Subject
	}
	cached := map[key]*Access{}
	ids := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 2)
	for i, o := range orgs {
		for n := 1; n <= 40; n++ {
			id := ids[i : i+n] // no ID in two orgs: see TestCacheTellsApartKeysWhoseHashesAgree
			for _, s := range []Subject{User(id), Group(id), Client(id)} {
				a, err := c.Access(context.Background(), o, s)
				require.NoError(t, err)
				cached[key{o, s}] = a
			}
		}
	}
	c.versioner, c.store = otherVersion{}, brokenStore{}
	for k, want := range cached {
		got, err := c.Access(context.Background(), k.org, k.s)
		require.NoError(t, err, "%v in %q", k.s, k.org)
		require.Same(t, want, got, "%v in %q", k.s, k.org)
	}
	// The general path does fail: what the test relies on.
	_, err := c.Access(context.Background(), "org", User("not cached"))
	require.ErrorIs(t, err, errBroken)
}

// TestCacheTellsApartKeysWhoseHashesAgree: an entry forged under the
// hash of the key looked up, as a collision would put it, but of another
// org or subject (some with the same ID words), is never taken for the key's, on
// either path, whether it comes before or after the key's own entry in
// the chain; and invalidating the key leaves it be.
func TestCacheTellsApartKeysWhoseHashesAgree(t *testing.T) {
	long := "0123456789abcdef" // the last 16 bytes of a long ID or org: its words
	for _, tc := range []struct {
		name   string
		org    OrgID
		s      Subject
		forged OrgID
		as     Subject
	}{
		{"another org of the same length", "org-1", User("alice"), "org-2", User("alice")},
		{"another org", "org-1", User("alice"), "o", User("alice")},
		{"another kind", "org-1", User("alice"), "org-1", Group("alice")},
		{"another long ID with the same words", "org-1", User("x-" + long), "org-1", User("y-" + long)},
		{"a longer ID with the same words", "org-1", User("x-" + long), "org-1", User("xx-" + long)},
		{"another long org with the same words", OrgID("a-" + long), User("bob"), OrgID("b-" + long), User("bob")},
		{"another short ID", "org-1", User("bob"), "org-1", User("rob")},
		{"a shorter ID with the same words", "org-1", User("abb"), "org-1", User("ab")},
	} {
		for _, path := range []string{"in line", "general"} {
			t.Run(tc.name+"/"+path, func(t *testing.T) {
				m := cacheStore(t, tc.org)
				var st Store = m
				if path == "general" {
					st = versioned{m}
				}
				c := NewCache(st, 0)
				k := keyOf(tc.org, tc.s)
				forgedKey := keyOf(tc.forged, tc.as)
				forgedKey.hash = k.hash
				forgedAccess := &Access{org: tc.forged, subject: tc.as}
				forged := &cacheEntry{cacheKey: forgedKey, access: forgedAccess, version: m.Version()}
				shard := &c.shards[k.hash%cacheShards]
				shard.Store(shard.Load().with(k.hash, forged))
				c.count = 1

				a, err := c.Access(context.Background(), tc.org, tc.s)
				require.NoError(t, err)
				require.NotSame(t, forgedAccess, a)
				require.Equal(t, tc.org, a.Org())
				require.Equal(t, tc.s, a.Subject())
				again, err := c.Access(context.Background(), tc.org, tc.s)
				require.NoError(t, err)
				require.Same(t, a, again, "the key's entry, chained before the forged one")
				require.Equal(t, 2, c.count)

				// The forged entry first in the chain, the key's after it.
				own := *shard.Load().chain(k.hash)
				require.Same(t, a, own.access)
				require.Same(t, forged, own.next)
				own.next = nil
				first := *forged
				first.next = &own
				shard.Store(shard.Load().with(k.hash, &first))
				again, err = c.Access(context.Background(), tc.org, tc.s)
				require.NoError(t, err)
				require.Same(t, a, again, "the key's entry, found past the forged one")

				c.Invalidate(tc.org, tc.s)
				require.Equal(t, 1, c.count)
				left := shard.Load().chain(k.hash)
				require.NotNil(t, left)
				require.Same(t, forgedAccess, left.access)
				require.Nil(t, left.next)
			})
		}
	}
}

// entries counts the entries in c's shards.
func (c *Cache) entries() int {
	n := 0
	for i := range c.shards {
		if t := c.shards[i].Load(); t != nil {
			for _, e := range t.slots {
				for ; e != nil; e = e.next {
					n++
				}
			}
		}
	}
	return n
}

// TestCacheCountsEveryEntry: the count that bounds a Cache is the number
// of entries it holds, as subjects come, are evicted (a chain of one ID
// in several orgs at once) and are invalidated, and never more than its
// size.
func TestCacheCountsEveryEntry(t *testing.T) {
	orgs := []OrgID{"org-1", "org-2", "org-3"}
	m := cacheStore(t, orgs...)
	c := NewCache(m, 7)
	chained := 0
	for i := range 300 {
		s := User(strings.Repeat("u", 1+(i/3)%11)) // in each org in turn
		_, err := c.Access(context.Background(), orgs[i%len(orgs)], s)
		require.NoError(t, err)
		require.Equal(t, c.entries(), c.count, "after adding %v", s)
		require.LessOrEqual(t, c.count, 7)
		if k := keyOf(orgs[0], s); c.shards[k.hash%cacheShards].Load().chain(k.hash).next != nil {
			chained++
		}
		if i%7 == 0 {
			c.Invalidate(orgs[(i+1)%len(orgs)], User(strings.Repeat("u", 1+(i/3+1)%11)))
			require.Equal(t, c.entries(), c.count, "after an invalidation")
		}
	}
	require.Positive(t, chained, "some subjects shared their chain")
	c.InvalidateAll()
	require.Zero(t, c.entries())
	require.Zero(t, c.count)
}
