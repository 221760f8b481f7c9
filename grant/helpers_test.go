package grant_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

const (
	provider client.OrgID = "provider-org" // registers the apps
	customer client.OrgID = "customer-org" // authorizes and uses them
	user                  = "agent-42"
)

var ctx = context.Background()

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

type fixture struct {
	t          testing.TB
	clock      *clock
	clients    *client.MemStore
	store      *grant.MemStore
	registry   *client.Registry
	authorizer *client.Authorizer
	issuer     *grant.Issuer
	validator  *grant.Validator
	perms      *permission.MemStore
	admin      *permission.Access // the provider's
	custAdmin  *permission.Access // the customer's
}

func newFixture(t testing.TB, opts ...grant.IssuerOption) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, clients: client.NewMemStore()}
	perms := permission.NewMemStore()
	f.perms = perms
	for _, org := range []client.OrgID{provider, customer} {
		divs, err := permission.NewDivisions(permission.Division{ID: permission.DivisionID(org + "-home"), Name: "Home", Home: true})
		require.NoError(t, err)
		require.NoError(t, perms.PutDivisions(org, divs))
		require.NoError(t, perms.PutRole(org, permission.Role{ID: "admin", Name: "Admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}))
		require.NoError(t, perms.PutRole(org, permission.Role{ID: "reporting", Name: "Reporting", Policies: []permission.Permission{permission.MustParse("analytics:*:view")}}))
		for _, role := range []permission.RoleID{"admin", "reporting"} {
			require.NoError(t, perms.AddGrant(org, permission.Grant{Subject: permission.User("admin@" + string(org)), Role: role, AllDivisions: true}))
		}
	}
	require.NoError(t, perms.AddUser(customer, user))
	require.NoError(t, perms.AddUser(provider, "agent-of-provider"))
	var err error
	f.admin, err = permission.Compile(ctx, perms, provider, permission.User("admin@"+string(provider)))
	require.NoError(t, err)
	f.custAdmin, err = permission.Compile(ctx, perms, customer, permission.User("admin@"+string(customer)))
	require.NoError(t, err)
	catalog := sample.Catalog()
	f.registry = client.NewRegistry(f.clients, catalog, perms, client.WithClock(f.clock.now))
	f.authorizer = client.NewAuthorizer(f.clients, f.clients, client.WithClock(f.clock.now))
	f.store = grant.NewMemStore(f.clock.now)
	opts = append([]grant.IssuerOption{grant.WithClock(f.clock.now)}, opts...)
	f.issuer = grant.NewIssuer(f.clients, f.clients, f.store, perms, catalog, opts...)
	f.validator = grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now))
	return f
}

// join makes user a member of org, making the org known if need be.
func (f *fixture) join(org client.OrgID, user string) {
	f.t.Helper()
	if _, err := f.perms.Divisions(ctx, org); err != nil {
		divs, err := permission.NewDivisions(permission.Division{ID: permission.DivisionID(org + "-home"), Name: "Home", Home: true})
		require.NoError(f.t, err)
		require.NoError(f.t, f.perms.PutDivisions(org, divs))
	}
	require.NoError(f.t, f.perms.AddUser(org, user))
}

// app registers a client in the provider org and returns it with its
// secret.
func (f *fixture) app(reg client.Registration) (client.Client, client.Secret) {
	f.t.Helper()
	c, secret, err := f.registry.Create(ctx, f.admin, reg)
	require.NoError(f.t, err)
	return c, secret
}

// desktop registers the agent desktop (authorization code) and has the
// customer org grant every scope it requests.
func (f *fixture) desktop() (client.Client, client.Secret) {
	f.t.Helper()
	c, secret := f.app(client.Registration{
		Name:          "Agent Desktop",
		GrantType:     client.AuthorizationCode,
		TokenLifetime: time.Hour,
		Scopes:        scopes("conversations:readonly conversations:call:control users:readonly presence:manage"),
		RedirectURIs:  []string{"https://desktop.example.com/cb"},
	})
	f.authorize(c, c.Scopes)
	return c, secret
}

func (f *fixture) authorize(c client.Client, granted scope.Set) {
	f.t.Helper()
	_, err := f.authorizer.Authorize(ctx, f.custAdmin, c.ID, granted)
	require.NoError(f.t, err)
}

func (f *fixture) update(c client.Client, change func(*client.Client)) client.Client {
	f.t.Helper()
	updated, err := f.registry.Update(ctx, f.admin, c.ID, func(c *client.Client) error { change(c); return nil })
	require.NoError(f.t, err)
	return updated
}

// authorizeRequest is a request of the test user for c.
func authorizeRequest(c client.Client, requested string) grant.AuthorizeRequest {
	req := grant.AuthorizeRequest{Org: customer, Client: c.ID, User: user, RedirectURI: c.RedirectURIs[0]}
	if requested != "" {
		req.Scopes = scopes(requested)
	}
	return req
}

// consent shows the user the prompt for req, and approves it.
func (f *fixture) consent(req grant.AuthorizeRequest) error {
	f.t.Helper()
	prompt, err := f.issuer.Prompt(ctx, req)
	if err != nil {
		return err
	}
	return f.issuer.Consent(ctx, req, prompt.ScopeSet(), true)
}

// consentAndCode has the user consent to req and returns a code for it.
func (f *fixture) consentAndCode(req grant.AuthorizeRequest) grant.Code {
	f.t.Helper()
	require.NoError(f.t, f.consent(req))
	code, err := f.issuer.AuthorizeCode(ctx, req)
	require.NoError(f.t, err)
	return code
}

func scopes(s string) scope.Set { return scope.MustParseSet(s) }

// pkce returns a verifier and its S256 challenge.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 64)[:64]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}
