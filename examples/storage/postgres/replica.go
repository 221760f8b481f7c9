package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scopegate/scopegate/examples/storage"
)

// DefaultMaxStaleness is a replica's staleness bound unless configured.
const DefaultMaxStaleness = time.Second

// ReplicaOptions configure a [Replica].
type ReplicaOptions struct {
	// MaxStaleness is how long after its last proof of a live change feed
	// the replica keeps answering from its cache; past it, it denies
	// (storage.ErrStale). Zero means DefaultMaxStaleness. Heartbeats go
	// every MaxStaleness/4.
	MaxStaleness time.Duration
	// Size is how many subjects' compiled permissions the cache keeps;
	// zero means permission.DefaultCacheSize.
	Size int
	// Log receives the listener's reconnections and resynchronisations;
	// nil discards them.
	Log *slog.Logger
}

// A Replica is one process's view of a [Store] shared with other
// processes: a storage.Cache that answers the enforcer's questions from
// memory, kept current by a listener on a dedicated connection (see the
// package documentation for the staleness bound). Pass it as Access,
// Revocations and Clients of enforce.Sources. It is safe for concurrent
// use. Close it to stop the listener.
type Replica struct {
	*storage.Cache
	store *Store
	opts  ReplicaOptions
	hb    string // this replica's heartbeat channel

	cancel context.CancelFunc
	done   chan struct{}

	pid                                      atomic.Uint32 // the listener's backend process ID, 0 when down
	connects, notifications, heartbeats, bad atomic.Uint64

	mu      sync.Mutex
	pending []ping // heartbeats sent, not yet back, oldest first
	seq     uint64
}

// A ping is a heartbeat sent and when.
type ping struct {
	seq  uint64
	sent time.Time
}

// NewReplica checks that the store's schema is current, loads the cache,
// starts the listener and waits until the feed is proven live. It fails if
// the database cannot be reached before ctx is done.
func NewReplica(ctx context.Context, s *Store, opts ReplicaOptions) (*Replica, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: postgres: a replica needs a store", storage.ErrInvalid)
	}
	if opts.MaxStaleness <= 0 {
		opts.MaxStaleness = DefaultMaxStaleness
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if err := s.Check(ctx); err != nil {
		return nil, err
	}
	var b [8]byte
	rand.Read(b[:])
	r := &Replica{store: s, opts: opts, hb: s.schema + "_hb_" + hex.EncodeToString(b[:]), done: make(chan struct{})}
	cache, err := storage.NewCache(ctx, s, storage.CacheOptions{MaxStaleness: opts.MaxStaleness, Size: opts.Size})
	if err != nil {
		return nil, err
	}
	r.Cache = cache
	first := make(chan error, 1)
	lctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.listen(lctx, first)
	select {
	case err = <-first:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("postgres: starting the replica's listener: %w", err)
	}
	return r, nil
}

// Close stops the listener and the cache; a closed replica denies.
func (r *Replica) Close() error {
	r.cancel()
	<-r.done
	return r.Cache.Close()
}

// Store returns the replica's store, for writes.
func (r *Replica) Store() *Store { return r.store }

// ListenerPID returns the PostgreSQL backend process ID of the listener's
// connection, or 0 while it is down: pg_terminate_backend(pid) cuts it.
func (r *Replica) ListenerPID() uint32 { return r.pid.Load() }

// ReplicaStats count what a replica's listener did.
type ReplicaStats struct {
	// Connects counts the listener's connections; more than one means it
	// reconnected.
	Connects uint64
	// Resyncs counts full reloads of the cache.
	Resyncs uint64
	// Notifications counts the changes received; Heartbeats the
	// heartbeats that came back.
	Notifications, Heartbeats uint64
	// Bad counts payloads that did not parse; each made the replica
	// reload everything.
	Bad uint64
}

// Stats returns the listener's counters.
func (r *Replica) Stats() ReplicaStats {
	return ReplicaStats{
		Connects: r.connects.Load(), Resyncs: r.Resyncs(),
		Notifications: r.notifications.Load(), Heartbeats: r.heartbeats.Load(), Bad: r.bad.Load(),
	}
}

// listen runs the listener until ctx is done: connect, LISTEN, resync,
// then apply notifications and send heartbeats until the connection
// fails, and again. first receives the outcome of the first connection.
func (r *Replica) listen(ctx context.Context, first chan<- error) {
	defer close(r.done)
	pause := 10 * time.Millisecond
	for ctx.Err() == nil {
		proven := make(chan struct{})
		err := r.session(ctx, proven, first)
		first = nil
		if ctx.Err() != nil {
			return
		}
		select {
		case <-proven:
			pause = 10 * time.Millisecond // it worked for a while: retry soon
		default:
		}
		r.opts.Log.Warn("scopegate replica: listener connection lost; reconnecting", "err", err, "pause", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// session is one connection of the listener. It closes proven once a
// heartbeat came back, and reports the first outcome to first (if not
// nil): nil once proven, else the error that ended it.
func (r *Replica) session(ctx context.Context, proven chan struct{}, first chan<- error) (err error) {
	report := func(err error) {
		if first != nil {
			first <- err
			first = nil
		}
	}
	defer func() { report(err) }()

	cfg := r.store.pool.Config().ConnConfig.Copy()
	cctx, cancel := context.WithTimeout(ctx, r.opts.MaxStaleness+5*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		r.pid.Store(0)
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	r.connects.Add(1)
	r.pid.Store(conn.PgConn().PID())
	for _, ch := range []string{r.store.channel, r.hb} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	// Listening now: every change committed from here on will arrive,
	// and the snapshot holds the ones before.
	asOf, err := r.Resync(ctx)
	if err != nil {
		return err
	}
	r.MarkFresh(asOf)
	r.mu.Lock()
	r.pending = r.pending[:0]
	r.mu.Unlock()

	interval := r.opts.MaxStaleness / 4
	next := time.Now() // the next heartbeat is due
	for {
		now := time.Now()
		if oldest, ok := r.oldestPending(); ok && now.Sub(oldest) > r.opts.MaxStaleness {
			return errors.New("a heartbeat did not come back in time")
		}
		if !now.Before(next) {
			if err := r.heartbeat(ctx, conn); err != nil {
				return err
			}
			next = now.Add(interval)
		}
		wctx, cancel := context.WithDeadline(ctx, next)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err):
			continue
		default:
			return err
		}
		if n.Channel == r.hb {
			if r.heartbeatBack(n.Payload) {
				report(nil)
				select {
				case <-proven:
				default:
					close(proven)
				}
			}
			continue
		}
		r.notifications.Add(1)
		ch, err := storage.ParseChange(n.Payload)
		if err != nil {
			r.bad.Add(1)
			r.opts.Log.Error("scopegate replica: a change notification does not parse; reloading everything", "err", err)
			ch = storage.Change{Kind: storage.Everything}
		}
		if err := r.Apply(ctx, ch); err != nil {
			return fmt.Errorf("applying a change: %w", err)
		}
	}
}

// heartbeat sends a heartbeat on the replica's own channel.
func (r *Replica) heartbeat(ctx context.Context, conn *pgx.Conn) error {
	r.mu.Lock()
	r.seq++
	p := ping{seq: r.seq, sent: time.Now()}
	r.pending = append(r.pending, p)
	r.mu.Unlock()
	hctx, cancel := context.WithTimeout(ctx, r.opts.MaxStaleness)
	defer cancel()
	_, err := conn.Exec(hctx, "SELECT pg_notify($1, $2)", r.hb, strconv.FormatUint(p.seq, 10))
	return err
}

// heartbeatBack records a heartbeat that came back, and marks the cache
// fresh as of when it was sent. It reports whether it was one of ours.
func (r *Replica) heartbeatBack(payload string) bool {
	seq, err := strconv.ParseUint(payload, 10, 64)
	if err != nil {
		return false
	}
	r.mu.Lock()
	var sent time.Time
	for i, p := range r.pending {
		if p.seq == seq {
			sent = p.sent
			r.pending = append(r.pending[:0], r.pending[i+1:]...)
			break
		}
	}
	r.mu.Unlock()
	if sent.IsZero() {
		return false
	}
	r.heartbeats.Add(1)
	r.MarkFresh(sent)
	return true
}

// oldestPending returns when the oldest heartbeat not yet back was sent.
func (r *Replica) oldestPending() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) == 0 {
		return time.Time{}, false
	}
	return r.pending[0].sent, true
}
