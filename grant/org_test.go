package grant_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// TestUserMustBelongToTheOrg: orgs are walls. The issuer gives a user a
// token, or a code, only in an org the user belongs to, by every user
// grant, and checks again when a code is exchanged.
func TestUserMustBelongToTheOrg(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	browser, _ := f.app(client.Registration{Name: "Browser", GrantType: client.Implicit,
		Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://b.example.com/cb"}})
	f.authorize(browser, browser.Scopes)
	bridge, bridgeSecret := f.app(client.Registration{Name: "SSO bridge", GrantType: client.SAML2Bearer, Scopes: scopes("users:readonly")})
	f.authorize(bridge, bridge.Scopes)

	outsider := "agent-of-provider" // a user of the provider org, not of the customer
	asOutsider := func(c client.Client) grant.AuthorizeRequest {
		r := authorizeRequest(c, "")
		r.User = outsider
		return r
	}
	_, err := f.issuer.Prompt(ctx, asOutsider(app))
	require.ErrorIs(t, err, grant.ErrNotMember)
	require.ErrorIs(t, f.issuer.Consent(ctx, asOutsider(app), app.Scopes, true), grant.ErrNotMember)
	_, err = f.issuer.AuthorizeCode(ctx, asOutsider(app))
	require.ErrorIs(t, err, grant.ErrNotMember)
	_, err = f.issuer.Implicit(ctx, asOutsider(browser))
	require.ErrorIs(t, err, grant.ErrNotMember)
	_, err = f.issuer.SAML2Bearer(ctx, grant.SAML2BearerRequest{Org: customer, Client: bridge.ID, Secret: bridgeSecret, User: outsider})
	require.ErrorIs(t, err, grant.ErrNotMember)
	require.Equal(t, "access_denied", grant.OAuthError(err))

	// A member gets a code; if the user leaves the org before the
	// exchange, the code gives no token.
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	require.NoError(t, f.perms.RemoveUser(customer, user))
	_, err = f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.ErrorIs(t, err, grant.ErrNotMember)
}

// TestZeroIssuerRefuses: an Issuer without its stores refuses every
// request with an error, never a panic.
func TestZeroIssuerRefuses(t *testing.T) {
	for name, i := range map[string]*grant.Issuer{"nil": nil, "zero": {}, "no stores": grant.NewIssuer(nil, nil, nil, nil, nil)} {
		t.Run(name, func(t *testing.T) {
			req := grant.AuthorizeRequest{Org: customer, Client: client.NewID(), User: user, RedirectURI: "https://x.example.com/cb"}
			_, err := i.Prompt(ctx, req)
			require.Error(t, err)
			require.Error(t, i.Consent(ctx, req, scopes("users:readonly"), true))
			_, err = i.AuthorizeCode(ctx, req)
			require.Error(t, err)
			_, err = i.Implicit(ctx, req)
			require.Error(t, err)
			_, err = i.Exchange(ctx, grant.ExchangeRequest{Client: req.Client, Code: grant.CodeFrom("x")})
			require.Error(t, err)
			_, err = i.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: customer, Client: req.Client})
			require.Error(t, err)
			_, err = i.SAML2Bearer(ctx, grant.SAML2BearerRequest{Org: customer, Client: req.Client, User: user})
			require.Error(t, err)
		})
	}
}
