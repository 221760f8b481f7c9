package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/postgres"
	"github.com/scopegate/scopegate/examples/storage/sqlite"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// backend is where the demo keeps everything: clients and their
// authorizations, consents, codes and revocations, and the orgs'
// divisions, members, roles and grants. Both SQL stores are one.
type backend interface {
	client.Store
	client.AuthorizationStore
	grant.Store
	permission.Store
	permission.MemberStore
	PutDivisions(ctx context.Context, org permission.OrgID, d *permission.Divisions) error
	AddUser(ctx context.Context, org permission.OrgID, user string) error
	PutRole(ctx context.Context, org permission.OrgID, r permission.Role) error
	AddGrant(ctx context.Context, org permission.OrgID, g permission.Grant) error
}

// hotPath answers the enforcer's questions from memory: a storage.Cache
// over SQLite, a postgres.Replica over PostgreSQL.
type hotPath interface {
	enforce.AccessSource
	grant.Revocations
	grant.ClientStatuses
}

var (
	_ backend = (*sqlite.Store)(nil)
	_ backend = (*postgres.Store)(nil)
	_ hotPath = (*storage.Cache)(nil)
	_ hotPath = (*postgres.Replica)(nil)
)

// openStores opens the demo's storage: PostgreSQL when cfg.postgres is
// set (a replica of its own, beside any other demo server on the same
// database), else an SQLite file in cfg.dataDir, or in a new temporary
// directory. It migrates the schema. close closes everything, and removes
// the temporary directory.
func openStores(ctx context.Context, cfg config) (backend, hotPath, func() error, error) {
	if cfg.postgres != "" {
		s, err := postgres.Open(ctx, cfg.postgres, postgres.WithClock(cfg.now))
		if err != nil {
			return nil, nil, nil, err
		}
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, nil, nil, err
		}
		r, err := postgres.NewReplica(ctx, s, postgres.ReplicaOptions{Log: cfg.log})
		if err != nil {
			s.Close()
			return nil, nil, nil, err
		}
		return s, r, func() error { err := r.Close(); s.Close(); return err }, nil
	}
	dir, temporary := cfg.dataDir, cfg.dataDir == ""
	if temporary {
		var err error
		if dir, err = os.MkdirTemp("", "scopegate-demoapi-"); err != nil {
			return nil, nil, nil, err
		}
	}
	fail := func(err error) (backend, hotPath, func() error, error) {
		if temporary {
			os.RemoveAll(dir)
		}
		return nil, nil, nil, err
	}
	s, err := sqlite.Open(ctx, filepath.Join(dir, "scopegate.db"), sqlite.WithClock(cfg.now))
	if err != nil {
		return fail(err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return fail(err)
	}
	c, err := storage.NewCache(ctx, s, storage.CacheOptions{Now: cfg.now})
	if err != nil {
		s.Close()
		return fail(err)
	}
	return s, c, func() error {
		err := errors.Join(c.Close(), s.Close())
		if temporary {
			err = errors.Join(err, os.RemoveAll(dir))
		}
		return err
	}, nil
}
