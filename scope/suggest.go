package scope

import (
	"cmp"
	"slices"
	"strings"
)

// maxSuggestions is how many scopes a suggestion list holds at most.
const maxSuggestions = 3

// synonyms maps action words people write to a class shared with the words
// catalogs use, so that conversation:view finds conversations:readonly and
// users:write finds users:manage.
var synonyms = map[string]string{
	"readonly": "read", "read": "read", "view": "read", "viewer": "read", "get": "read",
	"list": "read", "show": "read", "see": "read", "ro": "read", "readable": "read",
	"manage": "write", "write": "write", "edit": "write", "update": "write", "modify": "write",
	"admin": "write", "readwrite": "write", "rw": "write", "change": "write", "manager": "write",
	"add": "add", "create": "add", "new": "add", "post": "add", "insert": "add",
	"delete": "delete", "remove": "delete", "del": "delete", "destroy": "delete",
	"execute": "execute", "exec": "execute", "run": "execute", "start": "execute",
}

// suggestIndex finds the known scopes closest to a mistyped one. It is built
// once with the catalog; looking up only happens on the error path.
type suggestIndex struct {
	names  []Scope
	folded []string         // lower-case names, by id
	keys   []string         // normalised keys, by id
	fhist  []histogram      // histograms of folded, by id
	khist  []histogram      // histograms of keys, by id
	byKey  map[string][]int // normalised key → ids
	bySqsh map[string][]int // lower-case letters and digits only → ids
}

func newSuggestIndex(entries []Entry) suggestIndex {
	x := suggestIndex{
		names:  make([]Scope, len(entries)),
		folded: make([]string, len(entries)),
		keys:   make([]string, len(entries)),
		fhist:  make([]histogram, len(entries)),
		khist:  make([]histogram, len(entries)),
		byKey:  make(map[string][]int, len(entries)),
		bySqsh: make(map[string][]int, len(entries)),
	}
	for id, e := range entries {
		x.names[id] = e.Scope
		x.folded[id] = strings.ToLower(e.Scope.name)
		x.keys[id] = normalize(e.Scope.name)
		x.fhist[id] = histogramOf(x.folded[id])
		x.khist[id] = histogramOf(x.keys[id])
		x.byKey[x.keys[id]] = append(x.byKey[x.keys[id]], id)
		sq := squash(e.Scope.name)
		x.bySqsh[sq] = append(x.bySqsh[sq], id)
	}
	return x
}

// normalize reduces a scope, or something meant to be one, to a key that
// ignores case, the separator used (':', '-', '_', '.', '/', spaces), a
// trailing plural s, and the choice among synonymous action words:
// "Conversation:View" and "conversations:readonly" share the key
// "conversation:read".
func normalize(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	for i, w := range words {
		if i > 0 {
			if class, ok := synonyms[w]; ok {
				words[i] = class
				continue
			}
		}
		if len(w) >= 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, ":")
}

// squash keeps only the lower-cased letters and digits of s, so that a
// missing colon (usersmanage) still finds users:manage.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}

// Suggest returns up to three known scopes that text was probably meant to
// be, best first. It recognises a wrong case (Users:Readonly), another
// separator in place of ':' (users-manage, users.manage, users_manage), a
// missing or doubled colon (usersmanage, users::manage), a singular resource
// or a synonymous action (conversation:view for conversations:readonly), and
// small typos (users:mange). It returns nil when nothing is close, and for
// a scope the catalog knows.
func (c *Catalog) Suggest(text string) []Scope {
	c = c.orEmpty()
	x := &c.suggests
	if text == "" || len(text) > 2*MaxLen || c.Contains(Scope{name: text}) {
		return nil
	}
	type candidate struct{ id, tier, dist int }
	var found []candidate
	var ed editor
	folded, key := strings.ToLower(text), normalize(text)
	add := func(id, tier, dist int) {
		for _, f := range found {
			if f.id == id {
				return
			}
		}
		found = append(found, candidate{id, tier, dist})
	}
	rank := func(id int) int { return ed.distance(folded, x.folded[id], 2*MaxLen) }
	for id, f := range x.folded {
		if f == folded {
			add(id, 0, 0) // only the case differs
		}
	}
	for _, id := range x.byKey[key] {
		add(id, 1, rank(id))
	}
	for _, id := range x.bySqsh[squash(text)] {
		add(id, 2, rank(id))
	}
	if len(found) == 0 {
		limit := typoLimit(len(folded))
		fh, kh := histogramOf(folded), histogramOf(key)
		for id := range x.names {
			d := limit + 1
			if fh.bound(&x.fhist[id]) <= limit {
				d = ed.distance(folded, x.folded[id], limit)
			}
			if d > limit && kh.bound(&x.khist[id]) <= limit {
				d = ed.distance(key, x.keys[id], limit)
			}
			if d <= limit {
				add(id, 3, d)
			}
		}
	}
	slices.SortFunc(found, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.dist, b.dist), compareScopes(x.names[a.id], x.names[b.id]))
	})
	out := make([]Scope, 0, min(len(found), maxSuggestions))
	for _, f := range found[:min(len(found), maxSuggestions)] {
		out = append(out, x.names[f.id])
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// typoLimit is how many edits a typo of an n-byte scope may take.
func typoLimit(n int) int {
	switch {
	case n <= 5:
		return 1
	case n <= 14:
		return 2
	}
	return 3
}

// A histogram counts the letters, digits and other bytes of a string.
type histogram [37]uint8

func histogramOf(s string) histogram {
	var h histogram
	for i := 0; i < len(s); i++ {
		c, slot := s[i], 36
		switch {
		case 'a' <= c && c <= 'z':
			slot = int(c - 'a')
		case '0' <= c && c <= '9':
			slot = 26 + int(c-'0')
		}
		if h[slot] < 255 {
			h[slot]++
		}
	}
	return h
}

// bound returns a lower bound of the edit distance between the strings of
// h and g: every edit changes the counts by at most two in total.
func (h *histogram) bound(g *histogram) int {
	sum := 0
	for i := range h {
		d := int(h[i]) - int(g[i])
		sum += max(d, -d)
	}
	return (sum + 1) / 2
}

// editor computes edit distances, reusing its buffer between calls.
type editor struct {
	buf []int
}

// distance returns the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of adjacent bytes) if it
// is at most limit, and limit+1 otherwise. It only fills the band of cells
// within limit of the diagonal, so a small limit makes it cheap.
func (e *editor) distance(a, b string, limit int) int {
	inf := limit + 1
	if d := len(a) - len(b); d > limit || -d > limit {
		return inf
	}
	m := len(b) + 1
	if cap(e.buf) < 3*m {
		e.buf = make([]int, 3*m)
	}
	buf := e.buf[:3*m]
	prev2, prev, cur := buf[:m], buf[m:2*m], buf[2*m:]
	for j := range m {
		prev[j], prev2[j] = min(j, inf), inf
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		cur[0] = min(i, inf)
		if lo > 1 {
			cur[lo-1] = inf
		}
		best := inf
		if lo == 1 {
			best = cur[0]
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = min(d, inf)
			best = min(best, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = inf
		}
		if best > limit {
			return inf
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
