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

type divisions struct{ d *permission.Divisions }

func (s divisions) Divisions(context.Context, client.OrgID) (*permission.Divisions, error) {
	return s.d, nil
}

type fixture struct {
	t          testing.TB
	clock      *clock
	clients    *client.MemStore
	store      *grant.MemStore
	registry   *client.Registry
	authorizer *client.Authorizer
	issuer     *grant.Issuer
	validator  *grant.Validator
	admin      *permission.Access
}

func newFixture(t testing.TB, opts ...grant.Option) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, clients: client.NewMemStore()}
	perms := permission.NewMemStore()
	require.NoError(t, perms.PutRole(permission.Role{ID: "admin", Name: "Admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}))
	require.NoError(t, perms.PutRole(permission.Role{ID: "reporting", Name: "Reporting", Policies: []permission.Permission{permission.MustParse("analytics:*:view")}}))
	require.NoError(t, perms.AddGrant(permission.Grant{Subject: permission.User("admin"), Role: "admin", AllDivisions: true}))
	admin, err := permission.Compile(ctx, perms, permission.User("admin"))
	require.NoError(t, err)
	f.admin = admin
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	catalog := sample.Catalog()
	f.registry = client.NewRegistry(f.clients, catalog, perms, divisions{divs}, client.WithClock(f.clock.now))
	f.authorizer = client.NewAuthorizer(f.clients, f.clients, client.WithClock(f.clock.now))
	f.store = grant.NewMemStore(f.clock.now)
	opts = append([]grant.Option{grant.WithClock(f.clock.now)}, opts...)
	f.issuer = grant.NewIssuer(f.clients, f.clients, f.store, catalog, opts...)
	f.validator = grant.NewValidator(f.clients, f.store, opts...)
	return f
}

// app registers a client in the provider org and returns it with its
// secret.
func (f *fixture) app(reg client.Registration) (client.Client, client.Secret) {
	f.t.Helper()
	c, secret, err := f.registry.Create(ctx, f.admin, provider, reg)
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
	_, err := f.authorizer.Authorize(ctx, f.admin, customer, c.ID, granted)
	require.NoError(f.t, err)
}

func (f *fixture) update(c client.Client, change func(*client.Client)) client.Client {
	f.t.Helper()
	updated, err := f.registry.Update(ctx, f.admin, provider, c.ID, func(c *client.Client) error { change(c); return nil })
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
