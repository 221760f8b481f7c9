package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/storage/postgres"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// The tests' world: org-1 with one division, an agent role that may view
// users, users who hold it, and an app authorized to read users.
const org permission.OrgID = "org-1"

var viewUsers = permission.MustParse("directory:user:view")

// world is what setUp made.
type world struct {
	app client.Client
}

// setUp makes the world in the store's schema, with users user-0 to
// user-(n-1) holding the agent role.
func setUp(t testing.TB, s *postgres.Store, users int) world {
	t.Helper()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, errors.Join(
		s.PutDivisions(ctx, org, divs),
		s.PutRole(ctx, org, permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{viewUsers}}),
	))
	for i := range users {
		require.NoError(t, s.AddGrant(ctx, org, permission.Grant{Subject: permission.User(userName(i)), Role: "agent", AllDivisions: true}))
	}
	app := client.Client{ID: client.NewID(), Org: "vendor", Name: "Directory app", State: client.Active, GrantType: client.AuthorizationCode,
		TokenLifetime: time.Hour, Scopes: scope.MustParseSet("users:readonly"), RedirectURIs: []string{"https://app.example.com/cb"},
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	require.NoError(t, s.CreateClient(ctx, app))
	return world{app: app}
}

func userName(i int) string { return "user-" + itoa(i) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// token returns a token of the app for user, issued now.
func (w world) token(user string) grant.Token {
	now := time.Now()
	return grant.Token{ID: grant.NewTokenID(), Client: w.app.ID, Org: org, GrantType: client.AuthorizationCode, User: user,
		Scopes: scope.MustParseSet("users:readonly"), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
}

// newPolicy is the tests' one endpoint: it needs users:readonly and
// directory:user:view.
func newPolicy(t testing.TB) *enforce.Policy {
	t.Helper()
	p, err := buildPolicy()
	require.NoError(t, err)
	return p
}

func buildPolicy() (*enforce.Policy, error) {
	return enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: []enforce.Endpoint{{
		Method: "GET", Path: "/api/v2/users", Scopes: []scope.Scope{scope.MustParse("users:readonly")},
		Permissions: permission.MustAllOf(viewUsers),
	}}})
}

// a source is what an enforcer reads from: a replica, or memory stores.
type source interface {
	enforce.AccessSource
	grant.Revocations
	grant.ClientStatuses
}

func newEnforcer(t testing.TB, src source) *enforce.Enforcer {
	t.Helper()
	e, err := enforce.New(newPolicy(t), enforce.Sources{Access: src, Revocations: src, Clients: src})
	require.NoError(t, err)
	return e
}

// decide returns the enforcer's code for a call with tok.
func decide(e *enforce.Enforcer, tok grant.Token) enforce.Code {
	d, _ := e.Enforce(context.Background(), &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
	return d.Code()
}

// eventually waits up to a few seconds for f to hold.
func eventually(t testing.TB, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// newReplica returns a replica over s, closed when the test ends.
func newReplica(t testing.TB, s *postgres.Store, bound time.Duration) *postgres.Replica {
	t.Helper()
	r, err := postgres.NewReplica(ctx, s, postgres.ReplicaOptions{MaxStaleness: bound})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	return r
}
