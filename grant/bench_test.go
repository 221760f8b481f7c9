package grant_test

import (
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
