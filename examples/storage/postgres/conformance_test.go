package postgres_test

import (
	"testing"
	"time"

	"github.com/scopegate/scopegate/examples/storage/storetest"
)

// TestConformance runs the stores' conformance suite against PostgreSQL:
// two replicas' stores, each over a pool of its own, on one schema.
func TestConformance(t *testing.T) {
	dsn(t)
	storetest.Run(t, func(t *testing.T, now func() time.Time) (a, b storetest.Stores) {
		s := migrated(t, now)
		s2 := newStore(t, s.Schema(), now)
		return storetest.Stores{Clients: s, Grants: s, Directory: s}, storetest.Stores{Clients: s2, Grants: s2, Directory: s2}
	})
}
