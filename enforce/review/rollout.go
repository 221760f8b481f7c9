package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/scope"
)

// A RolloutQuery says which org's records to review before its scopes
// are enforced, and over which period.
type RolloutQuery struct {
	// Org is the org whose scope enforcement is to be turned on.
	// Required.
	Org client.OrgID
	// From and To bound the period, From included and To excluded. Both
	// are required.
	From, To time.Time
	// Held, if set, gives the scopes each client may use in the org now
	// (its authorization's effective scopes, [client.Authorizer]). A
	// refused endpoint that one of them satisfies needs the client's
	// users to sign in again rather than a new scope. Without it, or for
	// a client it does not list, the review advises scopes for every
	// refused endpoint, preferring those the client's records show in
	// use.
	Held map[client.ID]scope.Set
}

// A RolloutClient is what one client needs before the org enforces
// scopes.
type RolloutClient struct {
	Client client.ID `json:"client"`
	// Records counts the client's records of the period that carried a
	// user's token: the calls whose scopes the review can judge.
	Records int `json:"records"`
	// Refused lists the endpoints that would refuse (or refused) its
	// calls for want of a scope, most refused first.
	Refused []Denial `json:"refused"`
	// Add is the smallest set of scopes that serves every refused
	// endpoint, leaving out those that need only a re-authentication.
	Add scope.Set `json:"add"`
	// Exact is as in [Selection].
	Exact bool `json:"exact"`
}

// Ready reports whether the client's calls of the period would all pass
// the scope check once the org enforces scopes.
func (c RolloutClient) Ready() bool { return len(c.Refused) == 0 }

// A RolloutReview says, per client, which scopes to add before an org's
// scope enforcement is turned on: from the records of a period in
// report-only mode ([enforce.Org].ScopeReportOnly), which name the scope
// refusals that were let through ([enforce.Record].Unenforced).
type RolloutReview struct {
	Org  client.OrgID `json:"org"`
	From time.Time    `json:"from"`
	To   time.Time    `json:"to"`
	// Records counts the org's records in the period.
	Records int `json:"records"`
	// Clients lists every client with records of users' tokens in the
	// period: those that are not ready first, most refused calls first,
	// then by ID.
	Clients []RolloutClient `json:"clients"`
	// Unchecked counts allowed records of users' tokens that name no
	// scope and no unenforced refusal: made while the org had scope
	// enforcement off, so that the review cannot tell what they need.
	// Review a period in report-only mode instead.
	Unchecked int `json:"unchecked"`
	// Stale lists routes in the records that the table does not have,
	// sorted.
	Stale []string `json:"stale,omitempty"`
}

// Ready reports whether the org can enforce scopes without refusing any
// call of the period for want of a scope: every client is ready, and no
// record was made with scope enforcement off.
func (r RolloutReview) Ready() bool {
	for _, c := range r.Clients {
		if !c.Ready() {
			return false
		}
	}
	return r.Unchecked == 0
}

// scopeRefused reports whether a record is a call refused for want of a
// scope, or one that an org's report-only mode let through and
// enforcement would refuse.
func scopeRefused(r enforce.Record) bool {
	switch enforce.CodeScopeMissing {
	case r.Code, r.Unenforced:
		return true
	}
	switch enforce.CodeScopeAndPermissionMissing {
	case r.Code, r.Unenforced:
		return true
	}
	return false
}

// ReviewRollout reviews the records of an org over a period before its
// scope enforcement is turned on: for each client whose users' tokens
// called the org's API, the endpoints that enforcement would refuse (or
// refused) for want of a scope, and the smallest set of scopes to add so
// that none is. Records of client-credentials tokens, which carry no
// scopes, of other orgs and outside the period are skipped.
//
// After each client adds its Add scopes (and, for the refusals marked
// Reauthenticate, its users sign in again), every call of the period that
// reached an endpoint of the table passes the scope check: the records of
// a period in report-only mode say which calls lacked a scope.
func (ix *Index) ReviewRollout(q RolloutQuery, records []enforce.Record) (RolloutReview, error) {
	if err := ix.ready(); err != nil {
		return RolloutReview{}, err
	}
	switch {
	case q.Org == "":
		return RolloutReview{}, fmt.Errorf("%w: rollout query has no org", ErrInvalid)
	case q.From.IsZero() || q.To.IsZero():
		return RolloutReview{}, fmt.Errorf("%w: rollout query needs a period: From and To", ErrInvalid)
	case !q.From.Before(q.To):
		return RolloutReview{}, fmt.Errorf("%w: rollout period ends (%s) before it starts (%s)", ErrInvalid, q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	for id, held := range q.Held {
		if err := ix.catalog.Validate(held); err != nil {
			return RolloutReview{}, fmt.Errorf("review: held scopes of client %s: %w", id, err)
		}
	}
	type clientState struct {
		RolloutClient
		denied map[string]*Denial
		seen   []scope.Scope
	}
	out := RolloutReview{Org: q.Org, From: q.From, To: q.To}
	clients := map[client.ID]*clientState{}
	stale := map[string]bool{}
	for _, r := range records {
		if r.Org != q.Org || r.Time.Before(q.From) || !r.Time.Before(q.To) {
			continue
		}
		out.Records++
		if !r.Client.IsValid() || r.GrantType == client.ClientCredentials {
			continue
		}
		c := clients[r.Client]
		if c == nil {
			c = &clientState{RolloutClient: RolloutClient{Client: r.Client}, denied: map[string]*Denial{}}
			clients[r.Client] = c
		}
		c.Records++
		_, known := ix.byRoute[r.Route]
		if r.Route != "" && !known {
			stale[r.Route] = true
		}
		switch {
		case scopeRefused(r):
			d := c.denied[r.Route]
			if d == nil {
				d = &Denial{Route: r.Route, Endpoint: r.Endpoint, First: r.Time}
				c.denied[r.Route] = d
			}
			d.Count++
			d.First, d.Last = earlier(d.First, r.Time), later(d.Last, r.Time)
		case r.Scope.IsValid():
			if !slices.Contains(c.seen, r.Scope) {
				c.seen = append(c.seen, r.Scope)
			}
		case r.Allowed:
			out.Unchecked++
		}
	}
	for route := range stale {
		out.Stale = append(out.Stale, route)
	}
	slices.Sort(out.Stale)

	for id, c := range clients {
		held, listed := q.Held[id]
		var toAdd []string
		for route, d := range c.denied {
			ep, ok := ix.byRoute[route]
			if !ok {
				continue
			}
			d.Accepts = ix.eps[ep].accepts
			if s, ok := ix.narrowestHeld(ep, held); listed && ok {
				d.Add, d.Reauthenticate = s, true
				continue
			}
			toAdd = append(toAdd, route)
		}
		c.Exact = true
		if len(toAdd) > 0 {
			slices.Sort(toAdd)
			eps := make([]int32, len(toAdd))
			for i, route := range toAdd {
				eps[i] = ix.byRoute[route]
			}
			prefer := held
			if !listed {
				prefer, _ = scope.NewSet(c.seen...) // valid scopes only
			}
			sel := ix.selectFor(toAdd, eps, prefer)
			c.Add, c.Exact = sel.Scopes, sel.Exact
			for _, n := range sel.Needs {
				c.denied[n.Route].Add = n.Scope
			}
		}
		for _, d := range c.denied {
			c.Refused = append(c.Refused, *d)
		}
		slices.SortFunc(c.Refused, func(a, b Denial) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Route, b.Route))
		})
		out.Clients = append(out.Clients, c.RolloutClient)
	}
	refused := func(c RolloutClient) int {
		n := 0
		for _, d := range c.Refused {
			n += d.Count
		}
		return n
	}
	slices.SortFunc(out.Clients, func(a, b RolloutClient) int {
		return cmp.Or(cmp.Compare(refused(b), refused(a)), strings.Compare(a.Client.String(), b.Client.String()))
	})
	return out, nil
}
