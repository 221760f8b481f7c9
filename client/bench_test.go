package client_test

import (
	"context"
	"testing"
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
