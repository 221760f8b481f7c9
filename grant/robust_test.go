package grant_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// TestZeroValuesFailClosed: the zero MemStore works, and a validator that
// was never set up refuses every token instead of panicking.
func TestZeroValuesFailClosed(t *testing.T) {
	var s grant.MemStore
	id := client.NewID()
	require.NoError(t, s.AddConsent(ctx, grant.Consent{Org: customer, Client: id, User: user, Scopes: scopes("users:readonly")}))
	_, err := s.Consent(ctx, customer, id, user)
	require.NoError(t, err)
	tok := grant.Token{ID: grant.NewTokenID(), Client: id, Org: customer, GrantType: client.AuthorizationCode, User: user,
		IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	require.NoError(t, s.RevokeToken(ctx, tok))
	require.NoError(t, s.RevokeUser(ctx, customer, user, time.Now()))
	require.NoError(t, s.RevokeClient(ctx, id, time.Now()))
	revoked, err := s.IsRevoked(ctx, tok)
	require.NoError(t, err)
	require.True(t, revoked)
	require.NoError(t, s.PutCode(ctx, grant.CodeGrant{Hash: sha256.Sum256([]byte("code")), ExpiresAt: time.Now().Add(time.Minute)}))

	for _, v := range []*grant.Validator{nil, {}, grant.NewValidator(nil, nil)} {
		err := v.Validate(ctx, tok)
		require.Error(t, err)
		require.NotErrorIs(t, err, grant.ErrMalformed)
	}
}

// TestPromptWithoutCatalog: without a catalog the prompt still lists every
// scope, without descriptions.
func TestPromptWithoutCatalog(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	issuer := grant.NewIssuer(f.clients, f.clients, f.store, f.perms, nil)
	prompt, err := issuer.Prompt(ctx, authorizeRequest(app, "users:readonly"))
	require.NoError(t, err)
	require.Equal(t, []grant.ScopeDescription{{Scope: scopes("users:readonly").Scopes()[0]}}, prompt.Scopes)
}

// TestExchangeRechecksConsent: a user who withdraws consent after a code
// was issued stops the code from turning into a token.
func TestExchangeRechecksConsent(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	require.NoError(t, f.store.DeleteConsent(ctx, customer, app.ID, user))
	_, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.ErrorIs(t, err, grant.ErrConsentRequired)
}

// TestPublicClientCodeWithoutChallenge: a public client's code that somehow
// has no PKCE challenge (a store written by other code) is refused.
func TestPublicClientCodeWithoutChallenge(t *testing.T) {
	f := newFixture(t)
	public, _ := f.app(client.Registration{Name: "SPA", GrantType: client.AuthorizationCode, Public: true,
		Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://spa.example.com/cb"}})
	f.authorize(public, public.Scopes)
	require.NoError(t, f.consent(authorizeRequest(public, "")))
	require.NoError(t, f.store.PutCode(ctx, grant.CodeGrant{
		Hash: sha256.Sum256([]byte("planted")), Org: customer, Client: public.ID, User: user,
		RedirectURI: public.RedirectURIs[0], Scopes: public.Scopes,
		IssuedAt: f.clock.now(), ExpiresAt: f.clock.now().Add(time.Minute),
	}))
	_, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: public.ID, Code: grant.CodeFrom("planted"), RedirectURI: public.RedirectURIs[0]})
	require.ErrorIs(t, err, grant.ErrPKCE)
}

// TestChallengeMustBeCanonical: a challenge whose last character carries
// stray bits decodes to 32 bytes but can never equal a computed one; it is
// refused when the code is requested, not when it is exchanged.
func TestChallengeMustBeCanonical(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	_, challenge := pkce("abc")
	last := challenge[len(challenge)-1]
	// The last of 43 characters carries 2 bits of padding; flip one.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var idx int
	for i := range alphabet {
		if alphabet[i] == last {
			idx = i
		}
	}
	bad := challenge[:len(challenge)-1] + string(alphabet[idx^1])
	req := authorizeRequest(app, "")
	req.CodeChallenge, req.CodeChallengeMethod = bad, "S256"
	require.NoError(t, f.consent(req))
	_, err := f.issuer.AuthorizeCode(ctx, req)
	require.ErrorIs(t, err, grant.ErrPKCE)
}
