package sample_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// anyDivision resolves every resource to the home division.
type anyDivision struct{}

func (anyDivision) ResolveDivision(context.Context, client.OrgID, string, string, string) (permission.DivisionID, error) {
	return "home", nil
}

// TestProfilesWork checks the data against itself: the table builds with
// the sample catalog, every profile call names an endpoint of the table,
// and a token with the profile's scopes, for a user (or client) holding
// the profile's role, is allowed on every call.
func TestProfilesWork(t *testing.T) {
	ctx := context.Background()
	perms := permission.NewMemStore()
	home, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, perms.PutDivisions("org", home))
	for _, r := range sample.Roles() {
		require.NoError(t, r.Validate())
		require.NoError(t, perms.PutRole("org", r))
	}
	clients := client.NewMemStore()
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()})
	require.NoError(t, err)
	routes := map[string]enforce.Endpoint{}
	for _, e := range policy.Endpoints() {
		routes[e.Route()] = e
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e, err := enforce.New(policy, enforce.Sources{
		Access:      permission.NewCache(client.PermissionStore{Users: perms, Clients: clients}, 0),
		Revocations: grant.NewMemStore(nil),
		Clients:     clients,
		Divisions:   anyDivision{},
	}, enforce.WithClock(func() time.Time { return now }))
	require.NoError(t, err)

	profiles := sample.Profiles()
	require.Len(t, profiles, 7)
	for _, p := range profiles {
		t.Run(p.Name, func(t *testing.T) {
			c := client.Client{ID: client.NewID(), Org: "org", Name: p.Name, State: client.Active, GrantType: p.GrantType,
				TokenLifetime: time.Hour, Scopes: p.Scopes}
			if p.GrantType.UsesRedirectURIs() {
				c.RedirectURIs = []string{"https://app.example.com/cb"}
			}
			user := ""
			if p.GrantType == client.ClientCredentials {
				c.Roles = []client.RoleAssignment{{Role: p.Role, Divisions: []permission.DivisionID{"home"}}}
			} else {
				user = "user-" + string(p.Role)
				require.NoError(t, perms.AddGrant("org", permission.Grant{Subject: permission.User(user), Role: p.Role, Divisions: []permission.DivisionID{"home"}}))
			}
			require.NoError(t, c.Validate(scopesample.Catalog()))
			require.NoError(t, clients.CreateClient(ctx, c))
			token := grant.Token{ID: grant.NewTokenID(), Client: c.ID, Org: "org", GrantType: p.GrantType, User: user, Scopes: p.Scopes,
				IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
			for _, call := range p.Calls {
				_, ok := routes[call]
				require.True(t, ok, "%s is not in the table", call)
				method, path, _ := strings.Cut(call, " ")
				path = strings.NewReplacer("{", "x-", "}", "").Replace(path)
				d, err := e.Enforce(ctx, &enforce.Request{Method: method, Path: path, Token: token})
				require.NoError(t, err)
				require.True(t, d.Allowed(), "%s: %s", call, d.Reason())
				require.Equal(t, call, d.Route())
			}
		})
	}
}

func TestCopies(t *testing.T) {
	a := sample.Endpoints()
	a[0].Method = "X"
	require.Equal(t, "GET", sample.Endpoints()[0].Method)
	j := sample.EndpointsJSON()
	j[0] = 'X'
	require.Equal(t, byte('{'), sample.EndpointsJSON()[0])
	p := sample.Profiles()
	p[0].Calls[0] = "X"
	require.NotEqual(t, "X", sample.Profiles()[0].Calls[0])
}
