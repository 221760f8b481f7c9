package postgres_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/storage/postgres"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// The benchmarks run a second replica, or a writer, in a process of its
// own: this test binary, started again with childVar set.
const (
	childVar       = "SCOPEGATE_TEST_CHILD"
	childSchemaVar = "SCOPEGATE_TEST_CHILD_SCHEMA"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childVar) {
	case "":
		os.Exit(m.Run())
	case "watch":
		os.Exit(watchChild())
	case "churn":
		os.Exit(churnChild())
	default:
		fmt.Fprintln(os.Stderr, "unknown child", os.Getenv(childVar))
		os.Exit(2)
	}
}

// startChild starts this test binary as a child process of the given
// kind on schema, and returns its stdin and its stdout, line by line. The
// child ends when its stdin closes, at the latest when the benchmark does.
func startChild(b *testing.B, kind, schema string) (io.WriteCloser, *bufio.Scanner) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childVar+"="+kind, childSchemaVar+"="+schema, dsnVar+"="+dsn(b))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(b, err)
	out, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() {
		in.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := bufio.NewScanner(out)
	require.True(b, lines.Scan(), "the child did not start")
	require.Equal(b, "started", lines.Text())
	return in, lines
}

// childStore opens the child's store over the benchmark's schema.
func childStore() (*postgres.Store, error) {
	return postgres.Open(context.Background(), os.Getenv(dsnVar), postgres.WithSchema(os.Getenv(childSchemaVar)))
}

// watchChild is replica B: for each token it reads (JSON, one a line) it
// waits until its enforcer allows the token and says "ready", then
// decides on it every 100 µs until it is denied, and says "denied", when
// (Unix nanoseconds), the code, and when it last allowed it.
func watchChild() int {
	s, err := childStore()
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		return 1
	}
	defer s.Close()
	r, err := postgres.NewReplica(context.Background(), s, postgres.ReplicaOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		return 1
	}
	defer r.Close()
	p, err := buildPolicy()
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		return 1
	}
	e, err := enforce.New(p, enforce.Sources{Access: r, Revocations: r, Clients: r})
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		return 1
	}
	fmt.Println("started")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var tok grant.Token
		if err := json.Unmarshal(in.Bytes(), &tok); err != nil {
			fmt.Fprintln(os.Stderr, "watch:", err)
			return 1
		}
		deadline := time.Now().Add(10 * time.Second)
		for decide(e, tok) != enforce.CodeAllowed {
			if time.Now().After(deadline) {
				fmt.Println("timeout")
				return 1
			}
			time.Sleep(100 * time.Microsecond)
		}
		fmt.Println("ready")
		var last time.Time
		for {
			now := time.Now()
			code := decide(e, tok)
			if code != enforce.CodeAllowed {
				fmt.Printf("denied %d %s %d\n", time.Now().UnixNano(), code, last.UnixNano())
				break
			}
			last = now
			if now.After(deadline) {
				fmt.Println("timeout")
				return 1
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	return 0
}

// BenchmarkPropagation measures how long a change made through replica A
// takes to reach replica B, another process with its own cache and
// connections: from the start of the write, and from its acknowledgement
// (the write returned), until B's enforcer denies. Each iteration is one
// trial; run at least 1,000:
//
//	go test -run '^$' -bench Propagation -benchtime 1000x ./examples/storage/postgres
//
// It reports the median, p90, p99 and maximum in milliseconds, and fails
// if B ever allowed the token after the acknowledgement plus B's
// staleness bound.
func BenchmarkPropagation(b *testing.B) {
	a := migrated(b, time.Now)
	w := setUp(b, a, 1)
	ra := newReplica(b, a, 0)
	in, out := startChild(b, "watch", a.Schema())
	user := userName(0)

	trial := func(b *testing.B, before func() grant.Token, change func(grant.Token) error, want enforce.Code) (fromStart, fromAck time.Duration) {
		tok := before()
		line, err := json.Marshal(tok)
		require.NoError(b, err)
		_, err = fmt.Fprintf(in, "%s\n", line)
		require.NoError(b, err)
		require.True(b, out.Scan())
		require.Equal(b, "ready", out.Text())
		start := time.Now()
		require.NoError(b, change(tok))
		ack := time.Now()
		require.True(b, out.Scan())
		var deniedNs, lastNs int64
		var code string
		_, err = fmt.Sscanf(out.Text(), "denied %d %s %d", &deniedNs, &code, &lastNs)
		require.NoError(b, err, out.Text())
		require.Equal(b, want.String(), code)
		if last := time.Unix(0, lastNs); last.After(ack.Add(postgres.DefaultMaxStaleness)) {
			b.Fatalf("replica B allowed the token %v after the change was acknowledged; the bound is %v", last.Sub(ack), postgres.DefaultMaxStaleness)
		}
		denied := time.Unix(0, deniedNs)
		return denied.Sub(start), denied.Sub(ack)
	}

	run := func(name string, before func() grant.Token, change func(grant.Token) error, want enforce.Code) {
		b.Run(name, func(b *testing.B) {
			var starts, acks []time.Duration
			for b.Loop() {
				s, k := trial(b, before, change, want)
				starts, acks = append(starts, s), append(acks, k)
			}
			b.ReportMetric(0, "ns/op")
			report(b, "start", starts)
			report(b, "ack", acks)
		})
	}

	run("revoke-token", func() grant.Token { return w.token(user) },
		func(t grant.Token) error { return ra.Store().RevokeToken(ctx, t) }, enforce.CodeTokenRevoked)

	app, err := a.Client(ctx, w.app.ID)
	require.NoError(b, err)
	run("disable-client", func() grant.Token {
		app.State = client.Active
		require.NoError(b, a.UpdateClient(ctx, app))
		app.Revision++
		return w.token(user)
	}, func(grant.Token) error {
		app.State, app.DisabledAt = client.Disabled, time.Now()
		err := a.UpdateClient(ctx, app)
		app.Revision++
		return err
	}, enforce.CodeClientDisabled)
	app.State = client.Active
	require.NoError(b, a.UpdateClient(ctx, app))

	run("remove-role", func() grant.Token {
		require.NoError(b, a.AddGrant(ctx, org, permission.Grant{Subject: permission.User(user), Role: "agent", AllDivisions: true}))
		return w.token(user)
	}, func(grant.Token) error {
		return a.RemoveGrant(ctx, org, permission.User(user), "agent")
	}, enforce.CodePermissionMissing)
}

// report adds the median, p90, p99 and maximum of ds, in milliseconds.
func report(b *testing.B, name string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		i := min(int(q*float64(len(ds))), len(ds)-1)
		return float64(ds[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), name+"-p50-ms")
	b.ReportMetric(at(0.9), name+"-p90-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
	b.ReportMetric(float64(ds[len(ds)-1])/float64(time.Millisecond), name+"-max-ms")
}

// Churn rates: how often the writer revokes a token and changes a user's
// role while the replicas decide.
const (
	revokeEvery = 5 * time.Millisecond  // 200 revocations/s
	roleEvery   = 50 * time.Millisecond // 20 role changes/s
	loadUsers   = 100
)

// churnChild is the writer of the load test, another replica's process:
// until its stdin closes it revokes tokens and takes users' roles away
// and gives them back, at the churn rates.
func churnChild() int {
	s, err := childStore()
	if err != nil {
		fmt.Fprintln(os.Stderr, "churn:", err)
		return 1
	}
	defer s.Close()
	fmt.Println("started")
	stop := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stop) }()
	if err := churn(context.Background(), stop, churnStore{s}); err != nil {
		fmt.Fprintln(os.Stderr, "churn:", err)
		return 1
	}
	return 0
}

// churner is what the churn changes: a store's revocations and grants.
type churner interface {
	RevokeToken(ctx context.Context, t grant.Token) error
	AddGrant(ctx context.Context, org permission.OrgID, g permission.Grant) error
	RemoveGrant(ctx context.Context, org permission.OrgID, s permission.Subject, role permission.RoleID) error
}

type churnStore struct{ *postgres.Store }

// churn revokes new tokens and toggles users' roles at the churn rates
// until stop closes.
func churn(ctx context.Context, stop <-chan struct{}, s churner) error {
	revoke, role := time.NewTicker(revokeEvery), time.NewTicker(roleEvery)
	defer revoke.Stop()
	defer role.Stop()
	held := make([]bool, loadUsers)
	for i := range held {
		held[i] = true
	}
	for i := 0; ; {
		select {
		case <-stop:
			return nil
		case <-revoke.C:
			now := time.Now()
			if err := s.RevokeToken(ctx, grant.Token{ID: grant.NewTokenID(), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				return err
			}
		case <-role.C:
			u := permission.User(userName(i % loadUsers))
			var err error
			if held[i%loadUsers] {
				err = s.RemoveGrant(ctx, org, u, "agent")
			} else {
				err = s.AddGrant(ctx, org, permission.Grant{Subject: u, Role: "agent", AllDivisions: true})
			}
			if err != nil {
				return err
			}
			held[i%loadUsers] = !held[i%loadUsers]
			i++
		}
	}
}

// queryCounter counts the queries a pool sends.
type queryCounter struct{ n atomic.Uint64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}
func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// BenchmarkDecide is the load test: an enforcer decides at full speed, on
// every core, on tokens of loadUsers users, while a writer revokes
// tokens and changes users' roles at the churn rates. memory: the memory
// stores, the writer a goroutine. postgres: a Replica over the PostgreSQL
// stores, the writer another process writing through its own store. It
// reports decisions per second, and for postgres the database's
// transactions per second (pg_stat_database) and the replica's queries
// per second.
//
//	go test -run '^$' -bench Decide -benchtime 5s ./examples/storage/postgres
func BenchmarkDecide(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		perms := permission.NewMemStore()
		clients := client.NewMemStore()
		grants := grant.NewMemStore(nil)
		divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
		require.NoError(b, err)
		require.NoError(b, perms.PutDivisions(org, divs))
		require.NoError(b, perms.PutRole(org, permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{viewUsers}}))
		for i := range loadUsers {
			require.NoError(b, perms.AddGrant(org, permission.Grant{Subject: permission.User(userName(i)), Role: "agent", AllDivisions: true}))
		}
		w := world{app: client.Client{ID: client.NewID(), Org: "vendor", Name: "Directory app", State: client.Active, GrantType: client.AuthorizationCode,
			TokenLifetime: time.Hour, Scopes: scope.MustParseSet("users:readonly"), RedirectURIs: []string{"https://app.example.com/cb"}}}
		require.NoError(b, clients.CreateClient(ctx, w.app))
		e := newEnforcer(b, memSource{permission.NewCache(client.PermissionStore{Users: perms, Clients: clients}, 0), grants, clients})
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- churn(ctx, stop, memChurner{perms, grants}) }()
		decideAll(b, e, w)
		close(stop)
		require.NoError(b, <-done)
	})
	b.Run("postgres", func(b *testing.B) {
		a := migrated(b, time.Now)
		w := setUp(b, a, loadUsers)
		cfg, err := pgxpool.ParseConfig(dsn(b))
		require.NoError(b, err)
		counter := &queryCounter{}
		cfg.ConnConfig.Tracer, cfg.MaxConns = counter, 4
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		require.NoError(b, err)
		b.Cleanup(pool.Close)
		s, err := postgres.New(pool, postgres.WithSchema(a.Schema()))
		require.NoError(b, err)
		r := newReplica(b, s, 0)
		e := newEnforcer(b, r)
		in, _ := startChild(b, "churn", a.Schema())
		xact := func() int64 {
			var n int64
			require.NoError(b, a.Pool().QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&n))
			return n
		}
		x0, q0, start := xact(), counter.n.Load(), time.Now()
		decideAll(b, e, w)
		elapsed := time.Since(start).Seconds()
		x1, q1 := xact(), counter.n.Load()
		in.Close()
		b.ReportMetric(float64(x1-x0)/elapsed, "db-xact/s")
		b.ReportMetric(float64(q1-q0)/elapsed, "replica-queries/s")
		b.Logf("replica: %+v", r.Stats())
	})
}

// decideAll decides on the users' tokens on every core until the
// benchmark is done, and reports decisions per second.
func decideAll(b *testing.B, e *enforce.Enforcer, w world) {
	tokens := make([]grant.Token, loadUsers)
	for i := range tokens {
		tokens[i] = w.token(userName(i))
	}
	var next atomic.Uint64
	var allowed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := next.Add(1) * 7919
		n := uint64(0)
		for pb.Next() {
			if decide(e, tokens[i%loadUsers]) == enforce.CodeAllowed {
				n++
			}
			i++
		}
		allowed.Add(n)
	})
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed, "decisions/s")
	b.ReportMetric(float64(allowed.Load())/float64(max(b.N, 1)), "allowed/op")
}

// memSource is the memory stores as an enforcer's sources.
type memSource struct {
	access  *permission.Cache
	revoked *grant.MemStore
	clients *client.MemStore
}

func (m memSource) Access(ctx context.Context, org permission.OrgID, s permission.Subject) (*permission.Access, error) {
	return m.access.Access(ctx, org, s)
}
func (m memSource) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	return m.revoked.IsRevoked(ctx, t)
}
func (m memSource) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	return m.clients.ClientStatus(ctx, id)
}

type memChurner struct {
	perms  *permission.MemStore
	grants *grant.MemStore
}

func (m memChurner) RevokeToken(ctx context.Context, t grant.Token) error {
	return m.grants.RevokeToken(ctx, t)
}
func (m memChurner) AddGrant(_ context.Context, org permission.OrgID, g permission.Grant) error {
	return m.perms.AddGrant(org, g)
}
func (m memChurner) RemoveGrant(_ context.Context, org permission.OrgID, s permission.Subject, role permission.RoleID) error {
	return m.perms.RemoveGrant(org, s, role)
}
