package permission_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

func TestCacheSeesMemStoreChanges(t *testing.T) {
	s := store(t, []permission.Role{role("editor", "directory:user:edit")})
	c := permission.NewCache(s, 0)
	req := permission.MustAllOf(p("directory:user:edit"))
	check := func() bool {
		a, err := c.Access(ctx, org, alice)
		require.NoError(t, err)
		return a.Check(req, permission.In("home")).Satisfied()
	}
	require.False(t, check())
	v := s.Version()
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "editor", Divisions: divs("home")}))
	require.Greater(t, s.Version(), v)
	require.True(t, check(), "the store's version changed, so the cache recompiled")
	require.NoError(t, s.PutRole(org, role("editor", "directory:user:view")))
	require.False(t, check())
}

// countingStore counts compilations and hides MemStore's Version, like a
// database without change tracking.
type countingStore struct {
	inner    *permission.MemStore
	compiles atomic.Int64
}

func (s *countingStore) Grants(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Grant, error) {
	s.compiles.Add(1)
	return s.inner.Grants(ctx, org, sub)
}

func (s *countingStore) Groups(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Subject, error) {
	return s.inner.Groups(ctx, org, sub)
}

func (s *countingStore) Role(ctx context.Context, org permission.OrgID, id permission.RoleID) (permission.Role, error) {
	return s.inner.Role(ctx, org, id)
}

func (s *countingStore) Divisions(ctx context.Context, org permission.OrgID) (*permission.Divisions, error) {
	return s.inner.Divisions(ctx, org)
}

func TestCacheInvalidation(t *testing.T) {
	inner := store(t, []permission.Role{role("editor", "directory:user:edit")})
	s := &countingStore{inner: inner}
	c := permission.NewCache(s, 0)
	bob := permission.User("bob")
	req := permission.MustAllOf(p("directory:user:edit"))
	check := func(who permission.Subject) bool {
		a, err := c.Access(ctx, org, who)
		require.NoError(t, err)
		return a.Check(req, permission.OrgWide()).Satisfied()
	}

	require.False(t, check(alice))
	require.False(t, check(alice))
	require.EqualValues(t, 1, s.compiles.Load(), "the second call is a hit")

	require.NoError(t, inner.AddGrant(org, permission.Grant{Subject: alice, Role: "editor", AllDivisions: true}))
	require.False(t, check(alice), "without a Versioner the cache keeps its snapshot...")
	c.Invalidate(org, alice)
	require.True(t, check(alice), "...until it is told")

	require.False(t, check(bob))
	require.NoError(t, inner.AddGrant(org, permission.Grant{Subject: bob, Role: "editor", AllDivisions: true}))
	require.False(t, check(bob), "cached")
	c.InvalidateAll()
	require.True(t, check(bob))
	require.True(t, check(alice))

	require.NoError(t, inner.PutRole(org, role("editor", "directory:user:view")))
	require.True(t, check(alice), "a role change needs InvalidateAll")
	c.InvalidateAll()
	require.False(t, check(alice))
	require.False(t, check(bob))
}

func TestCacheBounded(t *testing.T) {
	inner := store(t, []permission.Role{role("r", "a:b:c")})
	s := &countingStore{inner: inner}
	c := permission.NewCache(s, 10)
	for i := range 100 {
		_, err := c.Access(ctx, org, permission.User(fmt.Sprint(i)))
		require.NoError(t, err)
	}
	before := s.compiles.Load()
	hits := 0
	for i := range 100 {
		_, err := c.Access(ctx, org, permission.User(fmt.Sprint(i)))
		require.NoError(t, err)
		if s.compiles.Load() == before {
			hits++
		}
		before = s.compiles.Load()
	}
	require.LessOrEqual(t, hits, 10, "at most 10 subjects stay cached")
}

func TestZeroCacheFailsClosed(t *testing.T) {
	for name, c := range map[string]*permission.Cache{"nil": nil, "zero": {}} {
		a, err := c.Access(ctx, org, alice)
		require.ErrorIs(t, err, permission.ErrInvalid, name)
		require.Nil(t, a, name)
	}
}

func TestZeroMemStoreIsUsable(t *testing.T) {
	var s permission.MemStore
	gs, err := s.Grants(ctx, org, alice)
	require.NoError(t, err)
	require.Empty(t, gs)
	require.NoError(t, s.RemoveGrant(org, alice, "r"))
	require.NoError(t, s.RemoveMember(org, permission.Group("g"), alice))
	require.ErrorIs(t, s.PutRole(org, role("r", "a:b:c")), permission.ErrUnknownOrg, "an org is known by its divisions")
	require.NoError(t, s.PutDivisions(org, testDivisions))
	require.NoError(t, s.PutRole(org, role("r", "a:b:c")))
	require.NoError(t, s.AddGrant(org, permission.Grant{Subject: permission.Group("g"), Role: "r", AllDivisions: true}))
	require.NoError(t, s.AddMember(org, permission.Group("g"), alice))
	res, err := permission.Evaluate(ctx, &s, org, alice, permission.MustAllOf(p("a:b:c")), permission.In("home"))
	require.NoError(t, err)
	require.True(t, res.Satisfied())
	require.NoError(t, s.RemoveMember(org, permission.Group("g"), alice))
	groups, err := s.Groups(ctx, org, alice)
	require.NoError(t, err)
	require.Empty(t, groups)
}

func TestCacheHitDoesNotAllocate(t *testing.T) {
	s := store(t, []permission.Role{role("r", "a:b:c")}, permission.Grant{Subject: alice, Role: "r", AllDivisions: true})
	c := permission.NewCache(s, 0)
	_, err := c.Access(ctx, org, alice)
	require.NoError(t, err)
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = c.Access(ctx, org, alice) }))
}

func TestCacheConcurrent(t *testing.T) {
	s := store(t, []permission.Role{role("editor", "directory:user:edit")})
	c := permission.NewCache(s, 0)
	req := permission.MustAllOf(p("directory:user:edit"))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				who := permission.User(fmt.Sprint(i % 5))
				a, err := c.Access(ctx, org, who)
				if err != nil {
					t.Error(err)
					return
				}
				_ = a.Check(req, permission.In("home")).String()
				if w == 0 && i%20 == 0 {
					granted := permission.User(fmt.Sprint(i / 20 % 5))
					_ = s.AddGrant(org, permission.Grant{Subject: granted, Role: "editor", Divisions: divs("home")})
					c.Invalidate(org, granted)
				}
				if w == 1 && i%50 == 0 {
					c.InvalidateAll()
				}
			}
		}()
	}
	wg.Wait()
	// After the dust settles every subject's grant is visible.
	for i := range 5 {
		a, err := c.Access(ctx, org, permission.User(fmt.Sprint(i)))
		require.NoError(t, err)
		require.True(t, a.Check(req, permission.In("home")).Satisfied())
	}
}

func TestMemStoreCopiesAndConcurrency(t *testing.T) {
	s := store(t, []permission.Role{role("r", "a:b:c")})
	g := permission.Grant{Subject: alice, Role: "r", Divisions: divs("home")}
	require.NoError(t, s.AddGrant(org, g))
	g.Divisions[0] = "changed"
	got, err := s.Grants(ctx, org, alice)
	require.NoError(t, err)
	require.Equal(t, divs("home"), got[0].Divisions)
	got[0].Divisions[0] = "changed"
	again, err := s.Grants(ctx, org, alice)
	require.NoError(t, err)
	require.Equal(t, divs("home"), again[0].Divisions)

	require.ErrorIs(t, s.AddGrant(org, permission.Grant{Subject: alice, Role: "ghost", AllDivisions: true}), permission.ErrRoleNotFound)
	require.ErrorIs(t, s.DeleteRole(org, "ghost"), permission.ErrRoleNotFound)
	require.ErrorIs(t, s.PutRole(org, permission.Role{}), permission.ErrInvalid)
	_, err = s.Role(ctx, org, "ghost")
	require.ErrorIs(t, err, permission.ErrRoleNotFound)

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				sub := permission.User(fmt.Sprint(i))
				_ = s.AddGrant(org, permission.Grant{Subject: sub, Role: "r", Divisions: divs(fmt.Sprint("div", j))})
				_, _ = permission.Compile(ctx, s, org, sub)
				_ = s.PutRole(org, role("r", "a:b:c", fmt.Sprintf("a:b:d%d", j)))
			}
		}()
	}
	wg.Wait()
	gs, err := s.Grants(ctx, org, permission.User("0"))
	require.NoError(t, err)
	require.Len(t, gs, 1, "grants of one role merge")
	require.Len(t, gs[0].Divisions, 100)
}

// TestCacheStampIsCurrentUntilAChange: a stamp taken before an Access
// stays current until the store's version moves or the cache is
// invalidated, for anyone; a stamp of another cache, the zero stamp and a
// nil or zero cache are never current.
func TestCacheStampIsCurrentUntilAChange(t *testing.T) {
	versioned := store(t, []permission.Role{role("editor", "directory:user:edit")})
	unversioned := &countingStore{inner: store(t, []permission.Role{role("editor", "directory:user:edit")})}
	bob := permission.User("bob")
	for _, tc := range []struct {
		name   string
		st     permission.Store
		change func(*permission.Cache)
	}{
		{"store changed", versioned, func(*permission.Cache) {
			require.NoError(t, versioned.AddGrant(org, permission.Grant{Subject: bob, Role: "editor", AllDivisions: true}))
		}},
		{"subject invalidated", unversioned, func(c *permission.Cache) { c.Invalidate(org, alice) }},
		{"another subject invalidated", unversioned, func(c *permission.Cache) { c.Invalidate(org, bob) }},
		{"all invalidated", unversioned, func(c *permission.Cache) { c.InvalidateAll() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := permission.NewCache(tc.st, 0)
			stamp := c.Stamp()
			_, err := c.Access(ctx, org, alice)
			require.NoError(t, err)
			require.True(t, c.Current(stamp))
			_, err = c.Access(ctx, org, bob)
			require.NoError(t, err)
			require.True(t, c.Current(stamp), "reading changes nothing")
			require.False(t, permission.NewCache(tc.st, 0).Current(stamp), "another cache's stamp")
			tc.change(c)
			require.False(t, c.Current(stamp))
			require.True(t, c.Current(c.Stamp()))
		})
	}
	var nilCache *permission.Cache
	require.False(t, nilCache.Current(nilCache.Stamp()))
	require.False(t, (&permission.Cache{}).Current((&permission.Cache{}).Stamp()))
	require.False(t, permission.NewCache(versioned, 0).Current(permission.CacheStamp{}))
}

// TestCacheStampNeverVouchesForAStaleAccess: while a stamp is current, the
// Access taken after it reflects every change whose invalidation has
// returned, however the calls interleave. An invalidation that moved the
// epoch before it dropped the entry let a stamp with the new epoch find
// the old entry, and vouch for it until the next change.
func TestCacheStampNeverVouchesForAStaleAccess(t *testing.T) {
	inner := store(t, nil)
	s := &countingStore{inner: inner}
	c := permission.NewCache(s, 100_000)
	// Full shards, so that an invalidation takes long to copy one: the
	// moment between the epoch and the entry is wide.
	for i := range 30_000 {
		_, err := c.Access(ctx, org, permission.User(fmt.Sprint("u", i)))
		require.NoError(t, err)
	}
	const rounds = 1000
	var done atomic.Int64 // the rounds whose invalidation returned
	go func() {           // round n: alice gets role r<n>, and the cache is told
		defer done.Store(rounds + 1)
		for n := 1; n <= rounds; n++ {
			id := permission.RoleID(fmt.Sprint("r", n))
			if err := inner.PutRole(org, role(string(id), "a:b:c")); err != nil {
				t.Error(err)
				return
			}
			if err := inner.AddGrant(org, permission.Grant{Subject: alice, Role: id, AllDivisions: true}); err != nil {
				t.Error(err)
				return
			}
			c.Invalidate(org, alice)
			done.Store(int64(n))
		}
	}()
	// The reader keeps an access while its stamp is current, as a memo
	// does, and takes a new one when it is not.
	var stamp permission.CacheStamp
	var kept *permission.Access
	for done.Load() <= rounds {
		returned := done.Load()
		if kept != nil && c.Current(stamp) {
			if returned > 0 && returned <= rounds && !kept.HasRole(permission.RoleID(fmt.Sprint("r", returned)), permission.OrgWide()) {
				t.Fatalf("the stamp is current, but the access kept lacks round %d", returned)
			}
			continue
		}
		stamp = c.Stamp()
		var err error
		kept, err = c.Access(ctx, org, alice)
		require.NoError(t, err)
	}
}

// TestCacheKeepsSubjectsThatShareAnID: one ID as a user, a group and a
// client, each with its own access, are cached side by side, and
// invalidating one leaves the others cached.
func TestCacheKeepsSubjectsThatShareAnID(t *testing.T) {
	user, group, app := permission.User("x"), permission.Group("x"), permission.Client("x")
	inner := store(t, []permission.Role{role("editor", "directory:user:edit"), role("viewer", "directory:user:view")},
		permission.Grant{Subject: user, Role: "editor", AllDivisions: true},
		permission.Grant{Subject: group, Role: "viewer", AllDivisions: true})
	s := &countingStore{inner: inner}
	c := permission.NewCache(s, 0)
	holds := func(who permission.Subject, perm string) bool {
		t.Helper()
		a, err := c.Access(ctx, org, who)
		require.NoError(t, err)
		return a.Check(permission.MustAllOf(p(perm)), permission.OrgWide()).Satisfied()
	}
	check := func() {
		t.Helper()
		require.True(t, holds(user, "directory:user:edit"))
		require.False(t, holds(user, "directory:user:view"))
		require.True(t, holds(group, "directory:user:view"))
		require.False(t, holds(group, "directory:user:edit"))
		require.False(t, holds(app, "directory:user:edit"))
		require.False(t, holds(app, "directory:user:view"))
	}
	check()
	compiled := s.compiles.Load()
	check()
	require.Equal(t, compiled, s.compiles.Load(), "all three stay cached")
	for _, who := range []permission.Subject{group, user, app} {
		c.Invalidate(org, who)
		check()
		require.Equal(t, compiled+1, s.compiles.Load(), "only %v is compiled again", who)
		compiled = s.compiles.Load()
	}
}

// versionedStore hides that its store is a *MemStore but keeps its
// Version: a Cache over it takes the general path, one over the MemStore
// itself its shortcut for a hit.
type versionedStore struct{ *permission.MemStore }

// idOf returns an ID of n bytes, made different from the IDs of other
// lengths and variants by its first and last bytes.
func idOf(n, variant int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + (i*7+n+variant)%26)
	}
	if n > 0 {
		b[0] = byte('0' + variant%10)
	}
	return string(b)
}

// TestCacheAccessPathsAgree: over a MemStore, Access finds a hit in line,
// hashing the subject and comparing the key itself; over another store
// it goes the general way, as a miss, Invalidate and the cache's writes
// do. For IDs of every length to 40 bytes (0 to 3, 4 to 8, 9 to 16 and
// longer are hashed each their own way) and orgs of several lengths,
// both find what the other stored: a second Access returns the very
// Access of the first, for its own org and subject, and Invalidate drops
// it.
func TestCacheAccessPathsAgree(t *testing.T) {
	m := permission.NewMemStore()
	var orgs []permission.OrgID
	for _, n := range []int{1, 3, 4, 8, 9, 16, 17, 36} {
		o := permission.OrgID(idOf(n, 9))
		orgs = append(orgs, o)
		require.NoError(t, m.PutDivisions(o, testDivisions))
	}
	for name, st := range map[string]permission.Store{"in line": m, "general": versionedStore{m}} {
		t.Run(name, func(t *testing.T) {
			c := permission.NewCache(st, 100_000)
			for _, o := range orgs {
				for n := range 41 {
					for _, s := range []permission.Subject{permission.User(idOf(n, 0)), permission.Group(idOf(n, 0)), permission.Client(idOf(n, 1))} {
						first, err := c.Access(ctx, o, s)
						if n == 0 {
							require.ErrorIs(t, err, permission.ErrInvalid, "an empty ID is no subject")
							continue
						}
						require.NoError(t, err)
						require.Equal(t, o, first.Org())
						require.Equal(t, s, first.Subject())
						again, err := c.Access(ctx, o, s)
						require.NoError(t, err)
						require.Same(t, first, again, "%v in %q: a hit", s, o)
						c.Invalidate(o, s)
						fresh, err := c.Access(ctx, o, s)
						require.NoError(t, err)
						require.NotSame(t, first, fresh, "%v in %q: invalidated", s, o)
						again, err = c.Access(ctx, o, s)
						require.NoError(t, err)
						require.Same(t, fresh, again, "%v in %q: cached again", s, o)
					}
				}
			}
			// Every entry is still there, each its own subject's.
			for _, o := range orgs {
				for n := 1; n <= 40; n++ {
					s := permission.User(idOf(n, 0))
					a, err := c.Access(ctx, o, s)
					require.NoError(t, err)
					require.Equal(t, o, a.Org())
					require.Equal(t, s, a.Subject())
				}
			}
			// A change to the store makes every entry stale.
			s := permission.User(idOf(5, 0))
			before, err := c.Access(ctx, orgs[0], s)
			require.NoError(t, err)
			require.NoError(t, m.PutRole(orgs[0], role("r", "a:b:c")))
			require.NoError(t, m.AddGrant(orgs[0], permission.Grant{Subject: s, Role: "r", AllDivisions: true}))
			after, err := c.Access(ctx, orgs[0], s)
			require.NoError(t, err)
			require.NotSame(t, before, after)
			require.False(t, before.HasRole("r", permission.OrgWide()))
			require.True(t, after.HasRole("r", permission.OrgWide()))
			again, err := c.Access(ctx, orgs[0], s)
			require.NoError(t, err)
			require.Same(t, after, again)
			require.NoError(t, m.RemoveGrant(orgs[0], s, "r"))
			require.NoError(t, m.DeleteRole(orgs[0], "r"))
		})
	}
}
