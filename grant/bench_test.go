package grant_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// BenchmarkValidate is a token's validity check with the in-memory stores:
// times, revocation, and the client's state.
func BenchmarkValidate(b *testing.B) {
	f := newFixture(b)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	b.ReportAllocs()
	for b.Loop() {
		if err := f.validator.Validate(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckTime is the I/O-free part of validity.
func BenchmarkCheckTime(b *testing.B) {
	f := newFixture(b)
	app, secret := f.desktop()
	tok := f.issue(app, secret)
	now := f.clock.now()
	b.ReportAllocs()
	for b.Loop() {
		if err := tok.CheckTime(now, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientCredentials issues a client-credentials token: client
// lookup, secret check, token.
func BenchmarkClientCredentials(b *testing.B) {
	f := newFixture(b)
	job, secret := f.app(client.Registration{Name: "Job", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "reporting"}}})
	req := grant.ClientCredentialsRequest{Org: provider, Client: job.ID, Secret: secret}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.issuer.ClientCredentials(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodeFlow is a whole authorization code round trip after
// consent: code, then exchange. The clock moves a second per round, so
// that used codes expire and are swept as they would be in production.
func BenchmarkCodeFlow(b *testing.B) {
	f := newFixture(b)
	app, secret := f.desktop()
	req := authorizeRequest(app, "")
	if err := f.consent(req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.clock.advance(time.Second)
		code, err := f.issuer.AuthorizeCode(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI}); err != nil {
			b.Fatal(err)
		}
	}
}

// revokedStore returns a store holding n revoked tokens, and revocations
// of 100 other users' and 100 other clients' tokens, with one of the
// revoked tokens.
func revokedStore(b *testing.B, n int) (*grant.MemStore, grant.Token) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := grant.NewMemStore(func() time.Time { return now })
	var revoked grant.Token
	for i := range n {
		revoked = grant.Token{ID: grant.NewTokenID(), Client: client.NewID(), Org: customer, GrantType: client.AuthorizationCode,
			User: user, IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.RevokeToken(ctx, revoked); err != nil {
			b.Fatal(err)
		}
		if i < 100 {
			if err := s.RevokeUser(ctx, customer, fmt.Sprint("user-", i), now); err != nil {
				b.Fatal(err)
			}
			if err := s.RevokeClient(ctx, client.NewID(), now); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s, revoked
}

// BenchmarkIsRevoked is the revocation check a resource server makes on
// every request: on an empty store, and on a store with 10,000 revoked
// tokens for a token that is revoked (hit) or not (miss, which looks at
// every kind of revocation).
func BenchmarkIsRevoked(b *testing.B) {
	empty, _ := revokedStore(b, 0)
	full, hit := revokedStore(b, 10_000)
	miss := hit
	miss.ID = grant.NewTokenID()
	tests := []struct {
		name    string
		store   *grant.MemStore
		tok     grant.Token
		revoked bool
	}{
		{name: "empty", store: empty, tok: miss},
		{name: "hit", store: full, tok: hit, revoked: true},
		{name: "miss", store: full, tok: miss},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if revoked, err := tt.store.IsRevoked(ctx, tt.tok); err != nil || revoked != tt.revoked {
					b.Fatal(revoked, err)
				}
			}
		})
	}
}

// BenchmarkRevokeTokens revokes 10,000 tokens, none expired, in an empty
// store: what revocations cost as they accumulate.
func BenchmarkRevokeTokens(b *testing.B) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tokens := make([]grant.Token, 10_000)
	for i := range tokens {
		tokens[i] = grant.Token{ID: grant.NewTokenID(), ExpiresAt: now.Add(time.Hour)}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := grant.NewMemStore(func() time.Time { return now })
		for _, t := range tokens {
			if err := s.RevokeToken(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	}
}
