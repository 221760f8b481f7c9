package enforce_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// countingRevocations and countingClients count the lookups of the
// stores they wrap, and pass their versions on.
type countingRevocations struct {
	*grant.MemStore
	calls atomic.Int64
}

func (r *countingRevocations) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	r.calls.Add(1)
	return r.MemStore.IsRevoked(ctx, t)
}

type countingClients struct {
	*client.MemStore
	calls atomic.Int64
}

func (c *countingClients) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	c.calls.Add(1)
	return c.MemStore.ClientStatus(ctx, id)
}

// TestMemoSparesTheStores: with a memo, a token's stores are read on its
// first request only, and again after a change; its next requests read
// nothing and allocate nothing.
func TestMemoSparesTheStores(t *testing.T) {
	f := newFixture(t)
	revs, clients := &countingRevocations{MemStore: f.grants}, &countingClients{MemStore: f.clients}
	e := f.newEnforcer(enforce.Sources{Access: f.sources.Access, Revocations: revs, Clients: clients, Divisions: f.sources.Divisions})
	req := enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: f.token("agent", "users:readonly"), Memo: new(enforce.TokenMemo)}
	lookups := func() int64 { return revs.calls.Load() + clients.calls.Load() }
	decide := func() enforce.Decision {
		d, err := e.Enforce(ctx, &req)
		require.NoError(t, err)
		require.True(t, d.Allowed(), d.Reason())
		return d
	}

	decide()
	require.EqualValues(t, 2, lookups(), "the first request checks the token")
	var d enforce.Decision
	require.Zero(t, testing.AllocsPerRun(100, func() { d, _ = e.Enforce(ctx, &req) }))
	require.True(t, d.Allowed())
	require.Equal(t, "users:readonly", d.MatchedScope().String(), "worked out when read")
	require.Equal(t, permission.DivisionID("home"), d.Division())
	require.EqualValues(t, 2, lookups(), "the next ones read nothing")

	require.NoError(t, f.grants.RevokeToken(ctx, f.token("agent", "users:readonly")))
	decide()
	require.EqualValues(t, 4, lookups(), "a revocation of any token: the token is checked again")
	decide()
	require.EqualValues(t, 4, lookups())

	without := req
	without.Memo = nil
	e.Enforce(ctx, &without)
	require.EqualValues(t, 6, lookups(), "without the memo, every request checks the token")
}

// TestMemoFollowsChanges: whatever changes after a memo was filled, the
// token's next decision with the memo is the one without it.
func TestMemoFollowsChanges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *fixture, tok grant.Token)
		want   enforce.Code
	}{
		{"nothing", func(*fixture, grant.Token) {}, enforce.CodeAllowed},
		{"the token revoked", func(f *fixture, tok grant.Token) { require.NoError(t, f.grants.RevokeToken(ctx, tok)) }, enforce.CodeTokenRevoked},
		{"the user's tokens revoked", func(f *fixture, tok grant.Token) {
			require.NoError(t, f.grants.RevokeUser(ctx, org, "agent", f.clock.now()))
		}, enforce.CodeTokenRevoked},
		{"the client disabled", func(f *fixture, _ grant.Token) {
			c := f.desktop
			c.State, c.DisabledAt = client.Disabled, f.clock.now()
			require.NoError(t, f.clients.UpdateClient(ctx, c))
		}, enforce.CodeClientDisabled},
		{"the token expired", func(f *fixture, tok grant.Token) { f.clock.t = tok.ExpiresAt }, enforce.CodeTokenExpired},
		{"the grant removed", func(f *fixture, _ grant.Token) {
			require.NoError(t, f.perms.RemoveGrant(org, permission.User("agent"), "agent"))
		}, enforce.CodePermissionMissing},
		{"the grant moved to Sales", func(f *fixture, _ grant.Token) {
			require.NoError(t, f.perms.RemoveGrant(org, permission.User("agent"), "agent"))
			require.NoError(t, f.perms.AddGrant(org, permission.Grant{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"sales"}}))
		}, enforce.CodePermissionMissing},
		{"the role changed", func(f *fixture, _ grant.Token) {
			require.NoError(t, f.perms.PutRole(org, role("agent", "conversation:conversation:view")))
		}, enforce.CodePermissionMissing},
		{"a policy over another catalog", func(f *fixture, _ grant.Token) {
			// The same scope, numbered otherwise: scopes compiled against
			// the old catalog would not count.
			cat, err := scope.NewCatalog([]scope.Entry{
				{Scope: scope.MustParse("alpha"), Description: "First"},
				{Scope: scope.MustParse("users:readonly"), Description: "Read users"},
			})
			require.NoError(t, err)
			p, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: []enforce.Endpoint{
				{Method: "GET", Path: "/api/v2/users/{userId}", Scopes: []scope.Scope{scope.MustParse("users:readonly")},
					Permissions: permission.MustAllOf(permission.MustParse("directory:user:view")), Division: "{userId}"}}})
			require.NoError(t, err)
			f.enforcer.Swap(p)
		}, enforce.CodeAllowed},
		{"a policy that wants another scope", func(f *fixture, _ grant.Token) {
			p, err := enforce.NewPolicy(enforce.Config{Catalog: f.catalog, Endpoints: []enforce.Endpoint{
				{Method: "GET", Path: "/api/v2/users/{userId}", Scopes: []scope.Scope{scope.MustParse("users")},
					Permissions: permission.MustAllOf(permission.MustParse("directory:user:view")), Division: "{userId}"}}})
			require.NoError(t, err)
			f.enforcer.Swap(p)
			// Without the scope the resource is not looked up, and the
			// agent holds the permission in one division only.
		}, enforce.CodeScopeAndPermissionMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tok := f.token("agent", "users:readonly")
			memo := new(enforce.TokenMemo)
			decide := func(m *enforce.TokenMemo) enforce.Decision {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: tok, Memo: m})
				require.NoError(t, err)
				return d
			}
			for range 2 { // filled, then current
				require.True(t, decide(memo).Allowed())
			}
			tc.change(f, tok)
			for range 2 {
				with, without := decide(memo), decide(nil)
				require.Equal(t, tc.want.String(), with.Code().String(), with.Reason())
				require.Equal(t, without.Code(), with.Code())
				require.Equal(t, without.Causes(), with.Causes())
				require.Equal(t, without.MatchedScope(), with.MatchedScope())
				require.Equal(t, without.Reason(), with.Reason())
			}
		})
	}
}

// TestMemoServesOnlyItsToken: a memo filled for one token lends nothing to
// a token that differs in any claim, nor to another enforcer: their
// decisions are those without a memo, and the memo still serves its own
// token afterwards.
func TestMemoServesOnlyItsToken(t *testing.T) {
	f := newFixture(t)
	revs := &countingRevocations{MemStore: f.grants}
	e := f.newEnforcer(enforce.Sources{Access: f.sources.Access, Revocations: revs, Clients: f.clients, Divisions: f.sources.Divisions})
	admin := f.token("admin", "users conversations presence:manage")
	memo := new(enforce.TokenMemo)
	request := func(tok grant.Token, m *enforce.TokenMemo) *enforce.Request {
		return &enforce.Request{Method: "GET", Path: "/api/v2/users/u-sales", Token: tok, Memo: m}
	}
	d, err := e.Enforce(ctx, request(admin, memo))
	require.NoError(t, err)
	require.True(t, d.Allowed(), d.Reason())

	other := map[string]func(*grant.Token){
		"another ID":         func(t *grant.Token) { t.ID = grant.NewTokenID() },
		"another user":       func(t *grant.Token) { t.User = "agent" },
		"a user without any": func(t *grant.Token) { t.User = "nobody" },
		"another org":        func(t *grant.Token) { t.Org = vendor },
		"another client":     func(t *grant.Token) { t.Client = f.disabled.ID },
		"client credentials": func(t *grant.Token) { t.GrantType, t.User, t.Scopes = client.ClientCredentials, "", scope.Set{} },
		"fewer scopes":       func(t *grant.Token) { t.Scopes = scope.MustParseSet("conversations") },
		"no scopes":          func(t *grant.Token) { t.Scopes = scope.Set{} },
		"issued later":       func(t *grant.Token) { t.IssuedAt = t.IssuedAt.Add(time.Second) },
		"expiring earlier":   func(t *grant.Token) { t.ExpiresAt = f.clock.now() },
	}
	for name, change := range other {
		t.Run(name, func(t *testing.T) {
			tok := admin
			change(&tok)
			for range 2 {
				with, err := e.Enforce(ctx, request(tok, memo))
				require.NoError(t, err)
				without, err := e.Enforce(ctx, request(tok, nil))
				require.NoError(t, err)
				require.Equal(t, without.Code().String(), with.Code().String(), with.Reason())
				require.Equal(t, without.Causes(), with.Causes())
				require.Equal(t, without.Reason(), with.Reason())
			}
			before := revs.calls.Load()
			d, err := e.Enforce(ctx, request(admin, memo))
			require.NoError(t, err)
			require.True(t, d.Allowed())
			require.Equal(t, before, revs.calls.Load(), "the memo still holds its token's checks")
		})
	}

	t.Run("another enforcer", func(t *testing.T) {
		revs := &countingRevocations{MemStore: f.grants}
		other := f.newEnforcer(enforce.Sources{Access: f.sources.Access, Revocations: revs, Clients: f.clients, Divisions: f.sources.Divisions})
		for range 2 {
			d, err := other.Enforce(ctx, request(admin, memo))
			require.NoError(t, err)
			require.True(t, d.Allowed())
		}
		require.EqualValues(t, 2, revs.calls.Load(), "it checks the token every time")
	})
}

// TestMemoWithUnversionedStores: with stores that cannot tell when they
// change, a memo stays empty, and every request is checked in full.
func TestMemoWithUnversionedStores(t *testing.T) {
	f := newFixture(t)
	revs := &countingRevocations{MemStore: f.grants}
	e := f.newEnforcer(enforce.Sources{Access: f.sources.Access, Revocations: unversioned{revs}, Clients: f.clients})
	req := enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "users:readonly"), Memo: new(enforce.TokenMemo)}
	var d enforce.Decision
	require.Zero(t, testing.AllocsPerRun(10, func() { d, _ = e.Enforce(ctx, &req) }), "no memo is filled, so nothing is allocated")
	require.True(t, d.Allowed())
	require.EqualValues(t, 11, revs.calls.Load())
	require.NoError(t, f.grants.RevokeToken(ctx, req.Token))
	d, _ = e.Enforce(ctx, &req)
	require.Equal(t, enforce.CodeTokenRevoked, d.Code())
}

// unversioned hides a store's revocation version.
type unversioned struct{ grant.Revocations }

// TestMemoUnderConcurrentChanges: decisions with one memo from several
// goroutines, while policies swap and permissions change, are each
// either of the decisions the states allow, and race-free.
func TestMemoUnderConcurrentChanges(t *testing.T) {
	f := newFixture(t)
	tok := f.token("agent", "users:readonly")
	memo := new(enforce.TokenMemo)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			f.enforcer.Swap(f.policy)
			if i%2 == 0 {
				_ = f.perms.RemoveGrant(org, permission.User("agent"), "agent")
			} else {
				_ = f.perms.AddGrant(org, permission.Grant{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"home"}})
			}
		}
	}()
	var workers sync.WaitGroup
	for range 4 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for range 2000 {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: tok, Memo: memo})
				if err != nil {
					t.Error(err)
					return
				}
				if c := d.Code(); c != enforce.CodeAllowed && c != enforce.CodePermissionMissing {
					t.Errorf("decision %v: %s", c, d.Reason())
					return
				}
			}
		}()
	}
	workers.Wait()
	stop.Store(true)
	wg.Wait()
	// Once the changes stop, the memo follows the last of them.
	require.NoError(t, f.perms.AddGrant(org, permission.Grant{Subject: permission.User("agent"), Role: "agent", Divisions: []permission.DivisionID{"home"}}))
	d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: tok, Memo: memo})
	require.NoError(t, err)
	require.True(t, d.Allowed(), d.Reason())
}

// TestMemoWithLiveScopes: with a live scope source, a memo does not keep
// the token's scopes: a scope taken from the client counts no more at
// once, memo or not, and the matched scope is the one still held.
func TestMemoWithLiveScopes(t *testing.T) {
	clients := client.NewMemStore()
	authorizer := client.NewAuthorizer(clients, clients)
	f := newFixtureWith(t, func(s *enforce.Sources) { s.Scopes = authorizer })
	app := f.addClient(client.Client{Name: "Directory", GrantType: client.AuthorizationCode, State: client.Active,
		Scopes: scope.MustParseSet("users users:readonly"), RedirectURIs: []string{"https://dir.example.com/cb"}})
	require.NoError(t, clients.CreateClient(ctx, app))
	require.NoError(t, clients.PutAuthorization(ctx, client.Authorization{Org: org, Client: app.ID, Granted: scope.MustParseSet("users users:readonly")}))
	tok := f.token("admin", "users users:readonly")
	tok.Client = app.ID
	memo := new(enforce.TokenMemo)
	decide := func() enforce.Decision {
		d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok, Memo: memo})
		require.NoError(t, err)
		return d
	}
	for range 2 {
		d := decide()
		require.True(t, d.Allowed(), d.Reason())
		require.Equal(t, "users:readonly", d.MatchedScope().String(), "the narrowest")
	}
	require.NoError(t, clients.PutAuthorization(ctx, client.Authorization{Org: org, Client: app.ID, Granted: scope.MustParseSet("users")}))
	d := decide()
	require.True(t, d.Allowed(), d.Reason())
	require.Equal(t, "users", d.MatchedScope().String(), "the one still authorized")
	require.NoError(t, clients.DeleteAuthorization(ctx, org, app.ID))
	require.Equal(t, enforce.CodeScopeMissing, decide().Code())
}

// TestRefusedTokenIsCheckedOnce: a token the stores refuse is checked
// once per decision, with a memo or without, and denied as revoked.
func TestRefusedTokenIsCheckedOnce(t *testing.T) {
	f := newFixture(t)
	revs := &countingRevocations{MemStore: f.grants}
	e := f.newEnforcer(enforce.Sources{Access: f.sources.Access, Revocations: revs, Clients: f.clients, Divisions: f.sources.Divisions})
	tok := f.token("agent", "users:readonly")
	require.NoError(t, f.grants.RevokeToken(ctx, tok))
	for _, memo := range []*enforce.TokenMemo{nil, new(enforce.TokenMemo)} {
		revs.calls.Store(0)
		d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/me", Token: tok, Memo: memo})
		require.NoError(t, err)
		require.Equal(t, enforce.CodeTokenRevoked.String(), d.Code().String(), d.Reason())
		require.Equal(t, int64(1), revs.calls.Load(), "memo %v", memo != nil)
	}
}
