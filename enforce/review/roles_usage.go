package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
)

// A RoleUsageQuery says whose use of roles to review, and over which
// period.
type RoleUsageQuery struct {
	// Client is the client-credentials client under review. Required.
	Client client.ID
	// Org, if set, limits the review to the client's calls in that org.
	Org client.OrgID
	// Held are the roles the client holds now, each with its divisions
	// or all divisions, as [RoleIndex.Review] takes them.
	Held []client.RoleAssignment
	// From and To bound the period, From included and To excluded. Both
	// are required.
	From, To time.Time
}

// A RoleUse is how a held role served a client's calls.
type RoleUse struct {
	Role permission.RoleID `json:"role"`
	// Calls counts the records credited to it (see
	// [RoleIndex.ReviewUsage]).
	Calls int `json:"calls"`
	// Routes are the endpoints of those records, sorted.
	Routes []string `json:"routes"`
	// Divisions are the divisions of the resources of its calls to
	// division-aware endpoints, sorted; OrgWide counts its calls to
	// org-wide endpoints, which need it in any one division.
	Divisions []permission.DivisionID `json:"divisions,omitempty"`
	OrgWide   int                     `json:"org_wide,omitempty"`
	// First and Last are the times of the first and last such record.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// A RoleDenial is an endpoint, in a division, whose calls the client's
// roles did not, or do not any more, let through.
type RoleDenial struct {
	Route    string `json:"route"`
	Endpoint string `json:"endpoint,omitempty"`
	// Division is the resource's division, or "" for an org-wide
	// endpoint.
	Division permission.DivisionID `json:"division,omitempty"`
	// Count is the number of such calls; First and Last their times.
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Requires is the endpoint's permission requirement; zero when the
	// table no longer has the endpoint.
	Requires permission.Requirement `json:"requires,omitzero"`
	// Add are the grants that let its calls pass (a held role in one
	// more division, or another role), preferring the held roles; empty
	// when the held roles let them pass now (see Served), or when no
	// role of the org can.
	Add []client.RoleAssignment `json:"add,omitempty"`
	// Served reports that the roles the client holds now let its calls
	// pass: they were granted since.
	Served bool `json:"served,omitempty"`
}

// A RoleUsageReview is the quarterly review of a client-credentials
// client's roles, from the decision records of a period: the roles it
// holds but never used, to remove; those it used in fewer divisions than
// it holds them in, to narrow; and the calls refused for want of a
// permission, or that its roles do not serve any more, with what to
// grant.
type RoleUsageReview struct {
	Client client.ID    `json:"client"`
	Org    client.OrgID `json:"org,omitempty"`
	From   time.Time    `json:"from"`
	To     time.Time    `json:"to"`
	// Records counts the client's records of client-credentials tokens
	// in the period.
	Records int `json:"records"`
	// Used lists the held roles the records show in use, by role ID.
	Used []RoleUse `json:"used"`
	// Unused are the held roles no record shows in use: remove them.
	Unused []permission.RoleID `json:"unused"`
	// Narrow are the held roles used in fewer divisions than they are
	// held in, with the divisions to keep (none named: any one division,
	// the Home division by default, for a role only org-wide calls used).
	Narrow []client.RoleAssignment `json:"narrow,omitempty"`
	// Denied lists the endpoints, by division, that refused calls for
	// want of a permission (PERMISSIONS_INSUFFICIENT), most refused first.
	Denied []RoleDenial `json:"denied"`
	// Unserved lists the endpoints, by division, that let calls of the
	// period through and that the held roles do not serve now (a role
	// was removed or narrowed since), most called first.
	Unserved []RoleDenial `json:"unserved,omitempty"`
	// Add gathers the grants that Denied and Unserved advise, by role.
	Add []client.RoleAssignment `json:"add,omitempty"`
	// Stale lists routes in the records that the table does not have,
	// sorted.
	Stale []string `json:"stale,omitempty"`
}

// ReviewUsage reviews a client-credentials client's use of its roles
// from decision records ([enforce.Record]) over a period. Records of
// other clients, of user tokens (whose permissions are their users'), of
// other orgs when q.Org is set, and outside the period are skipped.
//
// A record says which endpoint was called in which division, not which
// role let it pass. So an allowed record credits the narrowest held role
// (by [RoleBreadth], then ID) that meets the endpoint's requirement on
// its own in the record's division (any division for an org-wide
// endpoint), or, for an all-of requirement no held role meets alone, the
// narrowest held role for each of its permissions. A record that no held
// grant serves any more is Unserved.
//
// So the advice is safe: after removing the Unused roles, narrowing the
// Narrow ones and granting Add, every call of the period that passed, and
// every call refused for want of a permission, is served. Routes the
// table lacks (see Stale) are outside this promise.
func (rx *RoleIndex) ReviewUsage(q RoleUsageQuery, records []enforce.Record) (RoleUsageReview, error) {
	if err := rx.ready(); err != nil {
		return RoleUsageReview{}, err
	}
	switch {
	case !q.Client.IsValid():
		return RoleUsageReview{}, fmt.Errorf("%w: role usage query has no client", ErrInvalid)
	case q.From.IsZero() || q.To.IsZero():
		return RoleUsageReview{}, fmt.Errorf("%w: role usage query needs a period: From and To", ErrInvalid)
	case !q.From.Before(q.To):
		return RoleUsageReview{}, fmt.Errorf("%w: role usage period ends (%s) before it starts (%s)", ErrInvalid, q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	if err := rx.checkHeld(q.Held); err != nil {
		return RoleUsageReview{}, err
	}
	u := RoleUsageReview{Client: q.Client, Org: q.Org, From: q.From, To: q.To}
	used := map[permission.RoleID]*RoleUse{}
	denied := map[key]*RoleDenial{}
	unserved := map[key]*RoleDenial{}
	stale := map[string]bool{}
	credits := map[key][]permission.RoleID{} // nil when no held grant serves it
	note := func(m map[key]*RoleDenial, k key, r enforce.Record) {
		d := m[k]
		if d == nil {
			d = &RoleDenial{Route: r.Route, Endpoint: r.Endpoint, Division: k.div, First: r.Time}
			if ep, ok := rx.ix.byRoute[r.Route]; ok {
				d.Requires = rx.ix.eps[ep].req
			}
			m[k] = d
		}
		d.Count++
		d.First, d.Last = earlier(d.First, r.Time), later(d.Last, r.Time)
	}
	for _, r := range records {
		if r.Client != q.Client || r.GrantType != client.ClientCredentials || q.Org != "" && r.Org != q.Org || r.Time.Before(q.From) || !r.Time.Before(q.To) {
			continue
		}
		u.Records++
		ep, known := rx.ix.byRoute[r.Route]
		if r.Route != "" && !known {
			stale[r.Route] = true
		}
		if !known || !rx.ix.eps[ep].needsRole() {
			continue
		}
		e := &rx.ix.eps[ep]
		div := r.Division
		if !e.aware {
			div = ""
		}
		k := key{r.Route, div}
		switch {
		case r.Allowed:
			roles, seen := credits[k]
			if !seen {
				roles = rx.credit(e, div, q.Held)
				credits[k] = roles
			}
			if roles == nil {
				note(unserved, k, r)
				continue
			}
			for _, id := range roles {
				ru := used[id]
				if ru == nil {
					ru = &RoleUse{Role: id, First: r.Time}
					used[id] = ru
				}
				ru.Calls++
				ru.First, ru.Last = earlier(ru.First, r.Time), later(ru.Last, r.Time)
				if !slices.Contains(ru.Routes, r.Route) {
					ru.Routes = append(ru.Routes, r.Route)
				}
				switch {
				case !e.aware:
					ru.OrgWide++
				case div != "" && !slices.Contains(ru.Divisions, div):
					ru.Divisions = append(ru.Divisions, div)
				}
			}
		case r.Code == enforce.CodePermissionMissing || r.Code == enforce.CodeScopeAndPermissionMissing:
			note(denied, k, r)
		}
	}
	for route := range stale {
		u.Stale = append(u.Stale, route)
	}
	slices.Sort(u.Stale)

	for _, h := range q.Held {
		ru := used[h.Role]
		if ru == nil {
			u.Unused = append(u.Unused, h.Role)
			continue
		}
		slices.Sort(ru.Routes)
		slices.Sort(ru.Divisions)
		u.Used = append(u.Used, *ru)
		keep := client.RoleAssignment{Role: h.Role}
		if h.AllDivisions {
			keep.Divisions = slices.Clone(ru.Divisions)
		} else {
			for _, d := range h.Divisions {
				if slices.Contains(ru.Divisions, d) {
					keep.Divisions = append(keep.Divisions, d)
				}
			}
			if len(keep.Divisions) == 0 {
				keep.Divisions = h.Divisions[:1:1] // org-wide calls only: one division
			}
			if len(keep.Divisions) == len(h.Divisions) {
				continue
			}
		}
		u.Narrow = append(u.Narrow, keep)
	}
	slices.SortFunc(u.Used, func(a, b RoleUse) int { return strings.Compare(string(a.Role), string(b.Role)) })
	slices.Sort(u.Unused)

	// What to grant: for each refused or unserved endpoint and division,
	// the least grants, preferring the held ones.
	adds := map[permission.RoleID]*client.RoleAssignment{}
	var addOrder []permission.RoleID
	advise := func(d *RoleDenial) {
		ep, ok := rx.ix.byRoute[d.Route]
		if !ok {
			return
		}
		if rx.credit(&rx.ix.eps[ep], d.Division, q.Held) != nil {
			d.Served = true
			return
		}
		rq := RoleQuery{Calls: []string{d.Route}}
		if d.Division != "" {
			rq.Divisions = []permission.DivisionID{d.Division}
		} else if first := firstDivision(q.Held); first != "" {
			rq.Divisions = []permission.DivisionID{first}
		}
		r, err := rx.Review(q.Held, rq)
		if err != nil {
			return // no role of the org can let it pass
		}
		d.Add = r.Add
		for _, g := range r.Add {
			a := adds[g.Role]
			if a == nil {
				a = &client.RoleAssignment{Role: g.Role}
				adds[g.Role] = a
				addOrder = append(addOrder, g.Role)
			}
			a.AllDivisions = a.AllDivisions || g.AllDivisions
			for _, div := range g.Divisions {
				if !slices.Contains(a.Divisions, div) {
					a.Divisions = append(a.Divisions, div)
				}
			}
		}
	}
	for _, m := range []map[key]*RoleDenial{denied, unserved} {
		keys := make([]key, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b key) int {
			return cmp.Or(strings.Compare(a.route, b.route), strings.Compare(string(a.div), string(b.div)))
		})
		for _, k := range keys {
			advise(m[k])
		}
	}
	slices.Sort(addOrder)
	for _, id := range addOrder {
		a := *adds[id]
		if a.AllDivisions {
			a.Divisions = nil
		}
		slices.Sort(a.Divisions)
		u.Add = append(u.Add, a)
	}
	u.Denied = sortedDenials(denied)
	u.Unserved = sortedDenials(unserved)
	return u, nil
}

// credit returns the held roles a call to endpoint e in division div
// ("" for an org-wide endpoint) credits: the narrowest held role that
// meets the requirement alone there, or, when none does, the narrowest
// for each permission of an all-of requirement. It is nil when the held
// grants do not serve the call.
func (rx *RoleIndex) credit(e *endpoint, div permission.DivisionID, held []client.RoleAssignment) []permission.RoleID {
	var there []int32 // the held roles that apply in div, by breadth then ID
	for _, h := range held {
		if e.aware && !h.AllDivisions && !slices.Contains(h.Divisions, div) {
			continue
		}
		if n, ok := rx.byID[h.Role]; ok {
			there = append(there, n)
		}
	}
	slices.SortFunc(there, func(a, b int32) int {
		return cmp.Or(rx.roles[a].breadth.Compare(rx.roles[b].breadth), strings.Compare(string(rx.roles[a].role.ID), string(rx.roles[b].role.ID)))
	})
	for _, n := range there {
		if rx.roles[n].meets(e) {
			return []permission.RoleID{rx.roles[n].role.ID}
		}
	}
	if e.kind != permission.All {
		return nil
	}
	var out []permission.RoleID
	for _, p := range e.need {
		found := false
		for _, n := range there {
			if rx.roles[n].covers.has(int(p)) {
				if id := rx.roles[n].role.ID; !slices.Contains(out, id) {
					out = append(out, id)
				}
				found = true
				break
			}
		}
		if !found {
			return nil
		}
	}
	slices.Sort(out)
	return out
}

// checkHeld checks a client's held roles, as [RoleIndex.Review] does.
func (rx *RoleIndex) checkHeld(held []client.RoleAssignment) error {
	seen := map[permission.RoleID]bool{}
	for _, h := range held {
		switch {
		case !rx.has(h.Role):
			return fmt.Errorf("%w: %q is not one of the org's roles", ErrUnknownRole, h.Role)
		case seen[h.Role]:
			return fmt.Errorf("%w: role %q held twice: list its divisions in one grant", ErrInvalid, h.Role)
		case h.AllDivisions == (len(h.Divisions) > 0):
			return fmt.Errorf("%w: role %q: name its divisions, or all divisions, not both or neither", ErrInvalid, h.Role)
		case slices.Contains(h.Divisions, ""):
			return fmt.Errorf("%w: role %q: an empty division ID", ErrInvalid, h.Role)
		}
		seen[h.Role] = true
	}
	return nil
}

// firstDivision returns the first division a held grant names, for the
// grants that serve org-wide calls, or "".
func firstDivision(held []client.RoleAssignment) permission.DivisionID {
	for _, h := range held {
		if len(h.Divisions) > 0 {
			return h.Divisions[0]
		}
	}
	return ""
}

// key is an endpoint's route and a division.
type key struct {
	route string
	div   permission.DivisionID
}

func sortedDenials(m map[key]*RoleDenial) []RoleDenial {
	var out []RoleDenial
	for _, d := range m {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b RoleDenial) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Route, b.Route), strings.Compare(string(a.Division), string(b.Division)))
	})
	return out
}
