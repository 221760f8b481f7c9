package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

func divisions(t *testing.T, ds ...permission.Division) *permission.Divisions {
	t.Helper()
	d, err := permission.NewDivisions(ds...)
	require.NoError(t, err)
	return d
}

// org puts an org with Home and Sales divisions and two roles.
func org(t *testing.T, d Directory, id permission.OrgID) {
	t.Helper()
	require.NoError(t, errors.Join(
		d.PutDivisions(ctx, id, divisions(t, permission.Division{ID: permission.DivisionID(id) + "-home", Name: "Home", Home: true},
			permission.Division{ID: permission.DivisionID(id) + "-sales", Name: "Sales"})),
		d.PutRole(ctx, id, permission.Role{ID: "agent", Name: "Agent", Description: "takes calls",
			Policies: []permission.Permission{permission.MustParse("conversation:call:accept"), permission.MustParse("directory:user:view")}}),
		d.PutRole(ctx, id, permission.Role{ID: "admin", Name: "Admin", Policies: []permission.Permission{permission.MustParse("directory:*:*")}}),
	))
}

var directoryTests = []test{
	{"Directory/DivisionsAndOrgs", func(t *testing.T, e env) {
		_, err := e.a.Directory.Divisions(ctx, "org-1")
		require.ErrorIs(t, err, permission.ErrUnknownOrg)
		require.ErrorIs(t, e.a.Directory.PutDivisions(ctx, "", divisions(t, permission.Division{ID: "h", Name: "Home", Home: true})), permission.ErrInvalid)
		require.ErrorIs(t, e.a.Directory.PutDivisions(ctx, "org-1", nil), permission.ErrInvalid)
		org(t, e.a.Directory, "org-1")
		got, err := e.b.Directory.Divisions(ctx, "org-1")
		require.NoError(t, err)
		want := []permission.Division{{ID: "org-1-home", Name: "Home", Home: true}, {ID: "org-1-sales", Name: "Sales"}}
		if diff := cmp.Diff(want, got.All()); diff != "" {
			t.Errorf("Divisions (-want +got):\n%s", diff)
		}
		require.NoError(t, e.b.Directory.PutDivisions(ctx, "org-1", divisions(t, permission.Division{ID: "new-home", Name: "New home", Home: true})))
		got, err = e.a.Directory.Divisions(ctx, "org-1")
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Division{{ID: "new-home", Name: "New home", Home: true}}, got.All()); diff != "" {
			t.Errorf("PutDivisions replaces an org's divisions (-want +got):\n%s", diff)
		}
		_, err = e.a.Directory.Divisions(ctx, "org-2")
		require.ErrorIs(t, err, permission.ErrUnknownOrg, "another org")
	}},
	{"Directory/RolesAreTheOrgs", func(t *testing.T, e env) {
		r := permission.Role{ID: "agent", Name: "Agent", Policies: []permission.Permission{permission.MustParse("conversation:call:accept")}}
		require.ErrorIs(t, e.a.Directory.PutRole(ctx, "org-1", r), permission.ErrUnknownOrg, "a role of an unknown org")
		require.ErrorIs(t, e.a.Directory.PutRole(ctx, "org-1", permission.Role{ID: "x"}), permission.ErrInvalid, "a role without a name")
		org(t, e.a.Directory, "org-1")
		org(t, e.a.Directory, "org-2")
		r.Description = "replaced"
		require.NoError(t, e.a.Directory.PutRole(ctx, "org-1", r))
		got, err := e.b.Directory.Role(ctx, "org-1", "agent")
		require.NoError(t, err)
		if diff := cmp.Diff(r, got, opts); diff != "" {
			t.Errorf("Role (-want +got):\n%s", diff)
		}
		got, err = e.b.Directory.Role(ctx, "org-2", "agent")
		require.NoError(t, err)
		require.Equal(t, "takes calls", got.Description, "replacing org-1's role leaves org-2's")
		_, err = e.b.Directory.Role(ctx, "org-3", "agent")
		require.ErrorIs(t, err, permission.ErrRoleNotFound, "a role of another org")

		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: permission.User("alice"), Role: "agent", AllDivisions: true}))
		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: permission.User("alice"), Role: "admin", Divisions: []permission.DivisionID{"org-1-home"}}))
		require.NoError(t, e.b.Directory.DeleteRole(ctx, "org-1", "agent"))
		_, err = e.a.Directory.Role(ctx, "org-1", "agent")
		require.ErrorIs(t, err, permission.ErrRoleNotFound, "a deleted role")
		require.ErrorIs(t, e.a.Directory.DeleteRole(ctx, "org-1", "agent"), permission.ErrRoleNotFound, "deleting a deleted role")
		grants, err := e.a.Directory.Grants(ctx, "org-1", permission.User("alice"))
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Grant{{Subject: permission.User("alice"), Role: "admin", Divisions: []permission.DivisionID{"org-1-home"}}}, grants, opts); diff != "" {
			t.Errorf("deleting a role deletes its grants (-want +got):\n%s", diff)
		}
		_, err = e.a.Directory.Role(ctx, "org-2", "agent")
		require.NoError(t, err, "deleting org-1's role leaves org-2's")
	}},
	{"Directory/GrantsAddUp", func(t *testing.T, e env) {
		alice := permission.User("alice")
		g := permission.Grant{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-1-sales"}}
		require.ErrorIs(t, e.a.Directory.AddGrant(ctx, "org-1", g), permission.ErrUnknownOrg)
		org(t, e.a.Directory, "org-1")
		org(t, e.a.Directory, "org-2")
		require.ErrorIs(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "nobody", AllDivisions: true}), permission.ErrRoleNotFound)
		require.ErrorIs(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-2-home"}}),
			permission.ErrInvalid, "a division of another org")
		require.ErrorIs(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent"}), permission.ErrInvalid, "a grant without divisions")

		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-1", g))
		require.NoError(t, e.b.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "admin", AllDivisions: true}))
		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-1-home", "org-1-sales"}}))
		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-2", permission.Grant{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-2-home"}}))
		got, err := e.b.Directory.Grants(ctx, "org-1", alice)
		require.NoError(t, err)
		want := []permission.Grant{
			{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-1-home", "org-1-sales"}},
			{Subject: alice, Role: "admin", AllDivisions: true},
		}
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Errorf("grants of a role add up, in the order made (-want +got):\n%s", diff)
		}
		require.NoError(t, e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent", AllDivisions: true}))
		require.NoError(t, e.a.Directory.RemoveGrant(ctx, "org-1", alice, "admin"))
		require.NoError(t, e.a.Directory.RemoveGrant(ctx, "org-1", alice, "admin"), "removing a grant that is not there")
		got, err = e.b.Directory.Grants(ctx, "org-1", alice)
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Grant{{Subject: alice, Role: "agent", AllDivisions: true}}, got, opts); diff != "" {
			t.Errorf("after a grant in all divisions and a removal (-want +got):\n%s", diff)
		}
		got, err = e.b.Directory.Grants(ctx, "org-2", alice)
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Grant{{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-2-home"}}}, got, opts); diff != "" {
			t.Errorf("org-2's grants are its own (-want +got):\n%s", diff)
		}
		got, err = e.b.Directory.Grants(ctx, "org-1", permission.User("bob"))
		require.NoError(t, err)
		require.Empty(t, got, "a subject without grants")
	}},
	{"Directory/MembersAndGroups", func(t *testing.T, e env) {
		alice, team := permission.User("alice"), permission.Group("team")
		require.ErrorIs(t, e.a.Directory.AddUser(ctx, "org-1", "alice"), permission.ErrUnknownOrg)
		org(t, e.a.Directory, "org-1")
		org(t, e.a.Directory, "org-2")
		require.ErrorIs(t, e.a.Directory.AddUser(ctx, "org-1", ""), permission.ErrInvalid)
		require.NoError(t, e.a.Directory.AddUser(ctx, "org-1", "alice"))
		require.NoError(t, e.a.Directory.AddUser(ctx, "org-1", "alice"), "adding a member twice")
		for _, c := range []struct {
			org  permission.OrgID
			user string
			want bool
		}{{"org-1", "alice", true}, {"org-2", "alice", false}, {"org-1", "bob", false}} {
			got, err := e.b.Directory.IsMember(ctx, c.org, c.user)
			require.NoError(t, err)
			require.Equal(t, c.want, got, "IsMember(%s, %s)", c.org, c.user)
		}
		require.ErrorIs(t, e.a.Directory.AddMember(ctx, "org-1", alice, team), permission.ErrInvalid, "a user is no group")
		require.NoError(t, e.a.Directory.AddMember(ctx, "org-1", team, alice))
		require.NoError(t, e.a.Directory.AddMember(ctx, "org-1", permission.Group("night"), alice))
		require.NoError(t, e.a.Directory.AddMember(ctx, "org-1", team, alice), "adding a group member twice")
		require.NoError(t, e.b.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent", AllDivisions: true}))
		groups, err := e.b.Directory.Groups(ctx, "org-1", alice)
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Subject{team, permission.Group("night")}, groups); diff != "" {
			t.Errorf("Groups (-want +got):\n%s", diff)
		}
		groups, err = e.b.Directory.Groups(ctx, "org-2", alice)
		require.NoError(t, err)
		require.Empty(t, groups, "groups of another org")
		require.NoError(t, e.a.Directory.RemoveMember(ctx, "org-1", team, alice))
		groups, err = e.b.Directory.Groups(ctx, "org-1", alice)
		require.NoError(t, err)
		if diff := cmp.Diff([]permission.Subject{permission.Group("night")}, groups); diff != "" {
			t.Errorf("Groups after RemoveMember (-want +got):\n%s", diff)
		}
		require.NoError(t, e.b.Directory.RemoveUser(ctx, "org-1", "alice"))
		member, err := e.a.Directory.IsMember(ctx, "org-1", "alice")
		require.NoError(t, err)
		require.False(t, member)
		groups, err = e.a.Directory.Groups(ctx, "org-1", alice)
		require.NoError(t, err)
		require.Empty(t, groups, "a removed user's groups")
		grants, err := e.a.Directory.Grants(ctx, "org-1", alice)
		require.NoError(t, err)
		require.Empty(t, grants, "a removed user's grants")
	}},
	{"Directory/CompileAgrees", func(t *testing.T, e env) {
		// The permission package compiles the same access from any store.
		alice, team := permission.User("alice"), permission.Group("team")
		org(t, e.a.Directory, "org-1")
		require.NoError(t, errors.Join(
			e.a.Directory.AddUser(ctx, "org-1", "alice"),
			e.a.Directory.AddMember(ctx, "org-1", team, alice),
			e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: alice, Role: "agent", Divisions: []permission.DivisionID{"org-1-sales"}}),
			e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: team, Role: "admin", Divisions: []permission.DivisionID{"org-1-home"}}),
		))
		a, err := permission.Compile(ctx, e.b.Directory, "org-1", alice)
		require.NoError(t, err)
		for _, c := range []struct {
			perm string
			div  permission.DivisionID
			want bool
		}{
			{"conversation:call:accept", "org-1-sales", true},
			{"conversation:call:accept", "org-1-home", false},
			{"directory:user:edit", "org-1-home", true}, // through the group
			{"directory:user:edit", "org-1-sales", false},
		} {
			require.Equal(t, c.want, a.Has(permission.MustParse(c.perm), permission.In(c.div)), "%s in %s", c.perm, c.div)
		}
	}},
	{"Directory/GrantRacesRoleDeletion", func(t *testing.T, e env) {
		// A grant of a role deleted at the same time fails with
		// ErrRoleNotFound or is deleted with the role: never a grant of a
		// role that is gone.
		org(t, e.a.Directory, "org-1")
		for round := range rounds {
			role := permission.RoleID("temp")
			require.NoError(t, e.a.Directory.PutRole(ctx, "org-1", permission.Role{ID: role, Name: "Temp", Policies: []permission.Permission{permission.MustParse("directory:user:view")}}))
			user := permission.User("racer")
			var addErr, delErr error
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				addErr = e.a.Directory.AddGrant(ctx, "org-1", permission.Grant{Subject: user, Role: role, AllDivisions: true})
			}()
			go func() { defer wg.Done(); <-start; delErr = e.b.Directory.DeleteRole(ctx, "org-1", role) }()
			close(start)
			wg.Wait()
			require.NoError(t, delErr)
			if addErr != nil {
				require.ErrorIs(t, addErr, permission.ErrRoleNotFound, "round %d", round)
			}
			grants, err := e.a.Directory.Grants(ctx, "org-1", user)
			require.NoError(t, err)
			require.Empty(t, grants, "round %d: a grant of a deleted role", round)
		}
	}},
	{"Issuer/CodeFlowAndReplay", func(t *testing.T, e env) {
		// The grant package's issuer over the stores: a code exchanged
		// once gives a token; exchanged again, it revokes that token.
		org(t, e.a.Directory, "org-1")
		require.NoError(t, e.a.Directory.AddUser(ctx, "org-1", "alice"))
		c := sampleClient("vendor", e.clock.Now())
		c.DisabledAt, c.Credentials = time.Time{}, client.Credentials{}
		c.Public = true
		require.NoError(t, e.a.Clients.CreateClient(ctx, c))
		require.NoError(t, e.a.Clients.PutAuthorization(ctx, client.Authorization{Org: "org-1", Client: c.ID, Granted: c.Scopes}))
		issuers := []*grant.Issuer{
			grant.NewIssuer(e.a.Clients, e.a.Clients, e.a.Grants, e.a.Directory, nil, grant.WithClock(e.clock.Now)),
			grant.NewIssuer(e.b.Clients, e.b.Clients, e.b.Grants, e.b.Directory, nil, grant.WithClock(e.clock.Now)),
		}
		const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
		req := grant.AuthorizeRequest{Org: "org-1", Client: c.ID, User: "alice", RedirectURI: c.RedirectURIs[0],
			CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", CodeChallengeMethod: "S256"}
		prompt, err := issuers[0].Prompt(ctx, req)
		require.NoError(t, err)
		require.NoError(t, issuers[1].Consent(ctx, req, prompt.ScopeSet(), true))
		code, err := issuers[0].AuthorizeCode(ctx, req)
		require.NoError(t, err)
		x := grant.ExchangeRequest{Client: c.ID, Code: code, RedirectURI: req.RedirectURI, CodeVerifier: grant.CodeVerifierFrom(verifier)}
		tok, err := issuers[1].Exchange(ctx, x)
		require.NoError(t, err)
		require.True(t, tok.Scopes.Equal(scope.MustParseSet("presence users:readonly")), "the token's scopes: %s", tok.Scopes)
		_, err = issuers[0].Exchange(ctx, x)
		require.ErrorIs(t, err, grant.ErrCodeUsed)
		revoked, err := e.a.Grants.IsRevoked(ctx, tok)
		require.NoError(t, err)
		require.True(t, revoked, "a replayed code revokes the token of its first exchange")
	}},
}
