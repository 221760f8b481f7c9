package review_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// BenchmarkMinimal: the smallest scopes for an app's calls over a large
// table. The target: under 1 ms for 100 calls over 3,000 endpoints.
// Smaller and larger apps for comparison.
func BenchmarkMinimal(b *testing.B) {
	for _, size := range []struct{ endpoints, calls int }{{300, 10}, {3000, 100}, {3000, 1000}} {
		b.Run(fmt.Sprintf("endpoints=%d/calls=%d", size.endpoints, size.calls), func(b *testing.B) {
			cat, eps := largeTable(b, size.endpoints/10)
			ix := newIndex(b, cat, eps)
			calls := spreadCalls(eps, size.calls)
			sel, err := ix.Minimal(calls)
			require.NoError(b, err)
			require.True(b, sel.Exact)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Minimal(calls); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The worst case: 100 calls, each accepting 3 of 150 scopes of equal
	// breadth chosen at random, with nothing to reduce; the search runs
	// to its limit and returns the best cover found.
	b.Run("adversarial/calls=100", func(b *testing.B) {
		cat, eps, calls := hardCover(b, 150, 100)
		ix := newIndex(b, cat, eps)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ix.Minimal(calls); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNew: arranging a 3,000-endpoint table for reviews, done once.
func BenchmarkNew(b *testing.B) {
	cat, eps := largeTable(b, 300)
	p, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: eps})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := review.New(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewUsage: a year of one client's records, 100,000 allowed
// calls over 300 endpoints of the 3,000-endpoint table. With every scope
// the records name still held, and with every other one removed since,
// so that many endpoints are unserved and the review chooses scopes to
// add.
func BenchmarkReviewUsage(b *testing.B) {
	cat, eps := largeTable(b, 300)
	ix := newIndex(b, cat, eps)
	app := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const endpoints = 300
	records := make([]enforce.Record, 100_000)
	named := make([]scope.Scope, endpoints)
	for i := range records {
		e := (i * 37) % endpoints
		ep := eps[e*len(eps)/endpoints+e%10] // each family's first, second... endpoint in turn
		named[e] = ep.Scopes[0]
		records[i] = enforce.Record{Time: start.Add(time.Duration(i) * time.Minute), Allowed: true, Status: 200, Code: enforce.CodeAllowed,
			Client: app, Method: ep.Method, Route: ep.Route(), Scope: ep.Scopes[0]}
	}
	for _, every := range []int{1, 2} {
		var held []scope.Scope
		for e := 0; e < endpoints; e += every {
			held = append(held, named[e])
		}
		q := review.UsageQuery{Client: app, Held: mustSet(held), From: start, To: start.AddDate(1, 0, 0)}
		b.Run(fmt.Sprintf("records=100000/held=1of%d", every), func(b *testing.B) {
			u, err := ix.ReviewUsage(q, records)
			require.NoError(b, err)
			require.Equal(b, every == 1, len(u.Unserved) == 0)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.ReviewUsage(q, records); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
