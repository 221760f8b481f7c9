package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// A Source is a store a [Cache] answers for: both SQL stores are Sources.
// The cache compiles permissions from it on a miss, rereads a client's
// status when told it changed, and loads everything from a [Snapshot]
// when it (re)synchronises.
type Source interface {
	permission.Store
	client.Store
	grant.ClientStatuses
	// Snapshot returns every revocation still kept and every client's
	// status, as of one instant.
	Snapshot(ctx context.Context) (*Snapshot, error)
}

// A Snapshot is what a [Cache] holds, loaded in one read.
type Snapshot struct {
	Tokens   []RevokedToken
	Users    []RevokedUser
	Clients  []RevokedClient
	Statuses map[client.ID]client.Status
}

// A RevokedToken is a token revoked by its ID, kept until Until: its
// expiry, or the latest it can be.
type RevokedToken struct {
	ID    grant.TokenID
	Until time.Time
}

// A RevokedUser is a revocation of every token of a user in an org
// issued at or before At.
type RevokedUser struct {
	Org  permission.OrgID
	User string
	At   time.Time
}

// A RevokedClient is a revocation of every token of a client issued at or
// before At.
type RevokedClient struct {
	Client client.ID
	At     time.Time
}

// CacheOptions configure a [Cache].
type CacheOptions struct {
	// MaxStaleness is how old the cache's content may be before it
	// refuses to answer. Zero means the cache is fed by this process's
	// own writes only (an embedded SQLite store used by one process): it
	// is never stale. A cache fed by a replica's change feed (PostgreSQL
	// LISTEN/NOTIFY) has a positive bound, and is stale until the feed
	// vouches for it with [Cache.MarkFresh].
	MaxStaleness time.Duration
	// Size is how many subjects' compiled permissions the cache keeps;
	// zero means permission.DefaultCacheSize.
	Size int
	// Now is the clock that sweeps expired revocations and times the
	// staleness bound; nil means time.Now.
	Now func() time.Time
}

// A Cache answers the questions an enforcer asks on every request (is the
// token revoked, what is its client's status, what may its subject do)
// from memory, in front of a [Source]. It implements grant.Revocations,
// grant.ClientStatuses and enforce.AccessSource: pass it as all three of
// enforce.Sources. It is safe for concurrent use.
//
// The cache learns of changes through [Cache.Apply]: from its source's
// own writes when the source is a [Notifier], and from a change feed such
// as the PostgreSQL replica's listener. It reloads everything with
// [Cache.Resync].
//
// A stale cache answers every question with an error wrapping ErrStale,
// and so an enforcer denies with 503 UNAVAILABLE: when a bounded cache
// has not been vouched for ([Cache.MarkFresh]) within MaxStaleness, and
// when a change could not be applied (a reread of a client's status
// failed), until a resynchronisation, retried in the background,
// succeeds.
type Cache struct {
	src    Source
	opts   CacheOptions
	access *permission.Cache

	revoked  atomic.Pointer[grant.MemStore]
	statuses atomic.Pointer[sync.Map] // client.ID → client.Status
	stale    atomic.Bool              // the hot path's one check

	mu sync.Mutex // serializes Apply and Resync

	fmu       sync.Mutex // guards what follows
	freshAsOf time.Time
	broken    bool // an Apply failed: stale until a Resync
	retrying  bool // a background Resync is running
	timer     *time.Timer
	closed    bool
	stop      func()

	resyncs atomic.Uint64
}

// errStale is what a stale cache answers: made once, so that a denial
// allocates nothing.
var errStale = fmt.Errorf("%w; denying until it catches up", ErrStale)

// NewCache loads a cache from src and returns it. When src is a
// [Notifier], the cache observes it, and sees this process's writes as
// soon as they commit. Close it to stop observing.
func NewCache(ctx context.Context, src Source, opts CacheOptions) (*Cache, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: a cache needs a source", ErrInvalid)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.MaxStaleness = max(opts.MaxStaleness, 0)
	c := &Cache{
		src:    src,
		opts:   opts,
		access: permission.NewCache(client.PermissionStore{Users: src, Clients: src}, opts.Size),
	}
	c.revoked.Store(grant.NewMemStore(opts.Now))
	c.statuses.Store(new(sync.Map))
	c.stale.Store(opts.MaxStaleness > 0) // until the feed vouches for it
	if _, err := c.Resync(ctx); err != nil {
		return nil, err
	}
	if n, ok := src.(Notifier); ok {
		c.stop = n.Observe(func(ctx context.Context, ch Change) { _ = c.Apply(ctx, ch) })
	}
	return c, nil
}

// Close stops observing the source and any background resynchronisation.
// A closed cache is stale.
func (c *Cache) Close() error {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.stale.Store(true)
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.stop != nil {
		c.stop()
	}
	return nil
}

// IsRevoked implements grant.Revocations, from memory: it takes no lock
// and allocates nothing.
func (c *Cache) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	if c.stale.Load() {
		return false, errStale
	}
	return c.revoked.Load().IsRevoked(ctx, t)
}

// ClientStatus implements grant.ClientStatuses, from memory for a client
// the cache knows: it takes no lock and allocates nothing. A client it
// does not know is asked of the source, every time: one registered on
// another replica a moment ago, whose change has not arrived yet, works
// at once rather than being refused until it does; an unknown one is
// client.ErrNotFound, and a source that fails is an error, which denies.
// The answer is not kept: only a change from the feed updates the cache,
// so a read that raced with a change cannot bring back a status the
// change replaced.
func (c *Cache) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	if c.stale.Load() {
		return client.Status{}, errStale
	}
	v, ok := c.statuses.Load().Load(id)
	if !ok {
		return c.src.ClientStatus(ctx, id)
	}
	st, _ := v.(client.Status)
	return st, nil
}

// Access implements enforce.AccessSource with a permission.Cache over
// the source: a hit takes no lock and allocates nothing; a miss compiles
// from the source.
func (c *Cache) Access(ctx context.Context, org permission.OrgID, s permission.Subject) (*permission.Access, error) {
	if c.stale.Load() {
		return nil, errStale
	}
	return c.access.Access(ctx, org, s)
}

// Apply applies a change: it records a revocation, rereads a client's
// status from the source, or drops compiled permissions; Everything
// resynchronises. Changes may come twice, or late: applying one again is
// harmless. If a change cannot be applied (the source failed), the cache
// is stale until a resynchronisation, which it retries in the background,
// succeeds; Apply returns the error.
func (c *Cache) Apply(ctx context.Context, ch Change) error {
	c.mu.Lock()
	err := c.apply(ctx, ch)
	c.mu.Unlock()
	if err != nil {
		c.breakDown()
	}
	return err
}

// apply applies ch; c.mu is held.
func (c *Cache) apply(ctx context.Context, ch Change) error {
	if err := ch.Check(); err != nil {
		return fmt.Errorf("%w: change: %v", ErrInvalid, err)
	}
	switch ch.Kind {
	case TokenRevoked:
		return c.revoked.Load().RevokeToken(ctx, grant.Token{ID: ch.Token, ExpiresAt: ch.At})
	case UserRevoked:
		return c.revoked.Load().RevokeUser(ctx, ch.Org, ch.User, ch.At)
	case ClientRevoked:
		return c.revoked.Load().RevokeClient(ctx, ch.Client, ch.At)
	case ClientChanged:
		st, err := c.src.ClientStatus(ctx, ch.Client)
		switch {
		case errors.Is(err, client.ErrNotFound):
			c.statuses.Load().Delete(ch.Client)
		case err != nil:
			return fmt.Errorf("storage: rereading the status of client %s: %w", ch.Client, err)
		default:
			c.statuses.Load().Store(ch.Client, st)
		}
		c.access.Invalidate(ch.Org, permission.Client(ch.Client.String()))
	case SubjectChanged:
		c.access.Invalidate(ch.Org, ch.Subject)
	case OrgChanged:
		// The permission cache cannot drop one org's entries alone.
		c.access.InvalidateAll()
	case Everything:
		_, err := c.resync(ctx)
		return err
	}
	return nil
}

// Resync reloads everything from the source, in one snapshot, and drops
// every compiled permission. It returns the time just before the
// snapshot was read: the cache holds every change committed before it. A
// change feed that was listening before Resync began may then call
// [Cache.MarkFresh] with it. A successful Resync ends the staleness of a
// failed Apply.
func (c *Cache) Resync(ctx context.Context) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	asOf, err := c.resync(ctx)
	if err != nil {
		return time.Time{}, err
	}
	c.fmu.Lock()
	c.broken = false
	c.update()
	c.fmu.Unlock()
	return asOf, nil
}

// resync is Resync under c.mu.
func (c *Cache) resync(ctx context.Context) (time.Time, error) {
	asOf := c.opts.Now()
	snap, err := c.src.Snapshot(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: loading the cache: %w", err)
	}
	revoked := grant.NewMemStore(c.opts.Now)
	for _, t := range snap.Tokens {
		if err := revoked.RevokeToken(ctx, grant.Token{ID: t.ID, ExpiresAt: t.Until}); err != nil {
			return time.Time{}, err
		}
	}
	for _, u := range snap.Users {
		if err := revoked.RevokeUser(ctx, u.Org, u.User, u.At); err != nil {
			return time.Time{}, err
		}
	}
	for _, r := range snap.Clients {
		if err := revoked.RevokeClient(ctx, r.Client, r.At); err != nil {
			return time.Time{}, err
		}
	}
	statuses := new(sync.Map)
	for id, st := range snap.Statuses {
		statuses.Store(id, st)
	}
	c.revoked.Store(revoked)
	c.statuses.Store(statuses)
	c.access.InvalidateAll()
	c.resyncs.Add(1)
	return asOf, nil
}

// Resyncs returns how many times the cache has loaded everything.
func (c *Cache) Resyncs() uint64 { return c.resyncs.Load() }

// MarkFresh records that the cache holds every change committed before
// asOf: a change feed calls it when it has proof (a heartbeat that went
// through the feed, or a Resync while listening). A bounded cache stays
// fresh until asOf + MaxStaleness.
func (c *Cache) MarkFresh(asOf time.Time) {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	if asOf.After(c.freshAsOf) {
		c.freshAsOf = asOf
	}
	c.update()
}

// FreshAsOf returns the time the cache was last vouched for, and whether
// it answers now.
func (c *Cache) FreshAsOf() (time.Time, bool) {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	return c.freshAsOf, !c.stale.Load()
}

// MaxStaleness returns the cache's staleness bound; zero for a cache fed
// only by its own process.
func (c *Cache) MaxStaleness() time.Duration { return c.opts.MaxStaleness }

// update sets the stale flag from the state, and arms the timer that
// turns it on when the bound passes; c.fmu is held.
func (c *Cache) update() {
	if c.closed {
		c.stale.Store(true)
		return
	}
	if c.broken {
		c.stale.Store(true)
		return
	}
	if c.opts.MaxStaleness == 0 {
		c.stale.Store(false)
		return
	}
	left := c.freshAsOf.Add(c.opts.MaxStaleness).Sub(c.opts.Now())
	if left <= 0 {
		c.stale.Store(true)
		return
	}
	c.stale.Store(false)
	if c.timer == nil {
		c.timer = time.AfterFunc(left, c.expire)
	} else {
		c.timer.Reset(left)
	}
}

// expire runs when the staleness bound may have passed.
func (c *Cache) expire() {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	c.update()
}

// breakDown makes the cache stale after a failed Apply, and resyncs in
// the background until it succeeds or the cache is closed.
func (c *Cache) breakDown() {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	c.broken = true
	c.update()
	if c.retrying || c.closed {
		return
	}
	c.retrying = true
	go c.retry()
}

// retry resyncs, with a growing pause, until the cache is whole again or
// closed.
func (c *Cache) retry() {
	pause := 10 * time.Millisecond
	for {
		c.fmu.Lock()
		if c.closed || !c.broken {
			c.retrying = false
			c.fmu.Unlock()
			return
		}
		c.fmu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := c.Resync(ctx)
		cancel()
		if err != nil {
			time.Sleep(pause)
			pause = min(2*pause, 2*time.Second)
		}
	}
}
