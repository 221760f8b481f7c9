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
	// longer holds still shows up in the records of tokens issued before
	// it was removed.
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
// scope.
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
	// for this endpoint. When Reauthenticate is set it is a scope the
	// client already holds.
	Add scope.Scope `json:"add,omitzero"`
	// Reauthenticate reports that the client holds a scope the endpoint
	// accepts now: the denied tokens were issued before it was added, and
	// the user must sign in again (re-consent) to get it.
	Reauthenticate bool `json:"reauthenticate,omitempty"`
}

// A UsageReview is the guide's quarterly review of one client, from the
// decision records of a period: the scopes it holds but never used, to
// remove, and the calls refused for want of a scope, to add.
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
	// Unused are the held scopes no record shows in use: candidates for
	// removal.
	Unused scope.Set `json:"unused"`
	// Denied lists the endpoints that refused calls for want of a scope
	// (codes SCOPE_INSUFFICIENT and SCOPE_AND_PERMISSIONS_INSUFFICIENT),
	// most refused first.
	Denied []Denial `json:"denied"`
	// Add is the smallest set of scopes that would let every denied call
	// pass, leaving out those that need only a re-authentication.
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
// A record credits the scope that satisfied its endpoint
// ([enforce.Record].Scope), with one correction. When a token holds
// several scopes that satisfy the endpoint, the enforcer names the first
// in canonical order, so users:manage stands for a read that the
// token's users:readonly would have served just as well; crediting it
// would call users:readonly unused and advise removing the narrower
// scope. So when the named scope is held, the record credits the
// narrowest held scope (by [Breadth], then canonical order) that
// satisfies the endpoint and that the token may have carried: the named
// scope or one that comes after it in canonical order. The Unused scopes
// can then be removed without refusing any call of the period, and they
// are the broader ones where there is a choice.
func (ix *Index) ReviewUsage(q UsageQuery, records []enforce.Record) (UsageReview, error) {
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
	stale := map[string]bool{}
	for _, r := range records {
		if r.Client != q.Client || q.Org != "" && r.Org != q.Org || r.Time.Before(q.From) || !r.Time.Before(q.To) {
			continue
		}
		u.Records++
		_, known := ix.byRoute[r.Route]
		if r.Route != "" && !known {
			stale[r.Route] = true
		}
		switch {
		case r.Scope.IsValid():
			credit := r.Scope
			if ep, ok := ix.byRoute[r.Route]; ok && q.Held.Contains(credit) {
				credit = ix.narrowestHeld(ep, q.Held, credit)
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
		case r.Allowed && r.GrantType != client.ClientCredentials:
			u.Unattributed++
		}
		if r.Code == enforce.CodeScopeMissing || r.Code == enforce.CodeScopeAndPermissionMissing {
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
	var credited []scope.Scope
	for s := range used {
		credited = append(credited, s)
	}
	creditedSet, _ := scope.NewSet(credited...)
	u.Unused = q.Held.Difference(creditedSet)
	for route := range stale {
		u.Stale = append(u.Stale, route)
	}
	slices.Sort(u.Stale)

	// What to add: the smallest set for the denied endpoints that the
	// held scopes do not already satisfy.
	granted := ix.catalog.Grant(q.Held)
	var toAdd []string
	for route, d := range denied {
		ep, ok := ix.byRoute[route]
		if !ok {
			continue
		}
		d.Accepts = ix.eps[ep].accepts
		if granted.Satisfies(ix.eps[ep].accepted) {
			d.Add, _ = ix.eps[ep].accepted.Match(q.Held)
			d.Reauthenticate = true
			continue
		}
		toAdd = append(toAdd, route)
	}
	slices.Sort(toAdd)
	if len(toAdd) > 0 {
		eps := make([]int32, len(toAdd))
		for i, route := range toAdd {
			eps[i] = ix.byRoute[route]
		}
		sel := ix.selectFor(toAdd, eps, q.Held)
		u.Add = sel.Scopes
		for _, n := range sel.Needs {
			denied[n.Route].Add = n.Scope
		}
	}
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
// ep and does not come before named in canonical order: the scope to
// credit for a record in which the enforcer named named. It returns named
// when no other qualifies, or when named does not satisfy ep (the table
// changed since the record).
func (ix *Index) narrowestHeld(ep int32, held scope.Set, named scope.Scope) scope.Scope {
	sats := ix.eps[ep].satisfiers
	first, ok := slices.BinarySearch(sats, ix.ids[named])
	if !ok {
		return named
	}
	best := sats[first]
	for _, id := range sats[first+1:] {
		if ix.breadth[id].Compare(ix.breadth[best]) < 0 && held.Contains(ix.scopes[id]) {
			best = id
		}
	}
	return ix.scopes[best]
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
