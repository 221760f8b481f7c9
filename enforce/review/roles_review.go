package review

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

// A RoleFinding is one thing to change in a client's roles, and why.
type RoleFinding struct {
	Kind Kind `json:"kind"`
	// Role is the client's role concerned, or, for [KindMissing], the
	// role to grant.
	Role permission.RoleID `json:"role"`
	// Divisions and AllDivisions say where the client holds the role;
	// for KindMissing, where to grant it.
	Divisions    []permission.DivisionID `json:"divisions,omitempty"`
	AllDivisions bool                    `json:"all_divisions,omitempty"`
	// Instead lists, for [KindBroader] and [KindReplaced], the
	// recommended grants that serve its calls; for [KindRedundant], the
	// kept grants that serve them already; for [KindDivisions], the role
	// in the divisions its calls need.
	Instead []client.RoleAssignment `json:"instead,omitempty"`
	// Routes are the endpoints concerned: those the role serves, or, for
	// KindMissing, those that need the grant.
	Routes []string `json:"routes,omitempty"`
	// Reason explains the finding in one sentence.
	Reason string `json:"reason"`
}

// A RoleReview compares a client-credentials client's roles with what
// its calls need.
type RoleReview struct {
	// Held are the client's roles, as given.
	Held []client.RoleAssignment `json:"held"`
	// Recommended is the smallest set of grants that lets every call pass
	// (see [RoleIndex.Minimal]), preferring the held grants where they
	// are as narrow as any other.
	Recommended []client.RoleAssignment `json:"recommended"`
	// Remove are the held roles not recommended at all; Narrow the held
	// roles recommended in fewer divisions, with the divisions to keep;
	// Add the recommended roles, or divisions of held roles, not held.
	// Removing, narrowing and adding them leaves the client Recommended.
	Remove []permission.RoleID     `json:"remove,omitempty"`
	Narrow []client.RoleAssignment `json:"narrow,omitempty"`
	Add    []client.RoleAssignment `json:"add,omitempty"`
	// Needs lists each endpoint called, with the recommended roles that
	// meet its requirement.
	Needs []RoleNeed `json:"needs"`
	// Findings lists what to change, by kind and then role; it is empty
	// when Held is already the recommended set.
	Findings []RoleFinding `json:"findings"`
	// Exact is as in [Selection].
	Exact bool `json:"exact"`
}

// Review compares the roles a client-credentials client holds with the
// calls it makes in the divisions it acts in, as the create-client guide
// asks ("assign a minimum set of roles"): the roles no call needs, those
// broader than needed (with the narrower one), those whose calls other
// kept roles serve already, roles held in more divisions than the calls
// need (all divisions where two suffice), and the calls no held role
// serves, each a [RoleFinding] with its reason. Every held role must be
// the index's ([ErrUnknownRole] otherwise), named once, with its
// divisions or all divisions ([ErrInvalid]); the query is checked as
// [RoleIndex.Minimal] checks it.
func (rx *RoleIndex) Review(held []client.RoleAssignment, q RoleQuery) (RoleReview, error) {
	if err := rx.ready(); err != nil {
		return RoleReview{}, err
	}
	if err := rx.checkHeld(held); err != nil {
		return RoleReview{}, err
	}
	pl, err := rx.plan(q, held)
	if err != nil {
		return RoleReview{}, err
	}
	sel := pl.selection(rx.ix.limit)
	r := RoleReview{Held: cloneGrants(held), Recommended: sel.Grants, Needs: sel.Needs, Exact: sel.Exact}

	recommended := map[permission.RoleID]client.RoleAssignment{}
	for _, g := range sel.Grants {
		recommended[g.Role] = g
	}
	heldBy := map[permission.RoleID]client.RoleAssignment{}
	for _, h := range held {
		heldBy[h.Role] = h
	}
	slotsN, allSlot := q.slots()
	awareSlots := slotsN
	if allSlot >= 0 {
		awareSlots = 1
	}
	// servedBy reports whether grants meet atom a in aware slot j (any
	// slot for an org-wide atom).
	servedBy := func(grants map[permission.RoleID]client.RoleAssignment, a int32, j int) bool {
		for _, role := range pl.holders[a] {
			g, ok := grants[rx.roles[role].role.ID]
			if !ok {
				continue
			}
			switch {
			case !pl.atoms[a].aware:
				return true
			case allSlot >= 0:
				if g.AllDivisions {
					return true
				}
			case g.AllDivisions || len(q.Divisions) == 0 || slices.Contains(g.Divisions, q.Divisions[j]):
				return true
			}
		}
		return false
	}
	slotsOf := func(a int32) int {
		if pl.atoms[a].aware {
			return awareSlots
		}
		return 1
	}

	// What to add: the recommended grants, less what is held.
	for _, g := range sel.Grants {
		h, ok := heldBy[g.Role]
		switch {
		case !ok:
			r.Add = append(r.Add, g)
		case g.AllDivisions && !h.AllDivisions:
			r.Add = append(r.Add, client.RoleAssignment{Role: g.Role, AllDivisions: true})
		case !g.AllDivisions && !h.AllDivisions:
			var extra []permission.DivisionID
			for _, d := range g.Divisions {
				if !slices.Contains(h.Divisions, d) {
					extra = append(extra, d)
				}
			}
			if len(extra) > 0 {
				r.Add = append(r.Add, client.RoleAssignment{Role: g.Role, Divisions: extra})
			}
		}
	}

	// The calls the held roles do not let pass, in some slot: each is
	// served by an added grant, which is missing.
	for _, add := range r.Add {
		f := RoleFinding{Kind: KindMissing, Role: add.Role, Divisions: slices.Clone(add.Divisions), AllDivisions: add.AllDivisions}
		for i, n := range r.Needs {
			if !slices.Contains(n.Roles, add.Role) {
				continue
			}
			for j := range awareSlots {
				// Is the need unserved by the held roles in slot j, and
				// does the added grant apply there?
				unserved := false
				for _, a := range pl.atomsOf[i] {
					if !pl.atoms[a].aware && j > 0 {
						continue
					}
					if !servedBy(heldBy, a, j) {
						unserved = true
					}
				}
				applies := add.AllDivisions || !n.DivisionAware || len(q.Divisions) == 0 || allSlot < 0 && slices.Contains(add.Divisions, q.Divisions[j])
				if unserved && applies && !slices.Contains(f.Routes, n.Route) {
					f.Routes = append(f.Routes, n.Route)
				}
			}
		}
		if len(f.Routes) == 0 {
			continue // it replaces held roles: their findings say so
		}
		what := "grant " + string(add.Role) + " " + where(add.Divisions, add.AllDivisions)
		if h, ok := heldBy[add.Role]; ok {
			what = "the client holds " + string(add.Role) + " " + where(h.Divisions, h.AllDivisions) + " only: grant it " + where(add.Divisions, add.AllDivisions) + " too"
		}
		f.Reason = fmt.Sprintf("%s %s a permission the client's roles do not give it where it acts: %s",
			strings.Join(f.Routes, ", "), plural(len(f.Routes), "needs", "need"), what)
		r.Findings = append(r.Findings, f)
	}

	// The held roles: removed, or kept in fewer divisions.
	for _, h := range held {
		id := h.Role
		g, kept := recommended[id]
		if kept {
			narrow := client.RoleAssignment{Role: id}
			switch {
			case g.AllDivisions:
				continue // held in all divisions too, or a missing grant
			case h.AllDivisions:
				narrow.Divisions = slices.Clone(g.Divisions)
			default:
				for _, d := range h.Divisions {
					if slices.Contains(g.Divisions, d) || len(g.Divisions) == 0 && len(narrow.Divisions) == 0 {
						narrow.Divisions = append(narrow.Divisions, d)
					}
				}
				if len(narrow.Divisions) == len(h.Divisions) {
					continue
				}
			}
			r.Narrow = append(r.Narrow, narrow)
			f := RoleFinding{Kind: KindDivisions, Role: id, Divisions: slices.Clone(h.Divisions), AllDivisions: h.AllDivisions,
				Instead: []client.RoleAssignment{narrow}, Routes: pl.routesOf(sel, id)}
			f.Reason = fmt.Sprintf("held %s; its calls need it %s only", where(h.Divisions, h.AllDivisions), where(narrow.Divisions, false))
			r.Findings = append(r.Findings, f)
			continue
		}
		r.Remove = append(r.Remove, id)
		f := RoleFinding{Kind: KindUnneeded, Role: id, Divisions: slices.Clone(h.Divisions), AllDivisions: h.AllDivisions}
		n := rx.byID[id]
		uses := map[permission.RoleID]bool{}
		for i, need := range r.Needs {
			for _, a := range pl.atomsOf[i] {
				if _, ok := slices.BinarySearch(pl.holders[a], n); ok {
					if !slices.Contains(f.Routes, need.Route) {
						f.Routes = append(f.Routes, need.Route)
					}
					for _, u := range need.Roles {
						uses[u] = true
					}
				}
			}
		}
		if len(f.Routes) == 0 {
			f.Reason = "no call needs it: none of the endpoints called requires a permission it holds"
			r.Findings = append(r.Findings, f)
			continue
		}
		// Do the other held roles that are kept serve all it serves?
		keptHeld := map[permission.RoleID]client.RoleAssignment{}
		for _, o := range held {
			if o.Role != id && recommended[o.Role].Role != "" {
				keptHeld[o.Role] = o
			}
		}
		covered := true
		for i := range r.Needs {
			for _, a := range pl.atomsOf[i] {
				if _, ok := slices.BinarySearch(pl.holders[a], n); !ok {
					continue
				}
				for j := range slotsOf(a) {
					if servedBy(map[permission.RoleID]client.RoleAssignment{id: h}, a, j) && !servedBy(keptHeld, a, j) {
						covered = false
					}
				}
			}
		}
		for _, g := range sel.Grants {
			if uses[g.Role] {
				f.Instead = append(f.Instead, g)
			}
		}
		narrower := len(f.Instead) > 0
		hb := rx.roles[n].breadth
		for _, g := range f.Instead {
			if rx.roles[rx.byID[g.Role]].breadth.Compare(hb) >= 0 {
				narrower = false
			}
		}
		switch {
		case narrower:
			f.Kind = KindBroader
			f.Reason = fmt.Sprintf("broader than needed: %s %s only %s. %s unlocks %s; %s",
				strings.Join(f.Routes, ", "), plural(len(f.Routes), "needs", "need"), joinRoles(f.Instead), id, hb, rx.unlocks(f.Instead))
		case covered && len(keptHeld) > 0:
			f.Kind = KindRedundant
			f.Instead = nil
			for _, o := range held {
				if _, ok := keptHeld[o.Role]; ok && uses[o.Role] {
					f.Instead = append(f.Instead, o)
				}
			}
			f.Reason = fmt.Sprintf("the client's other roles serve its calls already: %s", joinRoles(f.Instead))
		default:
			f.Kind = KindReplaced
			f.Reason = fmt.Sprintf("not needed with the recommended roles: %s %s %s too", joinRoles(f.Instead), plural(len(f.Instead), "serves", "serve"), strings.Join(f.Routes, ", "))
		}
		r.Findings = append(r.Findings, f)
	}

	slices.SortStableFunc(r.Findings, func(a, b RoleFinding) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(string(a.Role), string(b.Role))
	})
	return r, nil
}

func (rx *RoleIndex) has(id permission.RoleID) bool {
	_, ok := rx.byID[id]
	return ok
}

// routesOf lists the routes whose needs use role id in sel.
func (pl *rolePlan) routesOf(sel RoleSelection, id permission.RoleID) []string {
	var out []string
	for _, n := range sel.Needs {
		if slices.Contains(n.Roles, id) {
			out = append(out, n.Route)
		}
	}
	return out
}

// unlocks describes the breadth of each grant's role.
func (rx *RoleIndex) unlocks(grants []client.RoleAssignment) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = string(g.Role) + " unlocks " + rx.roles[rx.byID[g.Role]].breadth.String()
	}
	return strings.Join(parts, "; ")
}

// where says where a grant applies: "in all divisions", "in Home and
// Sales", "in one division".
func where(divs []permission.DivisionID, all bool) string {
	switch {
	case all:
		return "in all divisions"
	case len(divs) == 0:
		return "in one division (the Home division, when none is named)"
	}
	names := make([]string, len(divs))
	for i, d := range divs {
		names[i] = string(d)
	}
	if len(names) == 1 {
		return "in " + names[0]
	}
	return "in " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// joinRoles names grants: "automation in home", "admin in all divisions".
func joinRoles(grants []client.RoleAssignment) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = string(g.Role)
		if g.AllDivisions || len(g.Divisions) > 0 {
			parts[i] += " " + where(g.Divisions, g.AllDivisions)
		}
	}
	return strings.Join(parts, " and ")
}

func cloneGrants(gs []client.RoleAssignment) []client.RoleAssignment {
	out := make([]client.RoleAssignment, len(gs))
	for i, g := range gs {
		out[i] = g
		out[i].Divisions = slices.Clone(g.Divisions)
	}
	return out
}
