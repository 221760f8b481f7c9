package review

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/scope"
)

// A Kind says what is wrong with a client's scopes or roles, or what an
// admin should look at closely in an app's request.
type Kind uint8

const (
	_ Kind = iota
	// KindUnneeded: no call accepts the scope, or a scope it implies.
	// Remove it.
	KindUnneeded
	// KindRedundant: another scope the client keeps implies it. Remove
	// it.
	KindRedundant
	// KindBroader: the calls it serves need only narrower scopes, such
	// as users:manage where users:readonly suffices. Replace it.
	KindBroader
	// KindReplaced: the calls it serves are better served by other
	// scopes, which together unlock less. Replace it.
	KindReplaced
	// KindMissing: some calls accept none of the client's scopes. Add
	// the scope.
	KindMissing
	// KindAdmin: the scope unlocks admin-grade endpoints, which change
	// who may do what or the org itself ([Index.Scrutinize]).
	KindAdmin
	// KindBare: a bare read-write scope (users) where the catalog has
	// its :readonly form, which reads only ([Index.Scrutinize]).
	KindBare
	// KindDivisions: a role granted in more divisions than the calls
	// need, such as all divisions where two suffice ([RoleIndex.Review]).
	// Narrow them.
	KindDivisions
)

var kindText = [...]string{
	KindUnneeded:  "unneeded",
	KindRedundant: "redundant",
	KindBroader:   "broader",
	KindReplaced:  "replaced",
	KindMissing:   "missing",
	KindAdmin:     "admin",
	KindBare:      "bare",
	KindDivisions: "divisions",
}

// String returns the kind's stable text: unneeded, redundant, broader,
// replaced, missing, admin, bare or divisions.
func (k Kind) String() string {
	if int(k) < len(kindText) && kindText[k] != "" {
		return kindText[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (k Kind) MarshalText() ([]byte, error) {
	if int(k) >= len(kindText) || kindText[k] == "" {
		return nil, fmt.Errorf("%w: kind %d", ErrInvalid, uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *Kind) UnmarshalText(text []byte) error {
	for i, t := range kindText {
		if t != "" && t == string(text) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown finding kind %q", ErrInvalid, text)
}

// A Finding is one thing to change in a client's scopes, and why.
type Finding struct {
	Kind Kind `json:"kind"`
	// Scope is the client's scope concerned, or, for [KindMissing], the
	// scope to add.
	Scope scope.Scope `json:"scope"`
	// Instead lists, for [KindBroader] and [KindReplaced], the
	// recommended scopes that serve its calls; for [KindRedundant], the
	// kept scope that implies it.
	Instead []scope.Scope `json:"instead,omitempty"`
	// Routes are the endpoints concerned: those the scope serves, or,
	// for [KindMissing], those that need the scope to add.
	Routes []string `json:"routes,omitempty"`
	// Reason explains the finding in one sentence.
	Reason string `json:"reason"`
}

// A ScopeReview compares a client's scopes with what its calls need.
type ScopeReview struct {
	// Held are the client's scopes, requested or authorized.
	Held scope.Set `json:"held"`
	// Recommended is the smallest set that lets every call pass,
	// preferring the held scopes where they are as narrow as any other.
	Recommended scope.Set `json:"recommended"`
	// Remove are the held scopes not recommended; Add the recommended
	// scopes not held.
	Remove scope.Set `json:"remove"`
	Add    scope.Set `json:"add"`
	// HeldReach and RecommendedReach say how much each set unlocks (see
	// [Index.Reach]).
	HeldReach        Breadth `json:"held_reach"`
	RecommendedReach Breadth `json:"recommended_reach"`
	// Needs lists each endpoint called, with the recommended scope that
	// satisfies it.
	Needs []Need `json:"needs"`
	// Findings lists what to change, by kind and then scope in canonical
	// order; it is empty when Held is already the recommended set.
	Findings []Finding `json:"findings"`
	// Exact is as in [Selection].
	Exact bool `json:"exact"`
}

// ReviewScopes compares the scopes a client holds (requested, or
// authorized in an org) with the calls it makes, as the guide's "remove
// unused scopes" step asks: the held scopes no call needs, those another
// held scope implies, those broader than needed (users:manage where
// users:readonly suffices), and the calls no held scope lets pass, each
// with its reason. Every held scope must be in the catalog (an
// [*scope.UnknownError] otherwise), and every call must reach an endpoint
// ([*CallError]).
func (ix *Index) ReviewScopes(held scope.Set, calls []string) (ScopeReview, error) {
	eps, err := ix.resolve(calls)
	if err != nil {
		return ScopeReview{}, err
	}
	if err := ix.catalog.Validate(held); err != nil {
		return ScopeReview{}, fmt.Errorf("review: held scopes: %w", err)
	}
	sel := ix.selectFor(calls, eps, held)
	r := ScopeReview{
		Held:             held,
		Recommended:      sel.Scopes,
		Remove:           held.Difference(sel.Scopes),
		Add:              sel.Scopes.Difference(held),
		HeldReach:        ix.Reach(held),
		RecommendedReach: ix.Reach(sel.Scopes),
		Needs:            sel.Needs,
		Exact:            sel.Exact,
	}
	granted := ix.catalog.Grant(held)
	_, elems := ix.needs(calls, eps)

	// Calls the held scopes do not let pass, grouped by the scope to add.
	var missing []Finding
	for i, ep := range elems {
		if granted.Satisfies(ix.eps[ep].accepted) {
			continue
		}
		add := sel.Needs[i].Scope
		j := slices.IndexFunc(missing, func(f Finding) bool { return f.Scope == add })
		if j < 0 {
			j = len(missing)
			missing = append(missing, Finding{Kind: KindMissing, Scope: add})
		}
		missing[j].Routes = append(missing[j].Routes, ix.eps[ep].route)
	}
	for i := range missing {
		f := &missing[i]
		accepts := make([]string, len(f.Routes))
		for k, route := range f.Routes {
			accepts[k] = route + " accepts " + joinScopes(ix.eps[ix.byRoute[route]].accepts.Scopes(), ", ")
		}
		f.Reason = "the client holds none of the scopes, nor one that implies them: " + strings.Join(accepts, "; ") + "; add " + f.Scope.String()
	}

	for h := range r.Remove.All() {
		f := Finding{Scope: h}
		id := ix.ids[h]
		uses := map[scope.Scope]bool{}
		for i, ep := range elems {
			if _, ok := slices.BinarySearch(ix.eps[ep].satisfiers, id); ok {
				f.Routes = append(f.Routes, ix.eps[ep].route)
				uses[sel.Needs[i].Scope] = true
			}
		}
		var keeper scope.Scope
		for k := range held.Intersect(sel.Scopes).All() {
			if k != h && ix.catalog.Implies(k, h) {
				keeper = k
				break
			}
		}
		switch {
		case len(f.Routes) == 0:
			f.Kind = KindUnneeded
			f.Reason = fmt.Sprintf("no call needs it: none of the endpoints called accepts %s or a scope it implies", h)
		case keeper.IsValid():
			f.Kind, f.Instead = KindRedundant, []scope.Scope{keeper}
			f.Reason = fmt.Sprintf("%s, which the client keeps, implies it", keeper)
		default:
			for s := range sel.Scopes.All() {
				if uses[s] {
					f.Instead = append(f.Instead, s)
				}
			}
			hb := ix.breadth[id]
			narrower := true
			for _, s := range f.Instead {
				if ix.breadth[ix.ids[s]].Compare(hb) >= 0 {
					narrower = false
				}
			}
			if narrower {
				f.Kind = KindBroader
				f.Reason = fmt.Sprintf("broader than needed: %s %s only %s. %s unlocks %s; %s",
					strings.Join(f.Routes, ", "), plural(len(f.Routes), "needs", "need"), joinScopes(f.Instead, " and "), h, hb, ix.unlocks(f.Instead))
			} else {
				f.Kind = KindReplaced
				f.Reason = fmt.Sprintf("not needed with the recommended scopes: %s %s %s too",
					joinScopes(f.Instead, " and "), plural(len(f.Instead), "serves", "serve"), strings.Join(f.Routes, ", "))
				if len(f.Instead) == 1 && ix.catalog.Implies(f.Instead[0], h) {
					f.Reason += fmt.Sprintf(" (%s implies %s)", f.Instead[0], h)
				}
			}
		}
		r.Findings = append(r.Findings, f)
	}
	r.Findings = append(r.Findings, missing...)
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(a.Scope.String(), b.Scope.String())
	})
	return r, nil
}

// unlocks describes the breadth of each scope: "users:readonly unlocks 3
// endpoints, none that writes".
func (ix *Index) unlocks(scopes []scope.Scope) string {
	parts := make([]string, len(scopes))
	for i, s := range scopes {
		parts[i] = s.String() + " unlocks " + ix.breadth[ix.ids[s]].String()
	}
	return strings.Join(parts, "; ")
}

// plural returns one when n is 1, and many otherwise: the noun or verb
// that agrees with a count ("1 endpoint", "3 routes need").
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinScopes(scopes []scope.Scope, sep string) string {
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = s.String()
	}
	return strings.Join(names, sep)
}
