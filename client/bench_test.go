package client_test

import (
	"context"
	"testing"

	"github.com/scopegate/scopegate/client"
)

// BenchmarkVerify is a token endpoint's client authentication: SHA-256 of
// the presented secret and two constant-time comparisons.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	c, secret, err := f.registry.Create(context.Background(), f.admin(b), codeRegistration())
	if err != nil {
		b.Fatal(err)
	}
	now := f.clock.now()
	clear := secret.Reveal()
	b.ReportAllocs()
	for b.Loop() {
		if !c.Credentials.Verify(clear, now) {
			b.Fatal("want a match")
		}
	}
}

// BenchmarkAuthenticate compares the two ways client authentication
// fails: an unknown client ID, and a known one with a wrong secret. Their
// times must match within noise, or the token endpoint tells which IDs
// exist (issue 11).
func BenchmarkAuthenticate(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	c, secret, err := f.registry.Create(ctx, f.admin(b), codeRegistration())
	if err != nil {
		b.Fatal(err)
	}
	wrong := secret.Reveal()[:42] + "x"
	for _, bc := range []struct {
		name string
		id   client.ID
	}{
		{"unknown ID", client.NewID()},
		{"wrong secret", c.ID},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.registry.Authenticate(ctx, bc.id, wrong); err == nil {
					b.Fatal("want an error")
				}
			}
		})
	}
}
