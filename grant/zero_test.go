package grant_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs or nil options,
// return an error, refuse or report nothing; none panics (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		grant.AuthorizeRequest{}, (*grant.AuthorizeRequest)(nil),
		grant.ClientCredentialsRequest{}, (*grant.ClientCredentialsRequest)(nil),
		grant.Code{}, (*grant.Code)(nil),
		grant.CodeGrant{}, (*grant.CodeGrant)(nil),
		grant.Pass{}, (*grant.Pass)(nil),
		grant.CodeVerifier{}, (*grant.CodeVerifier)(nil),
		grant.Consent{}, (*grant.Consent)(nil),
		grant.ExchangeRequest{}, (*grant.ExchangeRequest)(nil),
		grant.Issuer{}, (*grant.Issuer)(nil),
		grant.MemStore{}, (*grant.MemStore)(nil),
		grant.ClockOption{}, (*grant.ClockOption)(nil),
		grant.Prompt{}, (*grant.Prompt)(nil),
		grant.SAML2BearerRequest{}, (*grant.SAML2BearerRequest)(nil),
		grant.ScopeDescription{}, (*grant.ScopeDescription)(nil),
		grant.Token{}, (*grant.Token)(nil),
		grant.TokenID{}, (*grant.TokenID)(nil),
		grant.Validator{}, (*grant.Validator)(nil),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"OAuthError":        grant.OAuthError,
		"WithClock":         grant.WithClock,
		"WithCodeLifetime":  grant.WithCodeLifetime,
		"WithClockSkew":     grant.WithClockSkew,
		"NewIssuer":         grant.NewIssuer,
		"NewMemStore":       grant.NewMemStore,
		"CodeFrom":          grant.CodeFrom,
		"CodeVerifierFrom":  grant.CodeVerifierFrom,
		"NewTokenID":        grant.NewTokenID,
		"ParseTokenID":      grant.ParseTokenID,
		"NewValidator":      grant.NewValidator,
		"NewIssuer(stores)": func() *grant.Issuer { return newZeroIssuer() },
		"NewIssuer(stores, nil options)": func() *grant.Issuer {
			return newZeroIssuer(nil, grant.WithClock(nil), grant.WithCodeLifetime(0))
		},
		"NewValidator(stores, nil options)": func() *grant.Validator {
			clients := client.NewMemStore()
			return grant.NewValidator(clients, grant.NewMemStore(nil), nil, grant.WithClock(nil), grant.WithClockSkew(0))
		},
	})
}

// newZeroIssuer returns an issuer over empty stores.
func newZeroIssuer(opts ...grant.IssuerOption) *grant.Issuer {
	clients := client.NewMemStore()
	return grant.NewIssuer(clients, clients, grant.NewMemStore(nil), permission.NewMemStore(), sample.Catalog(), opts...)
}

// TestNilMemStoreRefuses: a nil *MemStore keeps nothing and cannot tell
// whether a token is revoked: every call is an error, and a validator over
// it refuses every token as undecidable, never as "not revoked".
func TestNilMemStoreRefuses(t *testing.T) {
	var m *grant.MemStore
	id := client.NewID()
	now := time.Now()
	tok := grant.Token{ID: grant.NewTokenID(), Client: id, Org: customer, GrantType: client.AuthorizationCode, User: user,
		IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	hash := sha256.Sum256([]byte("code"))
	for name, err := range map[string]error{
		"AddConsent":    m.AddConsent(ctx, grant.Consent{Org: customer, Client: id, User: user, Scopes: scopes("users:readonly")}),
		"DeleteConsent": m.DeleteConsent(ctx, customer, id, user),
		"PutCode":       m.PutCode(ctx, grant.CodeGrant{Hash: hash, ExpiresAt: now.Add(time.Minute)}),
		"SetCodeToken":  m.SetCodeToken(ctx, hash, tok),
		"RevokeToken":   m.RevokeToken(ctx, tok),
		"RevokeUser":    m.RevokeUser(ctx, customer, user, now),
		"RevokeClient":  m.RevokeClient(ctx, id, now),
	} {
		require.Error(t, err, name)
	}
	_, err := m.Consent(ctx, customer, id, user)
	require.Error(t, err)
	require.NotErrorIs(t, err, grant.ErrNoConsent)
	_, err = m.TakeCode(ctx, hash)
	require.Error(t, err)
	revoked, err := m.IsRevoked(ctx, tok)
	require.Error(t, err)
	require.False(t, revoked)

	clients := client.NewMemStore()
	require.NoError(t, clients.CreateClient(ctx, client.Client{ID: id, Org: customer, State: client.Active}))
	v := grant.NewValidator(clients, m)
	err = v.Validate(ctx, tok)
	require.Error(t, err, "a token is not taken for unrevoked")
	for _, refusal := range []error{grant.ErrMalformed, grant.ErrNotYetValid, grant.ErrExpired, grant.ErrRevoked, grant.ErrClientDisabled} {
		require.NotErrorIs(t, err, refusal, "the validator could not decide")
	}
	require.Equal(t, grant.ErrMalformed, v.Check(ctx, nil), "a nil token is malformed")
}

// TestNilOptionsAreSkipped: a nil Option is skipped, and WithClock(nil)
// leaves the default clock, so that tokens are still checked against the
// time of day.
func TestNilOptionsAreSkipped(t *testing.T) {
	clients := client.NewMemStore()
	id := client.NewID()
	require.NoError(t, clients.CreateClient(ctx, client.Client{ID: id, Org: customer, State: client.Active}))
	v := grant.NewValidator(clients, grant.NewMemStore(nil), nil, grant.WithClock(nil))
	now := time.Now()
	tok := grant.Token{ID: grant.NewTokenID(), Client: id, Org: customer, GrantType: client.ClientCredentials,
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, v.Validate(ctx, tok))
	tok.ExpiresAt = now.Add(-time.Second)
	require.ErrorIs(t, v.Validate(ctx, tok), grant.ErrExpired)
}
