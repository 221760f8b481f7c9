package jwtoken_test

import (
	"testing"

	"github.com/scopegate/scopegate/examples/jwtoken"
)

// BenchmarkVerify: one token verified again and again, with the cache
// (every call after the first a hit) and without it (the signature and
// the claims every time), for each algorithm.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range allAlgorithms {
		for _, cached := range []bool{true, false} {
			name := string(alg) + "/uncached"
			size := -1
			if cached {
				name, size = string(alg)+"/cached", 0
			}
			b.Run(name, func(b *testing.B) {
				f := newFixture(b, alg, func(c *jwtoken.Config) { c.CacheSize = size })
				s := f.encode(userToken(start))
				if _, err := f.ver.VerifyToken(ctx, s); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := f.ver.VerifyToken(ctx, s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkEncode signs a token with each algorithm.
func BenchmarkEncode(b *testing.B) {
	for _, alg := range allAlgorithms {
		b.Run(string(alg), func(b *testing.B) {
			f := newFixture(b, alg)
			tok := userToken(start)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.enc.Encode(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyParallel: cache hits from every core, as a busy server
// makes them.
func BenchmarkVerifyParallel(b *testing.B) {
	f := newFixture(b, jwtoken.ES256)
	tokens := make([]string, 64)
	for i := range tokens {
		tokens[i] = f.encode(userToken(start))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := f.ver.VerifyToken(ctx, tokens[i%len(tokens)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
