package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/sqlite"
	"github.com/scopegate/scopegate/grant"
)

// One process, one database file: the store for the library's writes,
// the cache in front of it for the enforcer's questions.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "scopegate-example-")
	defer os.RemoveAll(dir)

	st, err := sqlite.Open(ctx, filepath.Join(dir, "scopegate.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		panic(err)
	}
	cache, err := storage.NewCache(ctx, st, storage.CacheOptions{})
	if err != nil {
		panic(err)
	}
	defer cache.Close()
	// client.NewRegistry(st, catalog, st), grant.NewIssuer(st, st, st, st, catalog),
	// enforce.New(policy, enforce.Sources{Access: cache, Revocations: cache, Clients: cache})

	tok := grant.Token{ID: grant.NewTokenID(), Client: client.NewID(), Org: "org-1", ExpiresAt: time.Now().Add(time.Hour)}
	if err := st.RevokeToken(ctx, tok); err != nil {
		panic(err)
	}
	revoked, err := cache.IsRevoked(ctx, tok) // from memory, at once
	fmt.Println(revoked, err)
	// Output: true <nil>
}
