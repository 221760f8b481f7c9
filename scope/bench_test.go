package scope_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/scope"
)

// syntheticCatalog builds a catalog of n scopes (n a multiple of 4) shaped
// like a real one: per resource, a bare read-write scope, :readonly,
// :manage and a three-part :sub:view, tied by the usual rules.
func syntheticCatalog(tb testing.TB, n int) *scope.Catalog {
	tb.Helper()
	c, err := scope.NewCatalog(syntheticEntries(n), syntheticRules...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// syntheticEntries are the entries of syntheticCatalog.
func syntheticEntries(n int) []scope.Entry {
	var entries []scope.Entry
	for r := range n / 4 {
		res := fmt.Sprintf("resource%d", r)
		for _, name := range []string{res, res + ":readonly", res + ":manage", res + ":sub:view"} {
			entries = append(entries, scope.Entry{Scope: scope.MustParse(name), Description: "Synthetic scope " + name})
		}
	}
	return entries
}

// syntheticRules are the rules of syntheticCatalog.
var syntheticRules = []scope.Rule{scope.ActionImplies("manage", "readonly"), scope.BareImplies("readonly")}

// tokenScopes is a typical token: five scopes spread over the catalog.
func tokenScopes(n int) scope.Set {
	r := n / 4
	return scope.MustParseSet(fmt.Sprintf("resource%d:readonly resource%d:manage resource%d resource%d:sub:view resource%d:readonly",
		0, r/4, r/2, 3*r/4, r-1))
}

// BenchmarkSatisfies is the per-request scope check: a compiled token
// against an endpoint's compiled accepted scopes.
func BenchmarkSatisfies(b *testing.B) {
	for _, n := range []int{20, 200, 2000} {
		c := syntheticCatalog(b, n)
		g := c.Grant(tokenScopes(n))
		r := n / 4
		allow, err := c.Accept(scope.MustParse(fmt.Sprintf("resource%d:readonly", r-1)))
		if err != nil {
			b.Fatal(err)
		}
		deny, err := c.Accept(scope.MustParse(fmt.Sprintf("resource%d:manage", r-1)), scope.MustParse("resource1:sub:view"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("catalog=%d/allow", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !g.Satisfies(allow) {
					b.Fatal("want allow")
				}
			}
		})
		b.Run(fmt.Sprintf("catalog=%d/deny", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if g.Satisfies(deny) {
					b.Fatal("want deny")
				}
			}
		})
	}
}

// BenchmarkMatch checks an uncompiled Set: its names against those of the
// endpoint's satisfiers.
func BenchmarkMatch(b *testing.B) {
	c := syntheticCatalog(b, 200)
	set := tokenScopes(200)
	last, err := c.Accept(scope.MustParse("resource49:readonly"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := last.Match(set); !ok {
			b.Fatal("want a match")
		}
	}
}

// BenchmarkBaseline is what a hand-rolled check does on every request:
// split the token's scope string and look each scope and its implications
// up in maps of strings.
func BenchmarkBaseline(b *testing.B) {
	implies := map[string][]string{}
	for r := range 50 {
		res := fmt.Sprintf("resource%d", r)
		implies[res] = []string{res + ":readonly"}
		implies[res+":manage"] = []string{res + ":readonly"}
	}
	accepted := map[string]bool{"resource49:readonly": true}
	token := tokenScopes(200).String()
	b.ReportAllocs()
	for b.Loop() {
		ok := false
		for _, s := range strings.Fields(token) {
			if accepted[s] {
				ok = true
				break
			}
			for _, i := range implies[s] {
				if accepted[i] {
					ok = true
				}
			}
		}
		if !ok {
			b.Fatal("want allow")
		}
	}
}

// BenchmarkAccept compiles an endpoint's accepted scope, once per endpoint
// when a policy is built.
func BenchmarkAccept(b *testing.B) {
	for _, n := range []int{200, 16000} {
		c := syntheticCatalog(b, n)
		want := scope.MustParse(fmt.Sprintf("resource%d:readonly", n/8))
		b.Run(fmt.Sprintf("catalog=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Accept(want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The worst case: a scope that every other one implies, so that every
	// scope satisfies the endpoint and is ranked from the narrowest.
	entries := flatEntries(16384)
	base := entries[len(entries)-1].Scope
	for i := range entries[:len(entries)-1] {
		entries[i].Implies = []scope.Scope{base}
	}
	c, err := scope.NewCatalog(entries)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("catalog=16384/implied-by-all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Accept(base); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGrant(b *testing.B) {
	c := syntheticCatalog(b, 200)
	set := tokenScopes(200)
	b.ReportAllocs()
	for b.Loop() {
		c.Grant(set)
	}
}

const tenScopes = "conversations:readonly conversations:call:control users:readonly presence:manage recordings:view " +
	"routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail knowledge:readonly"

func BenchmarkParseSet(b *testing.B) {
	b.Run("scopes=10", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := scope.ParseSet(tenScopes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scopes=10/with-catalog", func(b *testing.B) {
		c := catalogFor(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.ParseSet(tenScopes); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func catalogFor(b *testing.B) *scope.Catalog {
	b.Helper()
	var entries []scope.Entry
	for _, s := range strings.Fields(tenScopes) {
		entries = append(entries, scope.Entry{Scope: scope.MustParse(s), Description: "x"})
	}
	c, err := scope.NewCatalog(entries)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSuggest is the error path: an unknown scope against a
// 200-scope catalog, with the typo tier (the slowest) reached.
func BenchmarkSuggest(b *testing.B) {
	c := syntheticCatalog(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Suggest("resource17:mange")) == 0 {
			b.Fatal("want a suggestion")
		}
	}
}

// BenchmarkNewCatalog builds catalogs of growing size; bytes/op shows how
// memory grows with the number of scopes (issue 11: about linearly).
func BenchmarkNewCatalog(b *testing.B) {
	for _, n := range []int{200, 2000, 16000} {
		b.Run(fmt.Sprintf("scopes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				syntheticCatalog(b, n)
			}
		})
	}
}

// BenchmarkNewCatalogUnknownImplications is a catalog whose every entry
// implies a scope it does not have: each is reported, and suggestions cost
// a scan of the catalog each.
func BenchmarkNewCatalogUnknownImplications(b *testing.B) {
	entries := syntheticEntries(2000)
	for i := range entries {
		entries[i].Implies = []scope.Scope{scope.MustParse(fmt.Sprintf("unknown%d:readonly", i))}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scope.NewCatalog(entries); err == nil {
			b.Fatal("want an error")
		}
	}
}

// BenchmarkNewCatalogManyRules is a catalog with as many rules as it allows,
// all for the action that a quarter of its scopes end with.
func BenchmarkNewCatalogManyRules(b *testing.B) {
	entries := syntheticEntries(16000)
	var rules []scope.Rule
	for i := range scope.MaxRules {
		rules = append(rules, scope.ActionImplies("manage", fmt.Sprintf("action%d", i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scope.NewCatalog(entries, rules...); err != nil {
			b.Fatal(err)
		}
	}
}
