package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/scope"
)

// A UsageQuery says whose usage to review, and over which period.
type UsageQuery struct {
	// Client is the OAuth client under review. Required.
	Client client.ID
	// Org, if set, limits the review to the client's calls in that org:
	// an org's authorization has its own scopes.
	Org client.OrgID
	// Held are the scopes the client holds now.
	Held scope.Set
	// From and To bound the period, From included and To excluded. Both
	// are required.
	From, To time.Time
}

// A ScopeUse is how often a scope let a client's calls through.
type ScopeUse struct {
	Scope scope.Scope `json:"scope"`
	// Held reports whether the client holds the scope now. A scope it no
	// longer holds, named by the records of tokens issued before it was
	// removed, is credited only when no held scope satisfies the endpoint
	// (see [UsageReview].Unserved), or the table lacks the route.
	Held bool `json:"held"`
	// Calls counts the records credited to it (see [Index.ReviewUsage]),
	// whether or not the permission check then passed.
	Calls int `json:"calls"`
	// Routes are the endpoints of those records, sorted.
	Routes []string `json:"routes"`
	// First and Last are the times of the first and last such record.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// A Denial is an endpoint that refused a client's calls for want of a
// scope, or that would have but for the org's report-only mode
// ([enforce.Org].ScopeReportOnly).
type Denial struct {
	Route    string `json:"route"`
	Endpoint string `json:"endpoint,omitempty"`
	// Count is the number of such denials; First and Last their times.
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Accepts are the scopes the endpoint accepts; empty when the
	// endpoint is no longer in the table.
	Accepts scope.Set `json:"accepts"`
	// Add is the scope to add for it: the one the review's Add set uses
	// for this endpoint. When Reauthenticate is set it is the narrowest
	// scope the client already holds that satisfies the endpoint, and the
	// review does not list it as Unused.
	Add scope.Scope `json:"add,omitzero"`
	// Reauthenticate reports that the client holds a scope the endpoint
	// accepts now: the denied tokens were issued before it was added, and
	// the user must sign in again (re-consent) to get it.
	Reauthenticate bool `json:"reauthenticate,omitempty"`
}

// An Unserved is an endpoint that let a client's calls through during the
// period, and that none of the scopes the client holds now satisfies: the
// scopes the calls used were removed since (or the table changed), and
// its next calls will be refused for want of a scope.
type Unserved struct {
	Route    string `json:"route"`
	Endpoint string `json:"endpoint,omitempty"`
	// Scopes are the scopes the records name ([enforce.Record].Scope):
	// the client no longer holds them, or they no longer satisfy the
	// endpoint.
	Scopes scope.Set `json:"scopes"`
	// Count is the number of such calls, whether or not the permission
	// check then passed; First and Last their times.
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Accepts are the scopes the endpoint accepts.
	Accepts scope.Set `json:"accepts"`
	// Add is the scope to add for it: the one the review's Add set uses
	// for this endpoint.
	Add scope.Scope `json:"add,omitzero"`
}

// A UsageReview is the guide's quarterly review of one client, from the
// decision records of a period: the scopes it holds but never used, to
// remove, and the calls refused for want of a scope, or that no scope it
// holds serves any more, to add.
type UsageReview struct {
	Client client.ID    `json:"client"`
	Org    client.OrgID `json:"org,omitempty"`
	From   time.Time    `json:"from"`
	To     time.Time    `json:"to"`
	// Records counts the client's records in the period.
	Records int `json:"records"`
	// Used lists every scope the records show in use, in canonical
	// order.
	Used []ScopeUse `json:"used"`
	// Unused are the held scopes no record shows in use, and that no
	// refused call needs (a [Denial] to re-authenticate for): candidates
	// for removal.
	Unused scope.Set `json:"unused"`
	// Denied lists the endpoints that refused calls for want of a scope
	// (codes SCOPE_INSUFFICIENT and SCOPE_AND_PERMISSIONS_INSUFFICIENT),
	// or would have but for the org's report-only mode
	// ([enforce.Record].Unenforced), most refused first.
	Denied []Denial `json:"denied"`
	// Unserved lists the endpoints that let calls of the period through,
	// and that no held scope satisfies now, most called first.
	Unserved []Unserved `json:"unserved,omitempty"`
	// Add is the smallest set of scopes that would let every denied call
	// pass, leaving out those that need only a re-authentication, and
	// serve every Unserved endpoint.
	Add scope.Set `json:"add"`
	// Unattributed counts allowed records that name no scope, because
	// the org has scope enforcement off: the scopes those calls would
	// have needed are unknown, so Unused may list scopes that are needed.
	Unattributed int `json:"unattributed"`
	// Stale lists routes in the records that the table does not have,
	// sorted: the records are older than the table, or from another one.
	Stale []string `json:"stale,omitempty"`
}

// ReviewUsage reviews a client's use of its scopes from decision records
// ([enforce.Record], as a [enforce.Hook] receives them) over a period.
// Records of other clients, of other orgs when q.Org is set, and outside
// the period are skipped.
//
// A record names the scope that satisfied its endpoint
// ([enforce.Record].Scope), but the token that carried it may hold other
// scopes than the client does now: users:manage may stand for a read that
// the client's users:readonly serves just as well, and users:readonly may
// have been replaced since by users:manage. So a record that names a
// scope credits the narrowest held scope (by [Breadth], then canonical
// order) that satisfies its endpoint, whichever scope it names. When no
// held scope does, the record credits the scope it names, and its
// endpoint is Unserved: the review adds the narrowest scope for it, as
// for a call refused for want of a scope. A record whose route the table
// lacks credits the scope it names.
//
// So the advice is safe: after removing the Unused scopes and adding the
// Add ones, every call of the period that passed the scope check, and
// every call refused for want of a scope, is served by a scope of the
// resulting set. The Unused scopes are the broader ones where there is a
// choice. Calls that were not scope-checked (see Unattributed) and routes
// the table lacks (see Stale) are outside this promise: the review cannot
// tell which scopes they need.
func (ix *Index) ReviewUsage(q UsageQuery, records []enforce.Record) (UsageReview, error) {
	if err := ix.ready(); err != nil {
		return UsageReview{}, err
	}
	switch {
	case !q.Client.IsValid():
		return UsageReview{}, fmt.Errorf("%w: usage query has no client", ErrInvalid)
	case q.From.IsZero() || q.To.IsZero():
		return UsageReview{}, fmt.Errorf("%w: usage query needs a period: From and To", ErrInvalid)
	case !q.From.Before(q.To):
		return UsageReview{}, fmt.Errorf("%w: usage period ends (%s) before it starts (%s)", ErrInvalid, q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	if err := ix.catalog.Validate(q.Held); err != nil {
		return UsageReview{}, fmt.Errorf("review: held scopes: %w", err)
	}
	u := UsageReview{Client: q.Client, Org: q.Org, From: q.From, To: q.To}
	used := map[scope.Scope]*ScopeUse{}
	denied := map[string]*Denial{}
	unserved := map[string]*Unserved{}
	unservedBy := map[string][]scope.Scope{}
	stale := map[string]bool{}
	// The scope a record credits depends only on its endpoint: the zero
	// Scope when no held scope satisfies it.
	credits := map[int32]scope.Scope{}
	for _, r := range records {
		if r.Client != q.Client || q.Org != "" && r.Org != q.Org || r.Time.Before(q.From) || !r.Time.Before(q.To) {
			continue
		}
		u.Records++
		ep, known := ix.byRoute[r.Route]
		if r.Route != "" && !known {
			stale[r.Route] = true
		}
		switch {
		case r.Scope.IsValid():
			credit := r.Scope
			if known {
				s, seen := credits[ep]
				if !seen {
					s, _ = ix.narrowestHeld(ep, q.Held)
					credits[ep] = s
				}
				if s.IsValid() {
					credit = s
				} else {
					x := unserved[r.Route]
					if x == nil {
						x = &Unserved{Route: r.Route, Endpoint: ix.eps[ep].name, Accepts: ix.eps[ep].accepts, First: r.Time}
						unserved[r.Route] = x
					}
					x.Count++
					x.First, x.Last = earlier(x.First, r.Time), later(x.Last, r.Time)
					if !slices.Contains(unservedBy[r.Route], r.Scope) {
						unservedBy[r.Route] = append(unservedBy[r.Route], r.Scope)
					}
				}
			}
			su := used[credit]
			if su == nil {
				su = &ScopeUse{Scope: credit, Held: q.Held.Contains(credit), First: r.Time}
				used[credit] = su
			}
			su.Calls++
			su.First, su.Last = earlier(su.First, r.Time), later(su.Last, r.Time)
			if r.Route != "" && !slices.Contains(su.Routes, r.Route) {
				su.Routes = append(su.Routes, r.Route)
			}
		case r.Allowed && r.GrantType != client.ClientCredentials && r.Unenforced == 0:
			u.Unattributed++
		}
		if scopeRefused(r) {
			d := denied[r.Route]
			if d == nil {
				d = &Denial{Route: r.Route, Endpoint: r.Endpoint, First: r.Time}
				denied[r.Route] = d
			}
			d.Count++
			d.First, d.Last = earlier(d.First, r.Time), later(d.Last, r.Time)
		}
	}
	for s := range used {
		slices.Sort(used[s].Routes)
		u.Used = append(u.Used, *used[s])
	}
	slices.SortFunc(u.Used, func(a, b ScopeUse) int { return strings.Compare(a.Scope.String(), b.Scope.String()) })
	// The scopes the records show in use, and those a refused call needs
	// once its user signs in again, are kept.
	var kept []scope.Scope
	for s := range used {
		kept = append(kept, s)
	}
	for route := range stale {
		u.Stale = append(u.Stale, route)
	}
	slices.Sort(u.Stale)

	// What to add: the smallest set for the denied endpoints that no held
	// scope satisfies, and for the unserved ones.
	var toAdd []string
	for route, d := range denied {
		ep, ok := ix.byRoute[route]
		if !ok {
			continue
		}
		d.Accepts = ix.eps[ep].accepts
		if s, ok := ix.narrowestHeld(ep, q.Held); ok {
			d.Add, d.Reauthenticate = s, true
			kept = append(kept, s)
			continue
		}
		toAdd = append(toAdd, route)
	}
	for route, x := range unserved {
		x.Scopes, _ = scope.NewSet(unservedBy[route]...) // valid scopes only
		if denied[route] == nil {
			toAdd = append(toAdd, route)
		}
	}
	keptSet, _ := scope.NewSet(kept...) // valid scopes only
	u.Unused = q.Held.Difference(keptSet)
	slices.Sort(toAdd)
	if len(toAdd) > 0 {
		eps := make([]int32, len(toAdd))
		for i, route := range toAdd {
			eps[i] = ix.byRoute[route]
		}
		sel := ix.selectFor(toAdd, eps, q.Held)
		u.Add = sel.Scopes
		for _, n := range sel.Needs {
			if d := denied[n.Route]; d != nil {
				d.Add = n.Scope
			}
			if x := unserved[n.Route]; x != nil {
				x.Add = n.Scope
			}
		}
	}
	for _, x := range unserved {
		u.Unserved = append(u.Unserved, *x)
	}
	slices.SortFunc(u.Unserved, func(a, b Unserved) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Route, b.Route)
	})
	for _, d := range denied {
		u.Denied = append(u.Denied, *d)
	}
	slices.SortFunc(u.Denied, func(a, b Denial) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Route, b.Route)
	})
	return u, nil
}

// narrowestHeld returns the narrowest held scope that satisfies endpoint
// ep, by [Breadth] and then canonical order, and false if no held scope
// does.
func (ix *Index) narrowestHeld(ep int32, held scope.Set) (scope.Scope, bool) {
	best := int32(-1)
	for _, id := range ix.eps[ep].satisfiers { // ascending: canonical order
		if (best < 0 || ix.breadth[id].Compare(ix.breadth[best]) < 0) && held.Contains(ix.scopes[id]) {
			best = id
		}
	}
	if best < 0 {
		return scope.Scope{}, false
	}
	return ix.scopes[best], true
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
