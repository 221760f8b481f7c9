package postgres_test

import (
	"context"
	"os"
	"time"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/storage/postgres"
)

// Each replica of a service: the store over a pool, the schema migrated
// (every replica may do it at start), and a Replica in front for the
// enforcer, fed by LISTEN/NOTIFY, denying past a second without proof
// that it is current.
func Example() {
	ctx := context.Background()
	st, err := postgres.Open(ctx, os.Getenv("SCOPEGATE_POSTGRES_DSN"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		panic(err)
	}
	replica, err := postgres.NewReplica(ctx, st, postgres.ReplicaOptions{MaxStaleness: time.Second})
	if err != nil {
		panic(err)
	}
	defer replica.Close()
	// client.NewRegistry(st, catalog, st), grant.NewIssuer(st, st, st, st, catalog), ...
	enforcer, err := enforce.New(nil, enforce.Sources{Access: replica, Revocations: replica, Clients: replica})
	if err != nil {
		panic(err)
	}
	_ = enforcer
}
