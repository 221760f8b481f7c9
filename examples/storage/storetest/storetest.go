// Package storetest is the conformance suite of scopegate's stores: one
// set of tests, run against the memory stores of the client, grant and
// permission packages, the SQLite stores and the PostgreSQL stores, that
// checks what each store interface documents, its concurrency guarantees
// included: two replicas rotating the same secret (one wins), a consent
// racing its withdrawal, a code exchange racing a replay.
//
// A store package runs it from a test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) (a, b storetest.Stores) {
//			// two handles on one new, empty database: two replicas' stores
//		})
//	}
package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// ClientStore is what a store of clients implements.
type ClientStore interface {
	client.Store
	client.AuthorizationStore
	grant.ClientStatuses
}

// A Directory is a permission store with its writes: what the issuer and
// the enforcer read, and what an admin changes. Every method takes the
// org: orgs are walls.
type Directory interface {
	permission.Store
	permission.MemberStore
	PutDivisions(ctx context.Context, org permission.OrgID, d *permission.Divisions) error
	AddUser(ctx context.Context, org permission.OrgID, user string) error
	RemoveUser(ctx context.Context, org permission.OrgID, user string) error
	PutRole(ctx context.Context, org permission.OrgID, r permission.Role) error
	DeleteRole(ctx context.Context, org permission.OrgID, id permission.RoleID) error
	AddGrant(ctx context.Context, org permission.OrgID, g permission.Grant) error
	RemoveGrant(ctx context.Context, org permission.OrgID, s permission.Subject, role permission.RoleID) error
	AddMember(ctx context.Context, org permission.OrgID, group, user permission.Subject) error
	RemoveMember(ctx context.Context, org permission.OrgID, group, user permission.Subject) error
}

// Stores are one replica's handles on a database.
type Stores struct {
	Clients   ClientStore
	Grants    grant.Store
	Directory Directory
}

// Open returns two replicas' stores over one new, empty database, whose
// clocks (for sweeping expired codes and revocations) read now. The memory
// stores' second replica is the first one.
type Open func(t *testing.T, now func() time.Time) (a, b Stores)

// MemStores returns the memory stores of the client, grant and permission
// packages, as an Open does, for the suite's own test and for comparison.
func MemStores(_ *testing.T, now func() time.Time) (a, b Stores) {
	clients := client.NewMemStore()
	s := Stores{Clients: clients, Grants: grant.NewMemStore(now), Directory: MemDirectory{permission.NewMemStore()}}
	return s, s
}

// MemDirectory is a permission.MemStore as a [Directory]: its writes take
// no context.
type MemDirectory struct{ *permission.MemStore }

func (m MemDirectory) PutDivisions(_ context.Context, org permission.OrgID, d *permission.Divisions) error {
	return m.MemStore.PutDivisions(org, d)
}
func (m MemDirectory) AddUser(_ context.Context, org permission.OrgID, user string) error {
	return m.MemStore.AddUser(org, user)
}
func (m MemDirectory) RemoveUser(_ context.Context, org permission.OrgID, user string) error {
	return m.MemStore.RemoveUser(org, user)
}
func (m MemDirectory) PutRole(_ context.Context, org permission.OrgID, r permission.Role) error {
	return m.MemStore.PutRole(org, r)
}
func (m MemDirectory) DeleteRole(_ context.Context, org permission.OrgID, id permission.RoleID) error {
	return m.MemStore.DeleteRole(org, id)
}
func (m MemDirectory) AddGrant(_ context.Context, org permission.OrgID, g permission.Grant) error {
	return m.MemStore.AddGrant(org, g)
}
func (m MemDirectory) RemoveGrant(_ context.Context, org permission.OrgID, s permission.Subject, role permission.RoleID) error {
	return m.MemStore.RemoveGrant(org, s, role)
}
func (m MemDirectory) AddMember(_ context.Context, org permission.OrgID, group, user permission.Subject) error {
	return m.MemStore.AddMember(org, group, user)
}
func (m MemDirectory) RemoveMember(_ context.Context, org permission.OrgID, group, user permission.Subject) error {
	return m.MemStore.RemoveMember(org, group, user)
}

// Clock is a clock tests move; safe for concurrent use.
type Clock struct{ ns atomic.Int64 }

// NewClock returns a clock that reads t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.ns.Store(t.UnixNano())
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

// Add moves the clock.
func (c *Clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// Start is when every test's clock starts: a time with nanoseconds, so
// that a store that rounds times fails.
var Start = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)

// A test of the suite: it gets a fresh database's two replicas and their
// clock.
type test struct {
	name string
	run  func(t *testing.T, e env)
}

type env struct {
	a, b  Stores
	clock *Clock
}

// Run runs the conformance suite, each test on a new database from open.
func Run(t *testing.T, open Open) {
	for _, group := range [][]test{clientTests, authorizationTests, consentTests, codeTests, revocationTests, directoryTests} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				clock := NewClock(Start)
				a, b := open(t, clock.Now)
				tc.run(t, env{a: a, b: b, clock: clock})
			})
		}
	}
}

var ctx = context.Background()
