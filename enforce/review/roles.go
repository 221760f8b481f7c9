package review

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

// This file is the role counterpart of minimal.go: the smallest set of
// (role, divisions) grants that lets a client-credentials app's calls
// pass the permission check. The package documentation, under "Roles",
// says what "smallest" means.

// RoleBreadth measures how much access a role grants in the table: the
// endpoints whose permission requirement it meets on its own, and how
// many of those write; and of both, those whose resource lives in a
// division, which a grant unlocks once for each division it names.
// Endpoints that require no permission are not counted: no role is
// needed for them.
type RoleBreadth struct {
	// Writes counts the endpoints it unlocks that write (see [Breadth]).
	Writes int `json:"writes"`
	// Endpoints counts the endpoints it unlocks.
	Endpoints int `json:"endpoints"`
	// DivisionAwareWrites and DivisionAware count those of Writes and
	// Endpoints whose resource lives in a division.
	DivisionAwareWrites int `json:"division_aware_writes"`
	DivisionAware       int `json:"division_aware"`
}

// Compare compares b and o field by field in the order Writes,
// Endpoints, DivisionAwareWrites, DivisionAware, and returns -1 if b is
// narrower, +1 if it is broader, 0 if they are equal.
func (b RoleBreadth) Compare(o RoleBreadth) int {
	return cmp.Or(cmp.Compare(b.Writes, o.Writes), cmp.Compare(b.Endpoints, o.Endpoints),
		cmp.Compare(b.DivisionAwareWrites, o.DivisionAwareWrites), cmp.Compare(b.DivisionAware, o.DivisionAware))
}

// String describes b in words: "12 endpoints, 4 of which write".
func (b RoleBreadth) String() string {
	return Breadth{Writes: b.Writes, Endpoints: b.Endpoints}.String()
}

// A RoleIndex is an org's roles, arranged over an [Index]'s table for
// role reviews: which table permissions each role holds, and how broad
// each role is. Build it once per set of roles with [Index.Roles].
//
// A RoleIndex is immutable and safe for concurrent use.
type RoleIndex struct {
	ix      *Index
	roles   []roleEntry // by ID, in byte order; a role's position is its number
	byID    map[permission.RoleID]int32
	holders [][]int32 // per table permission id: the roles whose policies cover it, ascending
}

// errNoRoleIndex is what a RoleIndex not made by Index.Roles answers.
var errNoRoleIndex = fmt.Errorf("%w: the role index was not made by Index.Roles", ErrInvalid)

// ready reports errNoRoleIndex for a nil or zero RoleIndex.
func (rx *RoleIndex) ready() error {
	if rx == nil || rx.ix.ready() != nil {
		return errNoRoleIndex
	}
	return nil
}

type roleEntry struct {
	role    permission.Role
	covers  bitset // over the table's permission ids
	breadth RoleBreadth
}

// Roles arranges an org's roles for role reviews over the index's table.
// Every role must be valid ([permission.Role.Validate]) and its ID used
// once; an invalid list is an error wrapping [ErrInvalid]. Wildcard
// policies (directory:user:*, routing:*:*) hold every table permission
// they cover.
func (ix *Index) Roles(roles []permission.Role) (*RoleIndex, error) {
	if err := ix.ready(); err != nil {
		return nil, err
	}
	rx := &RoleIndex{ix: ix, byID: make(map[permission.RoleID]int32, len(roles)), holders: make([][]int32, len(ix.perms))}
	sorted := slices.Clone(roles)
	slices.SortFunc(sorted, func(a, b permission.Role) int { return strings.Compare(string(a.ID), string(b.ID)) })
	words := (len(ix.perms) + 63) / 64
	slab := make(bitset, len(sorted)*words)
	var errs []error
	for i, r := range sorted {
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrInvalid, err))
			continue
		}
		if i > 0 && sorted[i-1].ID == r.ID {
			errs = append(errs, fmt.Errorf("%w: role %q listed twice", ErrInvalid, r.ID))
			continue
		}
		n := int32(len(rx.roles))
		e := roleEntry{role: r, covers: slab[int(n)*words : int(n+1)*words : int(n+1)*words]}
		e.role.Policies = slices.Clone(r.Policies)
		for _, p := range r.Policies {
			if !p.IsWildcard() {
				if id, ok := ix.permIDs[p]; ok {
					e.covers.set(int(id))
				}
				continue
			}
			for _, id := range ix.byDomain[p.Domain()] {
				if p.Covers(ix.perms[id]) {
					e.covers.set(int(id))
				}
			}
		}
		for i := range ix.eps {
			ep := &ix.eps[i]
			if !ep.needsRole() || !e.meets(ep) {
				continue
			}
			e.breadth.Endpoints++
			if ep.write {
				e.breadth.Writes++
			}
			if ep.aware {
				e.breadth.DivisionAware++
				if ep.write {
					e.breadth.DivisionAwareWrites++
				}
			}
		}
		for id := range ix.perms {
			if e.covers.has(id) {
				rx.holders[id] = append(rx.holders[id], n)
			}
		}
		rx.byID[r.ID] = n
		rx.roles = append(rx.roles, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rx, nil
}

// needsRole reports whether the endpoint's requirement needs a role.
func (ep *endpoint) needsRole() bool { return ep.kind == permission.Any || ep.kind == permission.All }

// meets reports whether the role alone meets the endpoint's requirement.
func (e *roleEntry) meets(ep *endpoint) bool {
	switch ep.kind {
	case permission.All:
		for _, id := range ep.need {
			if !e.covers.has(int(id)) {
				return false
			}
		}
		return true
	case permission.Any:
		for _, id := range ep.need {
			if e.covers.has(int(id)) {
				return true
			}
		}
	}
	return false
}

// Breadth returns how broad a role is in the table, and false if the
// index does not have it.
func (rx *RoleIndex) Breadth(id permission.RoleID) (RoleBreadth, bool) {
	if rx.ready() != nil {
		return RoleBreadth{}, false
	}
	n, ok := rx.byID[id]
	if !ok {
		return RoleBreadth{}, false
	}
	return rx.roles[n].breadth, true
}

// Role returns the role with the given ID, and false if the index does
// not have it.
func (rx *RoleIndex) Role(id permission.RoleID) (permission.Role, bool) {
	if rx.ready() != nil {
		return permission.Role{}, false
	}
	n, ok := rx.byID[id]
	if !ok {
		return permission.Role{}, false
	}
	r := rx.roles[n].role
	r.Policies = slices.Clone(r.Policies)
	return r, true
}

// A RoleQuery says what a client-credentials app does: the calls it
// makes, and the divisions it acts in.
type RoleQuery struct {
	// Calls are routes, requests or endpoint names, as [Index.Resolve]
	// reads them.
	Calls []string `json:"calls"`
	// Divisions are the divisions the app acts in: its calls to
	// division-aware endpoints must pass in each of them. The first is
	// where a role that serves only org-wide calls is granted (the org's
	// Home division, say); with none, such a role is granted without a
	// division named, which the client registry reads as the Home
	// division. Each at most once.
	Divisions []permission.DivisionID `json:"divisions,omitempty"`
	// AllDivisions says that the app acts in every division, present and
	// future: the roles that serve its division-aware calls are granted
	// in all divisions.
	AllDivisions bool `json:"all_divisions,omitempty"`
}

// A RoleNeed is one endpoint an app calls, its permission requirement,
// and the roles of a selection that meet it.
type RoleNeed struct {
	// Route is the endpoint's method and path template.
	Route string `json:"route"`
	// Endpoint is the endpoint's operation name, if it has one.
	Endpoint string `json:"endpoint,omitempty"`
	// Calls are the calls, as given, that reach the endpoint.
	Calls []string `json:"calls"`
	// Requires is the endpoint's permission requirement.
	Requires permission.Requirement `json:"requires"`
	// DivisionAware reports whether the resource lives in a division:
	// the requirement must then hold in every division the app acts in,
	// and otherwise in any one division.
	DivisionAware bool `json:"division_aware,omitempty"`
	// Roles are the roles of the selection that meet the requirement: one
	// usually, or several when an all-of requirement's permissions are
	// spread over roles. Empty when it requires no permission.
	Roles []permission.RoleID `json:"roles,omitempty"`
}

// A RoleSelection is the smallest set of role grants that lets every
// call pass the permission check, with the roles each endpoint uses. See
// the package documentation for what "smallest" means.
type RoleSelection struct {
	// Grants are the roles to give the client, each in the divisions it
	// is needed in, sorted by role ID: what [client.Client].Roles takes.
	Grants []client.RoleAssignment `json:"grants"`
	// Needs lists each endpoint called, in the order of the first call
	// that reaches it.
	Needs []RoleNeed `json:"needs"`
	// Exact reports whether Grants is proven the smallest; see
	// [Selection].Exact.
	Exact bool `json:"exact"`
}

// Minimal returns the smallest set of (role, divisions) grants that lets
// every call of a client-credentials app pass the permission check, in
// every division it acts in, and which roles each endpoint uses. It looks
// only at permissions: client-credentials tokens carry no scopes. Calls
// are resolved as [Index.Minimal] resolves them; a call that reaches no
// endpoint is an error ([*CallError]), and so is a permission no role of
// the index holds ([ErrNoRole]), or a division-aware call without a
// division to act in ([ErrInvalid]).
func (rx *RoleIndex) Minimal(q RoleQuery) (RoleSelection, error) {
	if err := rx.ready(); err != nil {
		return RoleSelection{}, err
	}
	plan, err := rx.plan(q, nil)
	if err != nil {
		return RoleSelection{}, err
	}
	return plan.selection(rx.ix.limit), nil
}

// atom is one thing a set of grants must provide: a permission of an
// all-of requirement, or any one of an any-of requirement's; in every
// division the app acts in (aware), or in any.
type atom struct {
	aware bool
	any   bool
	perms []int32
}

func (a atom) key() string {
	var b strings.Builder
	if a.aware {
		b.WriteByte('d')
	}
	if a.any {
		b.WriteByte('a')
	}
	for _, p := range a.perms {
		fmt.Fprintf(&b, ",%d", p)
	}
	return b.String()
}

// roleCand is one candidate grant: a role in one division slot.
type roleCand struct {
	role int32
	slot int32
}

// rolePlan is a role-selection problem, built from a query.
//
// The elements are the atoms, an aware atom once per division the app
// acts in. The division slots are the divisions the query names (or, with
// none, the Home division, unnamed); with AllDivisions, the first of them
// for the roles that serve only org-wide calls, and all divisions. A
// candidate is a role in one slot: it serves the org-wide atoms the role
// holds, and the aware atoms in the slot's division (all of them, for all
// divisions).
type rolePlan struct {
	rx      *RoleIndex
	q       RoleQuery
	needs   []RoleNeed
	atomsOf [][]int32 // per need, its atoms
	atoms   []atom
	holders [][]int32 // per atom, the roles that hold it, ascending
	elemOf  [][]int32 // per atom, its elements: one per division for an aware atom
	cands   []roleCand
	p       *problem
}

// slots returns the division slots of the query, and the slot of all
// divisions, or -1.
func (q RoleQuery) slots() (n int, all int) {
	k := len(q.Divisions)
	switch {
	case q.AllDivisions:
		return 2, 1
	case k == 0:
		return 1, -1
	}
	return k, -1
}

// plan resolves the calls, works out the atoms, and builds the set-cover
// instance, preferring on ties the grants the client holds already.
func (rx *RoleIndex) plan(q RoleQuery, held []client.RoleAssignment) (*rolePlan, error) {
	ix := rx.ix
	eps, err := ix.resolve(q.Calls)
	if err != nil {
		return nil, err
	}
	seen := map[permission.DivisionID]bool{}
	for _, d := range q.Divisions {
		if d == "" || seen[d] {
			return nil, fmt.Errorf("%w: division %q is empty or named twice", ErrInvalid, d)
		}
		seen[d] = true
	}
	needs, elems := ix.needs(q.Calls, eps)
	pl := &rolePlan{rx: rx, q: q, needs: make([]RoleNeed, len(needs)), atomsOf: make([][]int32, len(needs))}
	byKey := map[string]int32{}
	var noDivision []string
	for i, n := range needs {
		ep := &ix.eps[elems[i]]
		pl.needs[i] = RoleNeed{Route: n.Route, Endpoint: n.Endpoint, Calls: n.Calls, Requires: ep.req, DivisionAware: ep.aware}
		if !ep.needsRole() {
			continue
		}
		if ep.aware && len(q.Divisions) == 0 && !q.AllDivisions {
			noDivision = append(noDivision, ep.route)
		}
		var as []atom
		if ep.kind == permission.Any {
			as = []atom{{aware: ep.aware, any: true, perms: ep.need}}
		} else {
			for _, id := range ep.need {
				as = append(as, atom{aware: ep.aware, perms: []int32{id}})
			}
		}
		for _, a := range as {
			k := a.key()
			id, ok := byKey[k]
			if !ok {
				id = int32(len(pl.atoms))
				byKey[k] = id
				pl.atoms = append(pl.atoms, a)
			}
			if !slices.Contains(pl.atomsOf[i], id) {
				pl.atomsOf[i] = append(pl.atomsOf[i], id)
			}
		}
	}
	if len(noDivision) > 0 {
		return nil, fmt.Errorf("%w: %s %s the resource's division: name the divisions the app acts in, or all divisions",
			ErrInvalid, strings.Join(noDivision, ", "), plural(len(noDivision), "checks its permission in", "check their permission in"))
	}

	// Which roles hold each atom; the atoms no role holds are errors.
	holdersOf := make([][]int32, len(pl.atoms))
	for a, at := range pl.atoms {
		for _, p := range at.perms {
			holdersOf[a] = append(holdersOf[a], rx.holders[p]...)
		}
		slices.Sort(holdersOf[a])
		holdersOf[a] = slices.Compact(holdersOf[a])
	}
	var errs []error
	for i := range pl.needs {
		var lacking []string
		for _, a := range pl.atomsOf[i] {
			if len(holdersOf[a]) > 0 {
				continue
			}
			names := make([]string, len(pl.atoms[a].perms))
			for j, p := range pl.atoms[a].perms {
				names[j] = ix.perms[p].String()
			}
			if pl.atoms[a].any {
				lacking = append(lacking, "any of "+strings.Join(names, ", "))
			} else {
				lacking = append(lacking, names[0])
			}
		}
		if len(lacking) > 0 {
			errs = append(errs, fmt.Errorf("%w: no role holds %s, which %s needs", ErrNoRole, strings.Join(lacking, " or "), pl.needs[i].Route))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	pl.holders = holdersOf

	// The elements: an org-wide atom once, an aware atom once per
	// division (once for all divisions).
	nSlots, allSlot := q.slots()
	perAware := nSlots
	if allSlot >= 0 {
		perAware = 1
	}
	nElems := 0
	pl.elemOf = make([][]int32, len(pl.atoms))
	for a, at := range pl.atoms {
		n := 1
		if at.aware {
			n = perAware
		}
		for range n {
			pl.elemOf[a] = append(pl.elemOf[a], int32(nElems))
			nElems++
		}
	}

	// The candidates, in the order of their ids: by role, then slot.
	covers := map[int32][]int32{} // role → atoms it holds, ascending
	for a := range pl.atoms {
		for _, r := range holdersOf[a] {
			covers[r] = append(covers[r], int32(a))
		}
	}
	roles := make([]int32, 0, len(covers))
	for r := range covers {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	var cands []candidate
	for _, r := range roles {
		b := rx.roles[r].breadth
		for slot := range int32(nSlots) {
			// A grant in all divisions counts as one more division than
			// the query names: it is wider than any list.
			n := int64(1)
			if slot == int32(allSlot) {
				n = int64(len(q.Divisions)) + 1
			}
			w := cost{n * int64(b.Writes), n * int64(b.Endpoints), n, 1, 0, 0}
			if holds(held, rx.roles[r].role.ID, q.slotGrant(slot)) {
				w[3] = 0
			}
			var el []int32
			for _, a := range covers[r] {
				switch {
				case !pl.atoms[a].aware:
					el = append(el, pl.elemOf[a][0])
				case allSlot < 0:
					el = append(el, pl.elemOf[a][slot])
				case slot == int32(allSlot):
					el = append(el, pl.elemOf[a][0])
				}
			}
			if len(el) == 0 {
				continue
			}
			slices.Sort(el)
			cands = append(cands, candidate{id: r*int32(nSlots) + slot, w: w, elems: el})
			pl.cands = append(pl.cands, roleCand{role: r, slot: slot})
		}
	}
	pl.p = newProblem(nElems, cands)
	pl.p.strong = true
	return pl, nil
}

// slotGrant returns where a division slot grants a role: in one of the
// query's divisions, in all divisions, or, with none named, unnamed (the
// Home division).
func (q RoleQuery) slotGrant(slot int32) client.RoleAssignment {
	_, all := q.slots()
	switch {
	case slot == int32(all):
		return client.RoleAssignment{AllDivisions: true}
	case len(q.Divisions) > 0:
		return client.RoleAssignment{Divisions: []permission.DivisionID{q.Divisions[slot]}}
	}
	return client.RoleAssignment{}
}

// holds reports whether the held grants give role id where g does: in
// all divisions, in g's one division (or all), or, for a grant without a
// division, anywhere.
func holds(held []client.RoleAssignment, id permission.RoleID, g client.RoleAssignment) bool {
	for _, h := range held {
		if h.Role != id {
			continue
		}
		switch {
		case g.AllDivisions:
			return h.AllDivisions
		case len(g.Divisions) == 0:
			return true
		}
		return h.AllDivisions || slices.Contains(h.Divisions, g.Divisions[0])
	}
	return false
}

// selection solves the plan.
func (pl *rolePlan) selection(limit int) RoleSelection {
	sol := pl.p.solve(limit)
	return pl.result(sol)
}

// result turns a solution into grants and the roles each need uses.
func (pl *rolePlan) result(sol solution) RoleSelection {
	rx := pl.rx
	_, allSlot := pl.q.slots()
	slotsOf := map[int32][]int32{} // role → its chosen slots, ascending
	for _, c := range sol.chosen {
		rc := pl.cands[c]
		slotsOf[rc.role] = append(slotsOf[rc.role], rc.slot)
	}
	sel := RoleSelection{Exact: sol.exact, Needs: pl.needs}
	roles := make([]int32, 0, len(slotsOf))
	for r := range slotsOf {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	for _, r := range roles {
		g := client.RoleAssignment{Role: rx.roles[r].role.ID}
		for _, slot := range slotsOf[r] {
			switch {
			case slot == int32(allSlot):
				g.AllDivisions = true
			case len(pl.q.Divisions) > 0:
				g.Divisions = append(g.Divisions, pl.q.Divisions[slot])
			}
		}
		if g.AllDivisions {
			// A single division chosen as well (never in an optimal
			// cover) is part of all divisions.
			g.Divisions = nil
		}
		sel.Grants = append(sel.Grants, g)
	}
	// Each element is served by the cheapest chosen candidate that covers
	// it, the first by id on a tie.
	best := make([]int32, pl.p.n)
	for e := range best {
		best[e] = -1
	}
	for _, c := range sol.chosen {
		for _, e := range pl.p.cands[c].elems {
			if b := best[e]; b < 0 || pl.p.cands[c].w.cmp(pl.p.cands[b].w) < 0 {
				best[e] = c
			}
		}
	}
	for i := range sel.Needs {
		var ids []permission.RoleID
		for _, a := range pl.atomsOf[i] {
			for _, e := range pl.elemOf[a] {
				id := rx.roles[pl.cands[best[e]].role].role.ID
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		sel.Needs[i].Roles = ids
	}
	return sel
}
