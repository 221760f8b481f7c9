package grant_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func TestAuthorizationCodeFlow(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")

	prompt, err := f.issuer.Prompt(ctx, req)
	require.NoError(t, err)
	require.False(t, prompt.Consented)
	want := grant.Prompt{App: "Agent Desktop", Scopes: []grant.ScopeDescription{
		{Scope: scope.MustParse("conversations:call:control"), Description: "Transfer, hold and disconnect calls"},
		{Scope: scope.MustParse("conversations:readonly"), Description: "View conversations"},
		{Scope: scope.MustParse("presence:manage"), Description: "Change presence status"},
		{Scope: scope.MustParse("users:readonly"), Description: "Read user information"},
	}}
	if diff := cmp.Diff(want, prompt, cmp.Comparer(func(a, b scope.Scope) bool { return a == b })); diff != "" {
		t.Errorf("the prompt shows the app's name and every scope with its description (-want +got):\n%s", diff)
	}

	_, err = f.issuer.AuthorizeCode(ctx, req)
	require.ErrorIs(t, err, grant.ErrConsentRequired, "no code before consent")

	code := f.consentAndCode(req)
	require.Equal(t, "[redacted]", fmt.Sprint(code))
	require.Equal(t, "grant.Code([redacted])", fmt.Sprintf("%#v", code))
	require.Len(t, code.Reveal(), 43)

	f.clock.advance(10 * time.Second)
	tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.NoError(t, err)
	require.True(t, tok.ID.IsValid())
	require.Equal(t, app.ID, tok.Client)
	require.Equal(t, customer, tok.Org)
	require.Equal(t, user, tok.User)
	require.Equal(t, client.AuthorizationCode, tok.GrantType)
	require.Equal(t, app.Scopes.String(), tok.Scopes.String())
	require.Equal(t, f.clock.now(), tok.IssuedAt)
	require.Equal(t, f.clock.now().Add(time.Hour), tok.ExpiresAt, "expiry from the client's lifetime")
	require.Equal(t, permission.User(user), tok.Subject())
	require.NoError(t, f.validator.Validate(ctx, tok))

	prompt, err = f.issuer.Prompt(ctx, req)
	require.NoError(t, err)
	require.True(t, prompt.Consented, "the consent is remembered")
}

func TestEffectiveScopes(t *testing.T) {
	tests := []struct {
		name      string
		granted   string // the org's authorization
		requested string // "" for the client's scopes
		want      string
		err       error
	}{
		{name: "everything", granted: "conversations:readonly conversations:call:control users:readonly presence:manage", want: "conversations:call:control conversations:readonly presence:manage users:readonly"},
		{name: "org grants a subset", granted: "conversations:readonly users:readonly", want: "conversations:readonly users:readonly"},
		{name: "request a subset", granted: "conversations:readonly conversations:call:control users:readonly presence:manage", requested: "users:readonly", want: "users:readonly"},
		{name: "request beyond the authorization is cut", granted: "users:readonly", requested: "users:readonly presence:manage", want: "users:readonly"},
		{name: "request beyond the client is cut", granted: "users:readonly", requested: "users:readonly users:manage", want: "users:readonly"},
		{name: "nothing left", granted: "users:readonly", requested: "presence:manage", err: grant.ErrNoScope},
		{name: "org denied everything", granted: "", err: grant.ErrNoScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			app, secret := f.app(client.Registration{Name: "Agent Desktop", GrantType: client.AuthorizationCode,
				Scopes:       scopes("conversations:readonly conversations:call:control users:readonly presence:manage"),
				RedirectURIs: []string{"https://desktop.example.com/cb"}})
			var g scope.Set
			if tt.granted != "" {
				g = scopes(tt.granted)
			}
			f.authorize(app, g)
			req := authorizeRequest(app, tt.requested)
			err := f.consent(req)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				_, err = f.issuer.AuthorizeCode(ctx, req)
				require.ErrorIs(t, err, tt.err)
				require.Equal(t, "invalid_scope", grant.OAuthError(err))
				return
			}
			require.NoError(t, err)
			code, err := f.issuer.AuthorizeCode(ctx, req)
			require.NoError(t, err)
			tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
			require.NoError(t, err)
			require.Equal(t, tt.want, tok.Scopes.String())
		})
	}
}

func TestConsentIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	req := authorizeRequest(app, "")
	err := f.issuer.Consent(ctx, req, app.Scopes, false)
	require.ErrorIs(t, err, grant.ErrConsentDenied)
	require.Equal(t, "access_denied", grant.OAuthError(err))
	_, err = f.issuer.AuthorizeCode(ctx, req)
	require.ErrorIs(t, err, grant.ErrConsentRequired, "declining records nothing")
	_, err = f.store.Consent(ctx, customer, app.ID, user)
	require.ErrorIs(t, err, grant.ErrNoConsent)

	// Consent to a subset does not cover a wider request.
	narrow := authorizeRequest(app, "users:readonly")
	require.NoError(t, f.consent(narrow))
	_, err = f.issuer.AuthorizeCode(ctx, narrow)
	require.NoError(t, err)
	_, err = f.issuer.AuthorizeCode(ctx, req)
	require.ErrorIs(t, err, grant.ErrConsentRequired)
}

// TestConsentCoversOnlyWhatWasShown: the org grants the client more between
// the prompt and the user's approval. The approval covers the prompt, not
// the wider request.
func TestConsentCoversOnlyWhatWasShown(t *testing.T) {
	f := newFixture(t)
	app, _ := f.app(client.Registration{Name: "Agent Desktop", GrantType: client.AuthorizationCode,
		Scopes:       scopes("conversations:readonly users:readonly presence:manage"),
		RedirectURIs: []string{"https://desktop.example.com/cb"}})
	f.authorize(app, scopes("users:readonly"))
	req := authorizeRequest(app, "")
	prompt, err := f.issuer.Prompt(ctx, req)
	require.NoError(t, err)
	require.Equal(t, "users:readonly", prompt.ScopeSet().String())

	f.authorize(app, app.Scopes) // while the user reads the prompt
	err = f.issuer.Consent(ctx, req, prompt.ScopeSet(), true)
	require.ErrorIs(t, err, grant.ErrConsentRequired)
	require.ErrorContains(t, err, "conversations:readonly presence:manage")
	_, err = f.store.Consent(ctx, customer, app.ID, user)
	require.ErrorIs(t, err, grant.ErrNoConsent, "nothing recorded")

	// Shown again, the prompt lists all three, and approving it works.
	prompt, err = f.issuer.Prompt(ctx, req)
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly presence:manage users:readonly", prompt.ScopeSet().String())
	require.NoError(t, f.issuer.Consent(ctx, req, prompt.ScopeSet(), true))
	_, err = f.issuer.AuthorizeCode(ctx, req)
	require.NoError(t, err)

	// A narrower request than the prompt showed needs no new prompt.
	require.NoError(t, f.issuer.Consent(ctx, authorizeRequest(app, "users:readonly"), prompt.ScopeSet(), true))
}

func TestNewScopeRequiresConsentAgain(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	f.consentAndCode(req)

	// The provider adds recordings:view and the customer grants it.
	app = f.update(app, func(c *client.Client) { c.Scopes = c.Scopes.Union(scopes("recordings:view")) })
	f.authorize(app, app.Scopes)

	prompt, err := f.issuer.Prompt(ctx, req)
	require.NoError(t, err)
	require.False(t, prompt.Consented)
	require.Len(t, prompt.Scopes, 5, "the user sees every scope again, not only the new one")
	_, err = f.issuer.AuthorizeCode(ctx, req)
	require.ErrorIs(t, err, grant.ErrConsentRequired)

	code := f.consentAndCode(req)
	tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.NoError(t, err)
	require.True(t, tok.Scopes.Contains(scope.MustParse("recordings:view")))
}

func TestRemovedScopeLeavesNewTokens(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)

	// A code issued before the removal cannot bring the scope back.
	app = f.update(app, func(c *client.Client) { c.Scopes = scopes("conversations:readonly users:readonly") })
	tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly users:readonly", tok.Scopes.String())
}

func TestExchangeRejects(t *testing.T) {
	f := newFixture(t, grant.WithCodeLifetime(5*time.Minute))
	app, secret := f.desktop()
	other, otherSecret := f.desktop()
	req := authorizeRequest(app, "")
	exchange := func(code grant.Code, mutate func(*grant.ExchangeRequest)) error {
		r := grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI}
		if mutate != nil {
			mutate(&r)
		}
		_, err := f.issuer.Exchange(ctx, r)
		return err
	}

	tests := []struct {
		name   string
		mutate func(*grant.ExchangeRequest)
		wait   time.Duration
		err    error
		oauth  string
	}{
		{name: "wrong secret", mutate: func(r *grant.ExchangeRequest) { r.Secret = client.SecretFrom("wrong") }, err: client.ErrCredentials, oauth: "invalid_client"},
		{name: "no secret", mutate: func(r *grant.ExchangeRequest) { r.Secret = client.Secret{} }, err: client.ErrCredentials, oauth: "invalid_client"},
		{name: "another client's code", mutate: func(r *grant.ExchangeRequest) { r.Client, r.Secret = other.ID, otherSecret }, err: grant.ErrInvalidCode, oauth: "invalid_grant"},
		{name: "other redirect URI", mutate: func(r *grant.ExchangeRequest) { r.RedirectURI = "https://evil.example.com/cb" }, err: grant.ErrInvalidCode, oauth: "invalid_grant"},
		// RFC 6749 §4.1.3: the code was issued with a redirect URI, so the
		// exchange must send the same one.
		{name: "no redirect URI", mutate: func(r *grant.ExchangeRequest) { r.RedirectURI = "" }, err: grant.ErrInvalidCode, oauth: "invalid_grant"},
		{name: "unknown code", mutate: func(r *grant.ExchangeRequest) { r.Code = grant.CodeFrom("not-a-code") }, err: grant.ErrInvalidCode, oauth: "invalid_grant"},
		{name: "empty code", mutate: func(r *grant.ExchangeRequest) { r.Code = grant.Code{} }, err: grant.ErrInvalidRequest, oauth: "invalid_request"},
		{name: "verifier without challenge", mutate: func(r *grant.ExchangeRequest) { v, _ := pkce("x"); r.CodeVerifier = grant.CodeVerifierFrom(v) }, err: grant.ErrPKCE, oauth: "invalid_grant"},
		{name: "expired at the exact boundary", wait: 5 * time.Minute, err: grant.ErrCodeExpired, oauth: "invalid_grant"},
		{name: "just before expiry", wait: 5*time.Minute - time.Nanosecond},
		{name: "unknown client", mutate: func(r *grant.ExchangeRequest) { r.Client = client.NewID() }, err: grant.ErrUnknownClient, oauth: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := f.consentAndCode(req)
			f.clock.advance(tt.wait)
			err := exchange(code, tt.mutate)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.err)
			require.Equal(t, tt.oauth, grant.OAuthError(err))
		})
	}
}

func TestCodeIsSingleUse(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	ex := grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI}

	tok, err := f.issuer.Exchange(ctx, ex)
	require.NoError(t, err)
	require.NoError(t, f.validator.Validate(ctx, tok))

	_, err = f.issuer.Exchange(ctx, ex)
	require.ErrorIs(t, err, grant.ErrCodeUsed)
	require.Equal(t, "invalid_grant", grant.OAuthError(err))
	require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrRevoked, "a replayed code revokes the token it issued")
}

func TestFailedExchangeUsesTheCode(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	_, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: "https://evil.example.com/cb"})
	require.ErrorIs(t, err, grant.ErrInvalidCode)
	_, err = f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.ErrorIs(t, err, grant.ErrCodeUsed)
}

func TestConcurrentExchangeOfOneCode(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	ex := grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI}
	var (
		mu     sync.Mutex
		tokens []grant.Token
		wg     sync.WaitGroup
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := f.issuer.Exchange(ctx, ex)
			if err != nil {
				if !errors.Is(err, grant.ErrCodeUsed) {
					t.Error(err)
				}
				return
			}
			mu.Lock()
			tokens = append(tokens, tok)
			mu.Unlock()
		}()
	}
	wg.Wait()
	// The code was replayed, so whichever exchange took it either withheld
	// its token or saw it revoked by a replay.
	require.LessOrEqual(t, len(tokens), 1, "one code, at most one token")
	for _, tok := range tokens {
		require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrRevoked)
	}
}

func TestPKCE(t *testing.T) {
	f := newFixture(t)
	public, _ := f.app(client.Registration{Name: "SPA", GrantType: client.AuthorizationCode, Public: true,
		Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://spa.example.com/cb"}})
	f.authorize(public, public.Scopes)
	confidential, secret := f.desktop()
	verifier, challenge := pkce("abc")

	tests := []struct {
		name         string
		app          client.Client
		challenge    string
		method       string
		verifier     string
		secret       client.Secret
		codeErr, err error
	}{
		{name: "public with S256", app: public, challenge: challenge, method: "S256", verifier: verifier},
		{name: "public without challenge", app: public, codeErr: grant.ErrPKCE},
		{name: "plain is refused", app: public, challenge: verifier, method: "plain", codeErr: grant.ErrPKCE},
		{name: "no method", app: public, challenge: challenge, codeErr: grant.ErrPKCE},
		{name: "method without challenge", app: public, method: "S256", codeErr: grant.ErrPKCE},
		{name: "malformed challenge", app: public, challenge: "short", method: "S256", codeErr: grant.ErrPKCE},
		{name: "wrong verifier", app: public, challenge: challenge, method: "S256", verifier: func() string { v, _ := pkce("xyz"); return v }(), err: grant.ErrPKCE},
		{name: "missing verifier", app: public, challenge: challenge, method: "S256", err: grant.ErrPKCE},
		{name: "verifier too short", app: public, challenge: challenge, method: "S256", verifier: verifier[:42], err: grant.ErrPKCE},
		{name: "confidential with S256", app: confidential, challenge: challenge, method: "S256", verifier: verifier, secret: secret},
		{name: "confidential without PKCE", app: confidential, secret: secret},
		{name: "confidential, wrong verifier", app: confidential, challenge: challenge, method: "S256", verifier: verifier[1:] + "A", secret: secret, err: grant.ErrPKCE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := authorizeRequest(tt.app, "")
			req.CodeChallenge, req.CodeChallengeMethod = tt.challenge, tt.method
			require.NoError(t, f.consent(req))
			code, err := f.issuer.AuthorizeCode(ctx, req)
			if tt.codeErr != nil {
				require.ErrorIs(t, err, tt.codeErr)
				return
			}
			require.NoError(t, err)
			tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: tt.app.ID, Secret: tt.secret, Code: code, RedirectURI: req.RedirectURI, CodeVerifier: grant.CodeVerifierFrom(tt.verifier)})
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.app.ID, tok.Client)
		})
	}
}

func TestCodeLifetimeIsCapped(t *testing.T) {
	f := newFixture(t, grant.WithCodeLifetime(time.Hour))
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	f.clock.advance(grant.MaxCodeLifetime)
	_, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.ErrorIs(t, err, grant.ErrCodeExpired, "no code outlives ten minutes")
}

func TestAuthorizeRejects(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	unauthorized, _ := f.app(client.Registration{Name: "Unauthorized", GrantType: client.AuthorizationCode,
		Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://u.example.com/cb"}})
	implicit, _ := f.app(client.Registration{Name: "Browser", GrantType: client.Implicit,
		Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://b.example.com/cb"}})
	f.authorize(implicit, implicit.Scopes)
	inactive, _ := f.desktop()
	inactive = f.update(inactive, func(c *client.Client) { c.State = client.Inactive })
	f.join("third-org", user)

	tests := []struct {
		name  string
		req   grant.AuthorizeRequest
		err   error
		oauth string
	}{
		{name: "a user of another org", req: func() grant.AuthorizeRequest { r := authorizeRequest(app, ""); r.User = "agent-of-provider"; return r }(), err: grant.ErrNotMember, oauth: "access_denied"},
		{name: "unknown client", req: grant.AuthorizeRequest{Org: customer, Client: client.NewID(), User: user, RedirectURI: "https://x/cb"}, err: grant.ErrUnknownClient, oauth: "invalid_client"},
		{name: "not authorized in the org", req: authorizeRequest(unauthorized, ""), err: client.ErrNotAuthorized, oauth: "unauthorized_client"},
		{name: "authorized in another org only", req: func() grant.AuthorizeRequest { r := authorizeRequest(app, ""); r.Org = "third-org"; return r }(), err: client.ErrNotAuthorized, oauth: "unauthorized_client"},
		{name: "redirect URI not registered", req: func() grant.AuthorizeRequest { r := authorizeRequest(app, ""); r.RedirectURI += "/evil"; return r }(), err: grant.ErrRedirectURI, oauth: "invalid_request"},
		{name: "no user", req: func() grant.AuthorizeRequest { r := authorizeRequest(app, ""); r.User = ""; return r }(), err: grant.ErrInvalidRequest, oauth: "invalid_request"},
		{name: "inactive client", req: authorizeRequest(inactive, ""), err: grant.ErrClientState, oauth: "unauthorized_client"},
		{name: "implicit client asks for a code", req: authorizeRequest(implicit, ""), err: grant.ErrGrantType, oauth: "unauthorized_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.issuer.AuthorizeCode(ctx, tt.req)
			require.ErrorIs(t, err, tt.err)
			require.Equal(t, tt.oauth, grant.OAuthError(err))
		})
	}
}

func TestImplicit(t *testing.T) {
	f := newFixture(t)
	app, _ := f.app(client.Registration{Name: "Browser", GrantType: client.Implicit, TokenLifetime: 300 * time.Second,
		Scopes: scopes("users:readonly conversations:readonly"), RedirectURIs: []string{"https://b.example.com/cb"}})
	f.authorize(app, app.Scopes)
	req := authorizeRequest(app, "")

	_, err := f.issuer.Implicit(ctx, req)
	require.ErrorIs(t, err, grant.ErrConsentRequired)
	require.NoError(t, f.consent(req))
	tok, err := f.issuer.Implicit(ctx, req)
	require.NoError(t, err)
	require.Equal(t, client.Implicit, tok.GrantType)
	require.Equal(t, user, tok.User)
	require.Equal(t, 300*time.Second, tok.ExpiresAt.Sub(tok.IssuedAt))

	req.CodeChallenge, req.CodeChallengeMethod = "x", "S256"
	_, err = f.issuer.Implicit(ctx, req)
	require.ErrorIs(t, err, grant.ErrInvalidRequest)

	desktop, _ := f.desktop()
	_, err = f.issuer.Implicit(ctx, authorizeRequest(desktop, ""))
	require.ErrorIs(t, err, grant.ErrGrantType)
}

func TestClientCredentials(t *testing.T) {
	f := newFixture(t)
	job, secret := f.app(client.Registration{Name: "Nightly export", GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "reporting"}}})

	tok, err := f.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: provider, Client: job.ID, Secret: secret})
	require.NoError(t, err)
	require.Equal(t, "", tok.User, "no user")
	require.False(t, tok.HasUser())
	require.True(t, tok.Scopes.IsEmpty(), "no scopes: the client's roles apply")
	require.Equal(t, permission.Client(job.ID.String()), tok.Subject())
	require.Equal(t, provider, tok.Org)
	require.Equal(t, client.DefaultTokenLifetime, tok.ExpiresAt.Sub(tok.IssuedAt))

	tests := []struct {
		name string
		req  grant.ClientCredentialsRequest
		err  error
	}{
		{name: "wrong secret", req: grant.ClientCredentialsRequest{Org: provider, Client: job.ID, Secret: client.SecretFrom("nope")}, err: client.ErrCredentials},
		{name: "another org", req: grant.ClientCredentialsRequest{Org: customer, Client: job.ID, Secret: secret}, err: client.ErrNotAuthorized},
		{name: "unknown client", req: grant.ClientCredentialsRequest{Org: provider, Client: client.NewID(), Secret: secret}, err: grant.ErrUnknownClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.issuer.ClientCredentials(ctx, tt.req)
			require.ErrorIs(t, err, tt.err)
		})
	}

	desktop, desktopSecret := f.desktop()
	_, err = f.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: provider, Client: desktop.ID, Secret: desktopSecret})
	require.ErrorIs(t, err, grant.ErrGrantType, "a code client cannot use client credentials")

	f.update(job, func(c *client.Client) { c.State = client.Disabled })
	_, err = f.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: provider, Client: job.ID, Secret: secret})
	require.ErrorIs(t, err, grant.ErrClientState)
}

func TestSAML2Bearer(t *testing.T) {
	f := newFixture(t)
	app, secret := f.app(client.Registration{Name: "SSO bridge", GrantType: client.SAML2Bearer, Scopes: scopes("users:readonly presence:readonly")})

	req := grant.SAML2BearerRequest{Org: customer, Client: app.ID, Secret: secret, User: user}
	_, err := f.issuer.SAML2Bearer(ctx, req)
	require.ErrorIs(t, err, client.ErrNotAuthorized)

	f.authorize(app, scopes("users:readonly"))
	tok, err := f.issuer.SAML2Bearer(ctx, req)
	require.NoError(t, err, "no consent prompt for SAML2")
	require.Equal(t, "users:readonly", tok.Scopes.String())
	require.Equal(t, user, tok.User)

	req.User = ""
	_, err = f.issuer.SAML2Bearer(ctx, req)
	require.ErrorIs(t, err, grant.ErrInvalidRequest)
	req.User, req.Secret = user, client.SecretFrom("wrong")
	_, err = f.issuer.SAML2Bearer(ctx, req)
	require.ErrorIs(t, err, client.ErrCredentials)
}

// TestClientStatesAndNewTokens: only an active client gets new tokens, by
// any grant; an inactive client's existing tokens keep working, a
// disabled client's stop.
func TestClientStatesAndNewTokens(t *testing.T) {
	type issueFunc func(f *fixture, c client.Client, secret client.Secret) (grant.Token, error)
	code := func(f *fixture, c client.Client, secret client.Secret) (grant.Token, error) {
		req := authorizeRequest(c, "")
		if err := f.consent(req); err != nil {
			return grant.Token{}, err
		}
		code, err := f.issuer.AuthorizeCode(ctx, req)
		if err != nil {
			return grant.Token{}, err
		}
		return f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: c.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	}
	implicit := func(f *fixture, c client.Client, _ client.Secret) (grant.Token, error) {
		req := authorizeRequest(c, "")
		if err := f.consent(req); err != nil {
			return grant.Token{}, err
		}
		return f.issuer.Implicit(ctx, req)
	}
	clientCredentials := func(f *fixture, c client.Client, secret client.Secret) (grant.Token, error) {
		return f.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: provider, Client: c.ID, Secret: secret})
	}
	saml := func(f *fixture, c client.Client, secret client.Secret) (grant.Token, error) {
		return f.issuer.SAML2Bearer(ctx, grant.SAML2BearerRequest{Org: customer, Client: c.ID, Secret: secret, User: user})
	}
	tests := []struct {
		name  string
		reg   client.Registration
		issue issueFunc
	}{
		{name: "authorization code", reg: client.Registration{Name: "Desktop", GrantType: client.AuthorizationCode,
			Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://d.example.com/cb"}}, issue: code},
		{name: "implicit", reg: client.Registration{Name: "Browser", GrantType: client.Implicit,
			Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://b.example.com/cb"}}, issue: implicit},
		{name: "client credentials", reg: client.Registration{Name: "Job", GrantType: client.ClientCredentials,
			Roles: []client.RoleAssignment{{Role: "reporting"}}}, issue: clientCredentials},
		{name: "SAML2 bearer", reg: client.Registration{Name: "SSO", GrantType: client.SAML2Bearer,
			Scopes: scopes("users:readonly")}, issue: saml},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c, secret := f.app(tt.reg)
			if c.GrantType.UsesScopes() {
				f.authorize(c, c.Scopes)
			}
			tok, err := tt.issue(f, c, secret)
			require.NoError(t, err, "active")
			require.NoError(t, f.validator.Validate(ctx, tok))

			c = f.update(c, func(c *client.Client) { c.State = client.Inactive })
			_, err = tt.issue(f, c, secret)
			require.ErrorIs(t, err, grant.ErrClientState, "inactive: no new tokens")
			require.Equal(t, "unauthorized_client", grant.OAuthError(err))
			require.NoError(t, f.validator.Validate(ctx, tok), "inactive: old tokens work")

			f.update(c, func(c *client.Client) { c.State = client.Disabled })
			_, err = tt.issue(f, c, secret)
			require.ErrorIs(t, err, grant.ErrClientState, "disabled: no new tokens")
			require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrClientDisabled, "disabled: old tokens stop")
		})
	}
}

func TestOAuthError(t *testing.T) {
	require.Equal(t, "", grant.OAuthError(nil))
	require.Equal(t, "server_error", grant.OAuthError(errors.New("database down")))
	require.Equal(t, "invalid_token", grant.OAuthError(fmt.Errorf("wrapped: %w", grant.ErrExpired)))
	require.Equal(t, "invalid_token", grant.OAuthError(grant.ErrMalformed))
}

// replayStore runs hook just before it records the token issued for a
// code: the moment between taking a code and recording its token.
type replayStore struct {
	*grant.MemStore
	hook func()
}

func (s *replayStore) SetCodeToken(ctx context.Context, hash [sha256.Size]byte, t grant.Token) error {
	if s.hook != nil {
		hook := s.hook
		s.hook = nil
		hook()
	}
	return s.MemStore.SetCodeToken(ctx, hash, t)
}

// TestReplayWhileExchanging: a code replayed after the first exchange took
// it but before that exchange recorded its token. The replay cannot revoke
// a token it does not know yet, so the first exchange must not hand its
// token out.
func TestReplayWhileExchanging(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	store := &replayStore{MemStore: f.store}
	issuer := grant.NewIssuer(f.clients, f.clients, store, f.perms, sample.Catalog(), grant.WithClock(f.clock.now))
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	ex := grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI}

	var replayErr error
	store.hook = func() { _, replayErr = issuer.Exchange(ctx, ex) }
	tok, err := issuer.Exchange(ctx, ex)
	require.ErrorIs(t, replayErr, grant.ErrCodeUsed)
	require.ErrorIs(t, err, grant.ErrCodeUsed, "the first exchange learns of the replay and issues nothing")
	require.Equal(t, grant.Token{}, tok)
}

// withdrawStore runs hook once, at the first consent the store reads or
// adds: a withdrawal of consent that lands while [grant.Issuer.Consent]
// records an approval, between its steps if it has any.
type withdrawStore struct {
	*grant.MemStore
	hook func()
}

func (s *withdrawStore) fire() {
	if s.hook != nil {
		hook := s.hook
		s.hook = nil
		hook()
	}
}

func (s *withdrawStore) Consent(ctx context.Context, org client.OrgID, id client.ID, user string) (grant.Consent, error) {
	c, err := s.MemStore.Consent(ctx, org, id, user)
	s.fire()
	return c, err
}

func (s *withdrawStore) AddConsent(ctx context.Context, c grant.Consent) error {
	s.fire()
	return s.MemStore.AddConsent(ctx, c)
}

// TestWithdrawalWhileApproving: the user withdraws consent while an
// approval of another scope is being recorded. The approval adds its own
// scope; the withdrawn one stays withdrawn, and a code for it needs the
// prompt again.
func TestWithdrawalWhileApproving(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	store := &withdrawStore{MemStore: f.store}
	issuer := grant.NewIssuer(f.clients, f.clients, store, f.perms, sample.Catalog(), grant.WithClock(f.clock.now))
	withdrawn := authorizeRequest(app, "conversations:readonly")
	require.NoError(t, f.consent(withdrawn))

	approved := authorizeRequest(app, "users:readonly")
	store.hook = func() { require.NoError(t, f.store.DeleteConsent(ctx, customer, app.ID, user)) }
	require.NoError(t, issuer.Consent(ctx, approved, scopes("users:readonly"), true))
	require.Nil(t, store.hook, "the withdrawal came while the approval was recorded")

	c, err := f.store.Consent(ctx, customer, app.ID, user)
	require.NoError(t, err)
	require.Equal(t, "users:readonly", c.Scopes.String())
	_, err = f.issuer.AuthorizeCode(ctx, withdrawn)
	require.ErrorIs(t, err, grant.ErrConsentRequired)
}

// TestWithdrawalRacesApprovals is for the race detector, and checks that
// approvals running at the same time as a withdrawal never bring back the
// withdrawn scope.
func TestWithdrawalRacesApprovals(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	withdrawn := authorizeRequest(app, "conversations:readonly")
	approved := authorizeRequest(app, "users:readonly")
	for range 200 {
		require.NoError(t, f.consent(withdrawn))
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 4 {
				if err := f.issuer.Consent(ctx, approved, approved.Scopes, true); err != nil {
					t.Error(err) // not require: this is not the test's goroutine
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 4 {
				if err := f.store.DeleteConsent(ctx, customer, app.ID, user); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		wg.Wait()
		c, err := f.store.Consent(ctx, customer, app.ID, user)
		if errors.Is(err, grant.ErrNoConsent) {
			continue
		}
		require.NoError(t, err)
		require.False(t, c.Scopes.Contains(scope.MustParse("conversations:readonly")), "the withdrawn scope came back: %s", c.Scopes)
	}
}
