package grant_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// issue returns a fresh authorization-code token for the desktop app.
func (f *fixture) issue(app client.Client, secret client.Secret) grant.Token {
	f.t.Helper()
	req := authorizeRequest(app, "")
	code := f.consentAndCode(req)
	tok, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	require.NoError(f.t, err)
	return tok
}

func TestTokenTimes(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tok := grant.Token{IssuedAt: start, ExpiresAt: start.Add(time.Hour)}
	tests := []struct {
		name string
		at   time.Time
		skew time.Duration
		err  error
	}{
		{name: "at issue", at: start},
		{name: "just before expiry", at: start.Add(time.Hour - time.Nanosecond)},
		{name: "at the exact expiry", at: start.Add(time.Hour), err: grant.ErrExpired},
		{name: "after expiry", at: start.Add(2 * time.Hour), err: grant.ErrExpired},
		{name: "expired, within skew", at: start.Add(time.Hour + 30*time.Second), skew: time.Minute},
		{name: "expired, beyond skew", at: start.Add(time.Hour + time.Minute), skew: time.Minute, err: grant.ErrExpired},
		{name: "issued in the future", at: start.Add(-time.Second), err: grant.ErrNotYetValid},
		{name: "issued in the future, within skew", at: start.Add(-30 * time.Second), skew: time.Minute},
		{name: "issued in the future, beyond skew", at: start.Add(-2 * time.Minute), skew: time.Minute, err: grant.ErrNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tok.CheckTime(tt.at, tt.skew)
			if tt.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.err)
				require.Equal(t, "invalid_token", grant.OAuthError(err))
			}
		})
	}
}

func TestValidatorExpiry(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	f.clock.advance(time.Hour - time.Nanosecond)
	require.NoError(t, f.validator.Validate(ctx, tok))
	f.clock.advance(time.Nanosecond)
	require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrExpired)

	skewed := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now), grant.WithClockSkew(time.Minute))
	require.NoError(t, skewed.Validate(ctx, tok))
}

// TestRevocation: each kind of revocation works on a store that holds no
// other kind, so that checking one kind only when another exists would be
// noticed.
func TestRevocation(t *testing.T) {
	t.Run("one token", func(t *testing.T) {
		f := newFixture(t)
		app, secret := f.desktop()
		a, b := f.issue(app, secret), f.issue(app, secret)
		require.NoError(t, f.store.RevokeToken(ctx, a))
		require.ErrorIs(t, f.validator.Validate(ctx, a), grant.ErrRevoked)
		require.NoError(t, f.validator.Validate(ctx, b))
	})
	t.Run("all of a user's tokens", func(t *testing.T) {
		f := newFixture(t)
		app, secret := f.desktop()
		other, otherSecret := f.desktop()
		a, b := f.issue(app, secret), f.issue(other, otherSecret)
		require.NoError(t, f.store.RevokeUser(ctx, customer, user, f.clock.now()))
		require.ErrorIs(t, f.validator.Validate(ctx, a), grant.ErrRevoked)
		require.ErrorIs(t, f.validator.Validate(ctx, b), grant.ErrRevoked)
		f.clock.advance(time.Second)
		require.NoError(t, f.validator.Validate(ctx, f.issue(app, secret)), "tokens issued after the revocation work")
		// An earlier revocation does not undo a later one.
		require.NoError(t, f.store.RevokeUser(ctx, customer, user, f.clock.now().Add(-time.Hour)))
		require.ErrorIs(t, f.validator.Validate(ctx, a), grant.ErrRevoked)
	})
	t.Run("all of a client's tokens", func(t *testing.T) {
		f := newFixture(t)
		app, secret := f.desktop()
		other, otherSecret := f.desktop()
		a, b := f.issue(app, secret), f.issue(other, otherSecret)
		require.NoError(t, f.store.RevokeClient(ctx, app.ID, f.clock.now()))
		require.ErrorIs(t, f.validator.Validate(ctx, a), grant.ErrRevoked)
		require.NoError(t, f.validator.Validate(ctx, b), "other clients' tokens keep working")
		f.clock.advance(time.Second)
		require.NoError(t, f.validator.Validate(ctx, f.issue(app, secret)))
		// An earlier revocation does not undo a later one.
		require.NoError(t, f.store.RevokeClient(ctx, app.ID, f.clock.now().Add(-time.Hour)))
		require.ErrorIs(t, f.validator.Validate(ctx, a), grant.ErrRevoked)
	})
}

// TestRevokedTokenStaysRevokedWithinSkew: a validator with a clock skew
// accepts a token's times a little past its expiry, so the store must not
// forget the token's revocation at the expiry itself.
func TestRevokedTokenStaysRevokedWithinSkew(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	skewed := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now), grant.WithClockSkew(grant.MaxClockSkew))
	require.NoError(t, f.store.RevokeToken(ctx, tok))

	f.clock.t = tok.ExpiresAt.Add(grant.MaxClockSkew - time.Second)
	for range 300 { // enough revocations to trigger a sweep
		require.NoError(t, f.store.RevokeToken(ctx, grant.Token{ID: grant.NewTokenID(), ExpiresAt: f.clock.now()}))
	}
	require.ErrorIs(t, skewed.Validate(ctx, tok), grant.ErrRevoked)
}

// TestRevocationByIDAlone: a token revoked by its ID alone, its expiry
// unknown, stays revoked for as long as a token can live, clock skew
// included, however many revocations are swept meanwhile.
func TestRevocationByIDAlone(t *testing.T) {
	f := newFixture(t)
	app, secret := f.app(client.Registration{Name: "Long-lived", GrantType: client.AuthorizationCode,
		TokenLifetime: client.MaxTokenLifetime, Scopes: scopes("users:readonly"), RedirectURIs: []string{"https://long.example.com/cb"}})
	f.authorize(app, app.Scopes)
	tok := f.issue(app, secret)
	require.NoError(t, f.store.RevokeToken(ctx, grant.Token{ID: tok.ID}))

	skewed := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now), grant.WithClockSkew(grant.MaxClockSkew))
	f.clock.t = tok.ExpiresAt.Add(grant.MaxClockSkew - time.Second)
	sweepRevocations(t, f.store, f.clock.now())
	require.ErrorIs(t, skewed.Validate(ctx, tok), grant.ErrRevoked)
}

// TestRevokeTokenRefusesZeroID: a revocation that names no token is
// refused, and records nothing.
func TestRevokeTokenRefusesZeroID(t *testing.T) {
	s := grant.NewMemStore(nil)
	noID := grant.Token{Client: client.NewID(), Org: customer, User: user, ExpiresAt: time.Now().Add(time.Hour)}
	err := s.RevokeToken(ctx, noID)
	require.ErrorIs(t, err, grant.ErrInvalidRequest)
	require.Equal(t, "invalid_request", grant.OAuthError(err))
	revoked, err := s.IsRevoked(ctx, noID)
	require.NoError(t, err)
	require.False(t, revoked)
}

// TestMemStoreKeepsRevokedTokens: how long MemStore keeps a token's
// revocation: until MaxClockSkew past its expiry, or, for a revocation by
// ID alone, past the longest lifetime from the revocation; then it is
// swept out. Revoking the token again never shortens that.
func TestMemStoreKeepsRevokedTokens(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	id := grant.NewTokenID()
	withExpiry := grant.Token{ID: id, ExpiresAt: start.Add(time.Hour)}
	byID := grant.Token{ID: id}
	tests := []struct {
		name   string
		revoke []grant.Token
		until  time.Time // kept until just before
	}{
		{name: "with its expiry", revoke: []grant.Token{withExpiry}, until: start.Add(time.Hour + grant.MaxClockSkew)},
		{name: "by ID alone", revoke: []grant.Token{byID}, until: start.Add(client.MaxTokenLifetime + grant.MaxClockSkew)},
		{name: "by ID alone, then with its expiry", revoke: []grant.Token{byID, withExpiry}, until: start.Add(client.MaxTokenLifetime + grant.MaxClockSkew)},
		{name: "with its expiry, then by ID alone", revoke: []grant.Token{withExpiry, byID}, until: start.Add(client.MaxTokenLifetime + grant.MaxClockSkew)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: start}
			s := grant.NewMemStore(c.now)
			for _, tok := range tt.revoke {
				require.NoError(t, s.RevokeToken(ctx, tok))
			}
			for _, at := range []time.Time{tt.until.Add(-time.Second), tt.until} {
				c.t = at
				sweepRevocations(t, s, at)
				revoked, err := s.IsRevoked(ctx, withExpiry)
				require.NoError(t, err)
				require.Equal(t, at.Before(tt.until), revoked, "at %v", at)
			}
		})
	}
}

// sweepRevocations revokes enough tokens, expired by now, to make s sweep
// its revoked tokens at least once.
func sweepRevocations(t *testing.T, s *grant.MemStore, now time.Time) {
	t.Helper()
	for range 300 {
		require.NoError(t, s.RevokeToken(ctx, grant.Token{ID: grant.NewTokenID(), ExpiresAt: now.Add(-grant.MaxClockSkew)}))
	}
}

func TestClockSkewIsCapped(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	v := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now), grant.WithClockSkew(time.Hour))
	f.clock.t = tok.ExpiresAt.Add(grant.MaxClockSkew)
	require.ErrorIs(t, v.Validate(ctx, tok), grant.ErrExpired, "no skew beyond MaxClockSkew")
}

func TestValidatorClientState(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)

	app = f.update(app, func(c *client.Client) { c.State = client.Inactive })
	require.NoError(t, f.validator.Validate(ctx, tok), "an inactive client's tokens keep working")
	app = f.update(app, func(c *client.Client) { c.State = client.Disabled })
	require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrClientDisabled, "a disabled client's tokens stop at once")
	f.clock.advance(time.Minute)
	rotated, err := f.registry.RotateSecret(ctx, f.admin, app.ID, 0)
	require.NoError(t, err)
	app = f.update(app, func(c *client.Client) { c.State = client.Active })
	err = f.validator.Validate(ctx, tok)
	require.ErrorIs(t, err, grant.ErrClientDisabled, "enabling the client again does not revive the tokens of before the incident")
	require.ErrorContains(t, err, "was disabled at 2026-03-01T09:00:00Z, after the token was issued")
	f.clock.advance(time.Minute)
	fresh := f.issue(app, rotated)
	require.NoError(t, f.validator.Validate(ctx, fresh), "tokens issued after re-enabling work")
	require.NoError(t, f.validator.Check(ctx, &fresh))
	require.Equal(t, grant.ErrClientDisabled, f.validator.Check(ctx, &tok))

	require.NoError(t, f.registry.Delete(ctx, f.admin, app.ID))
	require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrClientDisabled, "a deleted client's tokens stop too")

	require.ErrorIs(t, f.validator.Validate(ctx, grant.Token{}), grant.ErrMalformed)
}

func TestTokenClaims(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	good := grant.Token{ID: grant.NewTokenID(), Client: client.NewID(), Org: customer, GrantType: client.AuthorizationCode,
		User: user, Scopes: scopes("users:readonly"), IssuedAt: start, ExpiresAt: start.Add(time.Hour)}
	tests := []struct {
		name   string
		change func(*grant.Token)
		ok     bool
	}{
		{name: "user token", ok: true},
		{name: "client-credentials token", change: func(t *grant.Token) { t.GrantType, t.User, t.Scopes = client.ClientCredentials, "", scope.Set{} }, ok: true},
		{name: "longest lifetime", change: func(t *grant.Token) { t.ExpiresAt = start.Add(client.MaxTokenLifetime) }, ok: true},
		{name: "no ID", change: func(t *grant.Token) { t.ID = grant.TokenID{} }},
		{name: "no client", change: func(t *grant.Token) { t.Client = client.ID{} }},
		{name: "no org", change: func(t *grant.Token) { t.Org = "" }},
		{name: "no grant type", change: func(t *grant.Token) { t.GrantType = 0 }},
		{name: "user grant without a user", change: func(t *grant.Token) { t.User = "" }},
		{name: "client credentials with a user", change: func(t *grant.Token) { t.GrantType = client.ClientCredentials; t.Scopes = scope.Set{} }},
		{name: "client credentials with scopes", change: func(t *grant.Token) { t.GrantType, t.User = client.ClientCredentials, "" }},
		{name: "expires when issued", change: func(t *grant.Token) { t.ExpiresAt = t.IssuedAt }},
		{name: "expires before issued", change: func(t *grant.Token) { t.ExpiresAt = t.IssuedAt.Add(-time.Hour) }},
		{name: "outlives any client", change: func(t *grant.Token) { t.ExpiresAt = start.Add(client.MaxTokenLifetime + time.Second) }},
		{name: "outlives any client by a nanosecond", change: func(t *grant.Token) { t.ExpiresAt = start.Add(client.MaxTokenLifetime + 1) }},
		{name: "issued at the end of time", change: func(t *grant.Token) { t.IssuedAt = time.Unix(1<<62, 0); t.ExpiresAt = t.IssuedAt.Add(time.Hour) }, ok: true},
		{name: "lives from the start to the end of time", change: func(t *grant.Token) { t.IssuedAt, t.ExpiresAt = time.Unix(-1<<62, 0), time.Unix(1<<62+1<<61, 0) }}, // a difference of seconds past int64
		{name: "longest lifetime, times in other zones", change: func(t *grant.Token) {
			t.IssuedAt, t.ExpiresAt = start.In(time.FixedZone("east", 5*3600)), start.Add(client.MaxTokenLifetime).In(time.FixedZone("west", -7*3600))
		}, ok: true},
		{name: "zero token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := good
			if tt.name == "zero token" {
				tok = grant.Token{}
			}
			if tt.change != nil {
				tt.change(&tok)
			}
			err := tok.CheckClaims()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, grant.ErrMalformed)
			require.Equal(t, "invalid_token", grant.OAuthError(err))
		})
	}
}

// TestValidatorRefusesMalformedClaims: a token whose claims do not fit
// together is refused before anything else is looked at.
func TestValidatorRefusesMalformedClaims(t *testing.T) {
	f := newFixture(t)
	job, secret := f.app(client.Registration{Name: "Job", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "reporting"}}})
	tok, err := f.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: provider, Client: job.ID, Secret: secret})
	require.NoError(t, err)
	require.NoError(t, f.validator.Validate(ctx, tok))

	// A client-credentials token that names a user must not act as that
	// user.
	forged := tok
	forged.User = "admin"
	require.ErrorIs(t, f.validator.Validate(ctx, forged), grant.ErrMalformed)
	require.Equal(t, permission.Client(job.ID.String()), forged.Subject(), "a client-credentials token's subject is its client")
}

func TestTokenPrintsWithoutSecrets(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("issued", "token", tok)
	require.Contains(t, buf.String(), tok.ID.String())
	require.Contains(t, buf.String(), `"scopes":"conversations:call:control conversations:readonly presence:manage users:readonly"`)
	require.NotContains(t, buf.String(), secret.Reveal())
	require.NotContains(t, fmt.Sprintf("%+v", tok), secret.Reveal())
}

func TestTokenID(t *testing.T) {
	id := grant.NewTokenID()
	back, err := grant.ParseTokenID(id.String())
	require.NoError(t, err)
	require.Equal(t, id, back)
	_, err = grant.ParseTokenID("nope")
	require.ErrorIs(t, err, grant.ErrInvalidRequest)
	out, err := json.Marshal(id)
	require.NoError(t, err)
	var decoded grant.TokenID
	require.NoError(t, json.Unmarshal(out, &decoded))
	require.Equal(t, id, decoded)
	var zero grant.TokenID
	require.False(t, zero.IsValid())
	_, err = zero.MarshalText()
	require.Error(t, err)
}

func TestMemStoreSweepsExpiredCodes(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	require.NoError(t, f.consent(req))
	first, err := f.issuer.AuthorizeCode(ctx, req)
	require.NoError(t, err)
	f.clock.advance(grant.MaxCodeLifetime)
	for range 300 { // enough new codes to trigger a sweep
		_, err := f.issuer.AuthorizeCode(ctx, req)
		require.NoError(t, err)
	}
	_, err = f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: first, RedirectURI: req.RedirectURI})
	require.ErrorIs(t, err, grant.ErrInvalidCode, "the expired code was swept out of memory")
}

// TestMemStoreConcurrentUse is for the race detector: revocations,
// validations, codes and consents from many goroutines at once.
func TestMemStoreConcurrentUse(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tokens := make([]grant.Token, 8)
	for i := range tokens {
		tokens[i] = f.issue(app, secret)
	}
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				other := grant.Token{ID: grant.NewTokenID(), ExpiresAt: tokens[i].ExpiresAt}
				_, consentErr := f.store.Consent(ctx, customer, app.ID, user)
				for _, err := range []error{f.store.RevokeToken(ctx, other), f.validator.Validate(ctx, tokens[i]), consentErr} {
					if err != nil {
						t.Error(err) // not require: this is not the test's goroutine
						return
					}
				}
			}
			if err := f.store.RevokeToken(ctx, tokens[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, tok := range tokens {
		require.ErrorIs(t, f.validator.Validate(ctx, tok), grant.ErrRevoked)
	}
}

func TestMemStoreConsents(t *testing.T) {
	s := grant.NewMemStore(nil)
	id := client.NewID()
	first, later := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, s.AddConsent(ctx, grant.Consent{Org: customer, Client: id, User: user, Scopes: scopes("users:readonly presence:manage"), GrantedAt: first}))
	c, err := s.Consent(ctx, customer, id, user)
	require.NoError(t, err)
	require.Equal(t, "presence:manage users:readonly", c.Scopes.String())
	require.Equal(t, first, c.GrantedAt)
	require.NoError(t, s.AddConsent(ctx, grant.Consent{Org: customer, Client: id, User: user, Scopes: scopes("users:readonly conversations:readonly"), GrantedAt: later}))
	c, err = s.Consent(ctx, customer, id, user)
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly presence:manage users:readonly", c.Scopes.String(), "adding keeps what was consented to before")
	require.Equal(t, later, c.GrantedAt)
	_, err = s.Consent(ctx, "other-org", id, user)
	require.ErrorIs(t, err, grant.ErrNoConsent, "consent is per org")
	require.NoError(t, s.DeleteConsent(ctx, customer, id, user))
	_, err = s.Consent(ctx, customer, id, user)
	require.ErrorIs(t, err, grant.ErrNoConsent)
	require.NoError(t, s.DeleteConsent(ctx, customer, id, user), "deleting twice is fine")
}

// TestValidatorCheck: Check refuses with the bare sentinel, allocating
// nothing, where Validate wraps the same sentinel with the details.
func TestValidatorCheck(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	good := f.issue(app, secret)
	revoked := f.issue(app, secret)
	require.NoError(t, f.store.RevokeToken(ctx, revoked))
	malformed := good
	malformed.Org = ""
	early := good
	early.IssuedAt, early.ExpiresAt = f.clock.now().Add(time.Minute), f.clock.now().Add(time.Hour)
	late := good
	late.IssuedAt, late.ExpiresAt = f.clock.now().Add(-2*time.Hour), f.clock.now().Add(-time.Hour)
	deleted := good
	deleted.Client = client.NewID()

	tests := []struct {
		name   string
		tok    grant.Token
		want   error
		detail string
	}{
		{name: "works", tok: good},
		{name: "malformed", tok: malformed, want: grant.ErrMalformed, detail: "grant: malformed token: no org"},
		{name: "not yet valid", tok: early, want: grant.ErrNotYetValid, detail: "grant: token not yet valid: issued at 2026-03-01T09:01:00Z, now 2026-03-01T09:00:00Z"},
		{name: "expired", tok: late, want: grant.ErrExpired, detail: "grant: token expired: at 2026-03-01T08:00:00Z"},
		{name: "revoked", tok: revoked, want: grant.ErrRevoked, detail: "grant: token revoked"},
		{name: "client deleted", tok: deleted, want: grant.ErrClientDisabled, detail: "grant: client disabled: client " + deleted.Client.String() + " was deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.tok
			var err error
			allocs := testing.AllocsPerRun(10, func() { err = f.validator.Check(ctx, &tok) })
			require.Zero(t, allocs, "Check allocates nothing")
			require.True(t, err == tt.want, "Check returns the bare sentinel: got %v, want %v", err, tt.want)

			err = f.validator.Validate(ctx, tok)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.EqualError(t, err, tt.detail)
		})
	}

	var unset *grant.Validator
	err := unset.Check(ctx, &good)
	require.Error(t, err, "a validator without stores cannot decide")
	for _, sentinel := range []error{grant.ErrMalformed, grant.ErrNotYetValid, grant.ErrExpired, grant.ErrRevoked, grant.ErrClientDisabled} {
		require.NotErrorIs(t, err, sentinel, "and does not pass its failure off as a refusal")
	}
}

// TestPassHoldsUntilSomethingChanges: a Pass holds, without allocating,
// while the token is within its times and neither store has changed;
// every revocation, any client change, the token's expiry and a clock
// before its issue end it. Check agrees wherever the Pass holds.
func TestPassHoldsUntilSomethingChanges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *fixture, app client.Client, tok grant.Token)
		still  bool // Check still accepts the token
	}{
		{"nothing", func(*fixture, client.Client, grant.Token) {}, true},
		{"the token revoked", func(f *fixture, _ client.Client, tok grant.Token) { require.NoError(t, f.store.RevokeToken(ctx, tok)) }, false},
		{"another token revoked", func(f *fixture, app client.Client, _ grant.Token) {
			require.NoError(t, f.store.RevokeToken(ctx, grant.Token{ID: grant.NewTokenID(), ExpiresAt: f.clock.now()}))
		}, true},
		{"the user's tokens revoked", func(f *fixture, _ client.Client, _ grant.Token) {
			require.NoError(t, f.store.RevokeUser(ctx, customer, user, f.clock.now()))
		}, false},
		{"the client's tokens revoked", func(f *fixture, app client.Client, _ grant.Token) {
			require.NoError(t, f.store.RevokeClient(ctx, app.ID, f.clock.now()))
		}, false},
		{"the client disabled", func(f *fixture, app client.Client, _ grant.Token) {
			f.update(app, func(c *client.Client) { c.State = client.Disabled })
		}, false},
		{"the client renamed", func(f *fixture, app client.Client, _ grant.Token) {
			f.update(app, func(c *client.Client) { c.Name = "Desktop" })
		}, true},
		{"the token expired", func(f *fixture, _ client.Client, tok grant.Token) { f.clock.t = tok.ExpiresAt }, false},
		{"the clock before the token", func(f *fixture, _ client.Client, tok grant.Token) { f.clock.t = tok.IssuedAt.Add(-time.Nanosecond) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			app, secret := f.desktop()
			tok := f.issue(app, secret)
			f.clock.advance(time.Hour - time.Nanosecond) // the last moment of the token
			var pass grant.Pass
			var err error
			require.Zero(t, testing.AllocsPerRun(10, func() { pass, err = f.validator.Pass(ctx, &tok) }))
			require.NoError(t, err)
			require.True(t, f.validator.Holds(pass))
			require.Zero(t, testing.AllocsPerRun(10, func() { _ = f.validator.Holds(pass) }))
			tc.change(f, app, tok)
			require.Equal(t, tc.still, f.validator.Check(ctx, &tok) == nil)
			if tc.name == "nothing" {
				require.True(t, f.validator.Holds(pass))
				return
			}
			require.False(t, f.validator.Holds(pass))
		})
	}
}

// TestPassNeedsVersionedStores: a Pass is given only where it can be
// kept: by a validator over stores that tell when they change, for a
// token it accepts, whose times count in nanoseconds; and it holds for
// that validator only. Otherwise Pass is Check, with a zero Pass.
func TestPassNeedsVersionedStores(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)

	pass, err := f.validator.Pass(ctx, &tok)
	require.NoError(t, err)
	require.True(t, f.validator.Holds(pass))
	other := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now))
	require.False(t, other.Holds(pass), "another validator's pass")
	require.False(t, f.validator.Holds(grant.Pass{}), "the zero pass")
	var unset *grant.Validator
	require.False(t, unset.Holds(pass))
	_, err = unset.Pass(ctx, &tok)
	require.Error(t, err)

	unversioned := grant.NewValidator(clientsOnly{f.clients}, revocationsOnly{f.store}, grant.WithClock(f.clock.now))
	pass, err = unversioned.Pass(ctx, &tok)
	require.NoError(t, err, "the token works")
	require.False(t, unversioned.Holds(pass), "but the stores cannot tell when they change")

	revoked := f.issue(app, secret)
	require.NoError(t, f.store.RevokeToken(ctx, revoked))
	pass, err = f.validator.Pass(ctx, &revoked)
	require.Equal(t, grant.ErrRevoked, err)
	require.False(t, f.validator.Holds(pass))

	far := tok
	far.IssuedAt, far.ExpiresAt = time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2400, 1, 1, 1, 0, 0, 0, time.UTC)
	f.clock.t = far.IssuedAt
	pass, err = f.validator.Pass(ctx, &far)
	require.NoError(t, err)
	require.False(t, f.validator.Holds(pass), "times past 2255 do not count in nanoseconds")
}

// TestPassAllowsTheClockSkew: a validator with a clock skew gives passes
// that hold as long as Check accepts the token, skew included.
func TestPassAllowsTheClockSkew(t *testing.T) {
	f := newFixture(t)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	skewed := grant.NewValidator(f.clients, f.store, grant.WithClock(f.clock.now), grant.WithClockSkew(time.Minute))
	pass, err := skewed.Pass(ctx, &tok)
	require.NoError(t, err)
	for _, at := range []time.Time{tok.IssuedAt.Add(-time.Minute - 1), tok.IssuedAt.Add(-time.Minute), tok.ExpiresAt.Add(time.Minute - 1), tok.ExpiresAt.Add(time.Minute)} {
		f.clock.t = at
		require.Equal(t, skewed.Check(ctx, &tok) == nil, skewed.Holds(pass), "at %v", at)
	}
}

// clientsOnly and revocationsOnly hide the stores' versions.
type clientsOnly struct{ s *client.MemStore }

func (c clientsOnly) ClientStatus(ctx context.Context, id client.ID) (client.Status, error) {
	return c.s.ClientStatus(ctx, id)
}

type revocationsOnly struct{ s *grant.MemStore }

func (r revocationsOnly) IsRevoked(ctx context.Context, t grant.Token) (bool, error) {
	return r.s.IsRevoked(ctx, t)
}
