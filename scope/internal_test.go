package scope

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzWellFormed checks that the fast path of parsing agrees with the
// detailed checker that explains failures: a token is well formed exactly
// when check finds no problem.
func FuzzWellFormed(f *testing.F) {
	for _, s := range []string{"", "a", "a:b", "a::b", ":a", "a:", "a-", "-a", "a--b", "a-:b", "a:-b", "a_b", "é", "a b", "a\tb", "a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		fast := wellFormed(tok)
		slow := check(tok, tok, 0, "") == nil
		if fast != slow {
			t.Fatalf("wellFormed(%q) = %v, check says %v", tok, fast, slow)
		}
	})
}

// FuzzParseSetFast checks that the one-pass parser accepts exactly the
// strings the explaining parser accepts, with the same result.
func FuzzParseSetFast(f *testing.F) {
	for _, s := range []string{"", " ", "a", "a b", "b a", "a a", "a  b", " a", "a ", "a:b c::d", "a-b c_d", "a\tb", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseSetFast(s)
		slow, errs := parseSetSlow(s)
		if ok != (len(errs) == 0) {
			t.Fatalf("parseSetFast(%q) ok=%v, parseSetSlow errors %v", s, ok, errs)
		}
		if ok && (Set{scopes: fast}).String() != (Set{scopes: slow}).String() {
			t.Fatalf("parseSetFast(%q) = %v, parseSetSlow %v", s, fast, slow)
		}
	})
}

// osa is the textbook optimal string alignment distance, the reference for
// the banded editor.
func osa(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func FuzzDistance(f *testing.F) {
	f.Add("users:manage", "users:mange", 2)
	f.Add("ab", "ba", 1)
	f.Add("", "abc", 3)
	f.Add("conversations:readonly", "conversation:view", 3)
	f.Fuzz(func(t *testing.T, a, b string, limit int) {
		if len(a) > 64 || len(b) > 64 || limit < 0 || limit > 70 {
			return
		}
		var e editor
		want := min(osa(a, b), limit+1)
		if got := e.distance(a, b, limit); got != want {
			t.Fatalf("distance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
		if got := e.distance(b, a, limit); got != want { // reusing the buffer
			t.Fatalf("distance(%q, %q, %d) = %d, want %d", b, a, limit, got, want)
		}
	})
}

// FuzzMatchPaths checks that the two ways Match compares names, short
// lists (lengths and words read in line) and the merge walk, agree with
// each other and with a plain reference on the narrowest satisfying scope.
func FuzzMatchPaths(f *testing.F) {
	f.Add("a b c", "b", "")
	f.Add("a b c d e f g h i", "c d e f g h i j k", "i")
	// Near misses for every word shape (up to three bytes, four to seven,
	// eight to sixteen, longer): names of the satisfier's length that
	// differ in one byte, in each word the comparison reads.
	f.Add("axc abx", "abc", "")
	f.Add("uXers userX", "users", "")
	f.Add("Xsers:readonly users:readonlX", "users:readonly users", "")
	f.Add("conversatiXns:readonly", "conversations:readonly", "")
	f.Add("analytics:conversationDeXail:view", "analytics:conversationDetail:view", "")
	f.Add("analytics:conversationDetail:view users:readonly", "analytics:conversationDetail:view users:readonly", "analytics:conversationDetail:view")
	// A limit that leaves out the narrowest match, so the walk goes on.
	f.Add("users users:readonly", "users users:readonly", "users")
	f.Fuzz(func(t *testing.T, token, satisfiers, limit string) {
		parse := func(s string) (Set, bool) {
			set, err := ParseSet(s)
			return set, err == nil || s == ""
		}
		ts, ok1 := parse(token)
		ss, ok2 := parse(satisfiers)
		ls, ok3 := parse(limit)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		// Rank the satisfiers from the last to the first, so that the
		// narrowest is not simply the first in canonical order.
		byRank := slices.Clone(ss.scopes)
		slices.Reverse(byRank)
		ac := &accepted{satisfiers: ss.scopes}
		for _, sc := range byRank {
			ac.byRank = append(ac.byRank, rankedOf(sc))
		}
		for i := range ss.scopes {
			ac.rank = append(ac.rank, uint16(len(ss.scopes)-1-i))
		}
		a := Accepted{ac}
		for _, limited := range []bool{false, true} {
			got, gotOK := a.Match(ts)
			var lim *Set
			if limited {
				got, gotOK = a.MatchWithin(ts, ls)
				lim = &ls
			}
			long, longOK := ac.matchLong(ts.scopes, lim)
			// The reference: the narrowest satisfier that the token holds,
			// and the limit too.
			var want Scope
			wantOK := false
			for _, sc := range byRank {
				if ts.Contains(sc) && (!limited || ls.Contains(sc)) {
					want, wantOK = sc, true
					break
				}
			}
			if got != want || gotOK != wantOK {
				t.Fatalf("MatchWithin(%q, %q, %q, %v) = %v, %v; want %v, %v", token, satisfiers, limit, limited, got, gotOK, want, wantOK)
			}
			if long != want || longOK != wantOK {
				t.Fatalf("matchLong(%q, %q, %q, %v) = %v, %v; want %v, %v", token, satisfiers, limit, limited, long, longOK, want, wantOK)
			}
		}
	})
}

// TestMatchShortNamesEveryByte checks that the short lists' comparison of
// lengths and words tells apart names of one length that differ in any one
// byte, for every length up to forty (every shape of words, and names
// longer than two words), and agrees with the merge walk.
func TestMatchShortNamesEveryByte(t *testing.T) {
	accept := func(byRank ...string) *accepted {
		ac := &accepted{}
		var scopes []Scope
		for _, name := range byRank {
			scopes = append(scopes, Scope{name})
			ac.byRank = append(ac.byRank, rankedOf(Scope{name}))
		}
		ac.satisfiers = slices.Clone(scopes)
		slices.SortFunc(ac.satisfiers, compareScopes)
		for _, sc := range ac.satisfiers {
			ac.rank = append(ac.rank, uint16(slices.Index(scopes, sc)))
		}
		return ac
	}
	for n := 1; n <= 40; n++ {
		name := strings.Repeat("a", n)
		for p := range n {
			other := name[:p] + "b" + name[p+1:]
			tests := []struct {
				byRank []string
				token  string
				want   string
			}{
				{[]string{name}, other, ""},
				{[]string{other}, name, ""},
				{[]string{name}, name, name},
				{[]string{name}, name + " " + other, name},
				{[]string{other}, name + " " + other, other},
				{[]string{other, name}, name + " " + other, other},
				{[]string{name, other}, name + " " + other, name},
				{[]string{name, other}, other, other},
			}
			for _, tt := range tests {
				ac, token := accept(tt.byRank...), MustParseSet(tt.token)
				got, ok := ac.match(token.scopes, nil)
				long, longOK := ac.matchLong(token.scopes, nil)
				if got.name != tt.want || ok != (tt.want != "") || long != got || longOK != ok {
					t.Fatalf("satisfiers %q, token %q: match = %v, %v; matchLong = %v, %v; want %q", tt.byRank, tt.token, got, ok, long, longOK, tt.want)
				}
			}
		}
	}
}

// TestParseSetFastLong covers the sort for more scopes than the insertion
// sort handles, and keys that tie on their first eight bytes.
func TestParseSetFastLong(t *testing.T) {
	var tokens []string
	for i := range 40 {
		tokens = append(tokens, fmt.Sprintf("resource:%c%d", 'z'-i%26, i))
	}
	for _, s := range []string{
		strings.Join(tokens, " "),
		"conversations:readonly conversations:call:control conversations:call:add conversations",
		strings.Join(tokens, " ") + " " + tokens[7], // a duplicate
	} {
		fast, ok := parseSetFast(s)
		slow, errs := parseSetSlow(s)
		if ok != (len(errs) == 0) {
			t.Fatalf("parseSetFast(%q) ok=%v, parseSetSlow errors %v", s, ok, errs)
		}
		if ok && !slices.Equal(fast, slow) {
			t.Fatalf("parseSetFast(%q) = %v, parseSetSlow %v", s, fast, slow)
		}
	}
}
