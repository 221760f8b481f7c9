package permission

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// An Access is a subject's permissions in one org, compiled for fast
// checks: the policies of every role it holds there, directly or through
// its groups, merged with the divisions each applies in. Checking a
// requirement costs a few bit tests per permission, however many roles
// the subject holds, and allocates nothing.
//
// An Access is immutable and safe for concurrent use. It is a snapshot:
// changes to roles, grants and divisions made after [Compile] are not in
// it (see [Cache]).
type Access struct {
	org     OrgID
	subject Subject
	perms   index // policy → entry; its slots say which are held in all divisions
	bits    []uint64
	words   int        // division bit set length, in words
	divs    index      // division ID → local division number, for the org's divisions granted
	orgDivs *Divisions // all of the org's divisions: what "all divisions" means
	hasAll  bool       // some policy is held in all divisions
	shapes  [shapes]bool
	keys    keyBits                // the numbered keys held, for ANY checks
	roles   map[RoleID]roleHolding // for HasRole, off the checks' path
}

// roleHolding is where a subject holds a role: in all divisions, or in
// the divisions listed (only the org's).
type roleHolding struct {
	all  bool
	divs []DivisionID
}

// Compile gathers the grants of subject s in org, and of the org's groups
// a user s belongs to, looks up their roles and the org's divisions, and
// compiles them. Only org's grants, roles and divisions count: a grant in
// all divisions means all of org's divisions, and a division of a grant
// that org does not have grants nothing. A grant that names a missing
// role is an error wrapping ErrRoleNotFound, an org the store does not
// know one wrapping ErrUnknownOrg, and a "group" that is not a valid group
// subject or an invalid grant one wrapping ErrInvalid: the subject's
// access cannot be decided.
func Compile(ctx context.Context, st Store, org OrgID, s Subject) (*Access, error) {
	switch {
	case st == nil:
		return nil, fmt.Errorf("%w: no store", ErrInvalid)
	case org == "":
		return nil, fmt.Errorf("%w: no org", ErrInvalid)
	case !s.IsValid():
		return nil, fmt.Errorf("%w: subject %q", ErrInvalid, s)
	}
	orgDivs, err := st.Divisions(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("permission: looking up the divisions of org %q: %w", org, err)
	}
	if orgDivs == nil || orgDivs.home < 0 {
		return nil, fmt.Errorf("%w: the store gave org %q no divisions", ErrInvalid, org)
	}
	holders := []Subject{s}
	if s.Kind == UserSubject {
		groups, err := st.Groups(ctx, org, s)
		if err != nil {
			return nil, fmt.Errorf("permission: looking up the groups of %s: %w", s, err)
		}
		for _, g := range groups {
			// A store that names a user or a client here would hand s
			// that subject's roles.
			if g.Kind != GroupSubject || !g.IsValid() {
				return nil, fmt.Errorf("%w: the store lists %s among the groups of %s", ErrInvalid, g, s)
			}
		}
		holders = append(holders, groups...)
	}
	var grants []Grant
	for _, h := range holders {
		gs, err := st.Grants(ctx, org, h)
		if err != nil {
			return nil, fmt.Errorf("permission: looking up the grants of %s: %w", h, err)
		}
		grants = append(grants, gs...)
	}
	roles := make(map[RoleID]Role)
	policies := 0
	for _, g := range grants {
		if err := g.Validate(); err != nil {
			return nil, err
		}
		if _, ok := roles[g.Role]; ok {
			continue
		}
		r, err := st.Role(ctx, org, g.Role)
		if err != nil {
			return nil, fmt.Errorf("permission: role %q granted to %s: %w", g.Role, g.Subject, err)
		}
		roles[g.Role] = r
		policies += len(r.Policies)
	}

	a := &Access{org: org, subject: s, perms: newIndex(policies), divs: newIndex(16), orgDivs: orgDivs, roles: make(map[RoleID]roleHolding, len(roles))}
	for i, g := range grants {
		// Keep only the org's divisions: another org's, or one deleted
		// since, grant nothing.
		grants[i].Divisions = slices.DeleteFunc(slices.Clone(g.Divisions), func(d DivisionID) bool {
			_, ok := orgDivs.Lookup(d)
			return !ok
		})
		for _, d := range grants[i].Divisions {
			a.divs.add(string(d))
		}
		h := a.roles[g.Role]
		h.all = h.all || g.AllDivisions
		h.divs = append(h.divs, grants[i].Divisions...)
		a.roles[g.Role] = h
	}
	for id, h := range a.roles {
		slices.Sort(h.divs)
		h.divs = slices.Compact(h.divs)
		a.roles[id] = h
	}
	a.words = (len(a.divs.keys) + 63) / 64
	all := make([]bool, 0, policies)
	a.bits = make([]uint64, 0, policies*a.words)
	for _, g := range grants {
		for _, p := range roles[g.Role].Policies {
			if !p.IsValid() {
				return nil, fmt.Errorf("%w: role %q has a zero Permission", ErrInvalid, g.Role)
			}
			n := a.perms.add(p.s)
			if n == len(all) {
				all = append(all, false)
				a.bits = append(a.bits, make([]uint64, a.words)...)
			}
			a.shapes[shapeOf(p)] = true
			if g.AllDivisions {
				all[n] = true
				a.hasAll = true
				continue
			}
			for _, d := range g.Divisions {
				dn := a.divs.find(hashKey(string(d)), string(d))
				a.bits[n*a.words+dn/64] |= 1 << (dn % 64)
			}
		}
	}
	for i, s := range a.perms.slots {
		if s.n != 0 {
			a.perms.slots[i].all = all[s.n-1]
		}
	}
	a.keys = lookupKeys(a.perms.keys, func(n int) bool { return all[n] })
	return a, nil
}

func shapeOf(p Permission) int {
	switch e, a := p.Entity() == Wildcard, p.Action() == Wildcard; {
	case e && a:
		return anyBoth
	case e:
		return anyEntity
	case a:
		return anyAction
	}
	return exact
}

// Evaluate compiles subject s of org from st and checks r at t: the
// simple, uncached path, which always sees the store's current state.
func Evaluate(ctx context.Context, st Store, org OrgID, s Subject, r Requirement, t Target) (Result, error) {
	a, err := Compile(ctx, st, org, s)
	if err != nil {
		return Result{}, err
	}
	return a.Check(r, t), nil
}

// Subject returns the subject a was compiled for; the zero Subject for a
// nil Access.
func (a *Access) Subject() Subject {
	if a == nil {
		return Subject{}
	}
	return a.subject
}

// Org returns the org a was compiled for; "" for a nil Access.
func (a *Access) Org() OrgID {
	if a == nil {
		return ""
	}
	return a.org
}

// HasRole reports whether a's subject holds the role, directly or
// through a group, at t: in the division of an [In] target (a grant there
// or in all divisions), in all divisions for [AllDivisions] (only a grant
// in all divisions), or anywhere for [OrgWide]. A division that is not
// the org's is never held. It answers who may hand a role on: nobody
// gives away more than they hold.
func (a *Access) HasRole(id RoleID, t Target) bool {
	if a == nil || !t.IsValid() {
		return false
	}
	h, ok := a.roles[id]
	switch {
	case !ok:
		return false
	case t.orgWide:
		return h.all || len(h.divs) > 0
	case t.all:
		return h.all
	case h.all:
		return a.orgDivs.has(t.hash, t.div)
	}
	_, found := slices.BinarySearch(h.divs, t.div)
	return found
}

// Check reports whether a meets r at t. It does not allocate, whatever
// the outcome; the [Result] explains a failure when asked. The zero
// Requirement and the zero Target are never satisfied, and an Access that
// [Compile] did not make (nil or zero) satisfies nothing, not even
// [NoneRequired].
//
// An ALL requirement costs a few bit tests per permission: one per policy
// key that could grant it (the permission, and its three wildcard
// shapes), and for a key held only in some divisions, a count of bits to
// find the key's divisions. An ANY requirement costs about the same
// whatever its length: the check intersects the requirement's policy keys
// with the access's, a machine word (64 keys) at a time, and looks at a
// key on its own only when the subject holds it somewhere but not in all
// divisions, to see whether it holds it in the target division. (A
// requirement built after the access was compiled, with keys that no
// requirement had named before, is checked by hash probes, key by key,
// until the access is compiled again, with the same answers.)
func (a *Access) Check(r Requirement, t Target) (res Result) {
	// res is the result itself, filled in place: a local Result copied
	// out at every return costs the hot path.
	res.access, res.req, res.tdiv, res.orgWide, res.all = a, r.r, t.div, t.orgWide, t.all
	if a == nil || len(a.perms.slots) == 0 || r.r == nil || !t.IsValid() {
		return res
	}
	if r.r.kind == None {
		res.ok = true
		return res
	}
	// Where a grant applies, as where says; written out here, where a
	// call would cost the hot path.
	anywhere, inAll, dn := t.orgWide, t.all, -1
	if t.div != "" {
		dn = a.divs.find(t.hash, string(t.div))
		if dn >= 0 {
			inAll, res.div = true, divInOrg
		} else {
			inAll = a.orgDivs.has(t.hash, t.div)
			res.div = divNotInOrg
			if inAll {
				res.div = divInOrg
			}
		}
	}
	if ids := r.r.ids; ids != nil && r.r.idLimit <= a.keys.n {
		// ALL, or ANY of one, by the keys' numbers (see keys): a bit per
		// key, and for a key held only in some divisions, its own number
		// counted from the bits below it. Numbered before a was compiled
		// (idLimit), every key r names has its bit here.
		kb := &a.keys
	numbered:
		for i := range ids {
			for _, id := range &ids[i] {
				if int(id/64) >= len(kb.words) {
					continue // past the highest key held
				}
				w, bit := &kb.words[id/64], uint64(1)<<(id%64)
				if w.held&bit == 0 {
					continue
				}
				if anywhere || inAll && w.all&bit != 0 {
					continue numbered
				}
				if dn >= 0 {
					n := int(kb.local[w.rank+uint32(bits.OnesCount64(w.held&(bit-1)))])
					if a.bits[n*a.words+int(uint(dn)/64)]&(1<<(uint(dn)%64)) != 0 {
						continue numbered
					}
				}
			}
			return res
		}
		res.ok = true
		return res
	}
	if r.r.kind == All {
		// Not numbered: a.holds and a.grants, written out, as two calls
		// per permission cost the hot path more than the probe itself.
		slots, mask := a.perms.slots, uint64(len(a.perms.slots)-1)
	perms:
		for i := range r.r.probes {
			pr := &r.r.probes[i]
			for shape := range shapes {
				if !a.shapes[shape] {
					continue
				}
				p := &pr[shape]
				for j := p.hash & mask; ; j = (j + 1) & mask {
					s := &slots[j]
					if s.n == 0 {
						break
					}
					if s.hash != p.hash {
						continue
					}
					if is, ok := a.grantsAt(s, p, anywhere, inAll, dn); ok {
						continue perms
					} else if is {
						break // the key, not granting here: the next shape
					}
				}
			}
			return res
		}
		res.ok = true
		return res
	}
	if r.r.keys.limit != 0 {
		// ANY of several permissions, their keys numbered.
		if held, known := a.anyHeld(r.r, anywhere, inAll, dn); known {
			res.ok = held
			return res
		}
	}
	// ANY permission by permission, to the first held.
	for i := range r.r.probes {
		if a.holds(&r.r.probes[i], anywhere, inAll, dn) {
			res.ok = true
			return res
		}
	}
	return res
}

// where says where a grant applies for target t: anywhere (org-wide),
// in all divisions (held in all divisions, and the target is one of the
// org's divisions or all of them), or in local division dn (-1 when a has
// no grant in the target division); and for a division, whether it is
// the org's. A division the subject holds something in is the org's; for
// another, the org's list is asked, with the target's hash at hand: if
// the check then fails, the caller asks the same (DivisionUnknown).
// Check writes this out in line.
func (a *Access) where(t Target) (anywhere, inAll bool, dn int, div divState) {
	anywhere, inAll, dn = t.orgWide, t.all, -1
	if t.div != "" {
		dn = a.divs.find(t.hash, string(t.div))
		if dn >= 0 {
			inAll, div = true, divInOrg
		} else {
			inAll = a.orgDivs.has(t.hash, t.div)
			div = divNotInOrg
			if inAll {
				div = divInOrg
			}
		}
	}
	return anywhere, inAll, dn, div
}

// holds reports whether a policy of one of the four shapes grants the
// permission probed: anywhere, when a grant in all divisions counts (inAll),
// or in local division dn (-1 when a has no grant in the target division).
func (a *Access) holds(pr *[shapes]probe, anywhere, inAll bool, dn int) bool {
	for shape := range shapes {
		if a.shapes[shape] && a.grants(&pr[shape], anywhere, inAll, dn) {
			return true
		}
	}
	return false
}

// grants probes for one policy key, to its entry or to the end of its
// chain: an entry whose hash is the key's but whose key is another's is
// passed over.
func (a *Access) grants(pr *probe, anywhere, inAll bool, dn int) bool {
	slots := a.perms.slots
	mask := uint64(len(slots) - 1)
	for i := pr.hash & mask; ; i = (i + 1) & mask {
		s := &slots[i]
		switch {
		case s.n == 0:
			return false
		case s.hash != pr.hash:
			continue
		}
		if is, ok := a.grantsAt(s, pr, anywhere, inAll, dn); is {
			return ok
		}
	}
}

// grantsAt reports whether the entry in slot s, whose hash is probe pr's,
// is pr's key, and if so whether it grants where the check applies. An
// index holds each key once: past pr's own entry, the probe can stop.
func (a *Access) grantsAt(s *slot, pr *probe, anywhere, inAll bool, dn int) (is, grants bool) {
	n := int(s.n - 1)
	if a.perms.words[n] != pr.words || pr.words.n > maxWordsKey && a.perms.keys[n] != pr.key {
		return false, false
	}
	return true, anywhere || s.all && inAll || dn >= 0 && a.bits[n*a.words+int(uint(dn)/64)]&(1<<(uint(dn)%64)) != 0
}

// Has reports whether a holds the concrete permission p at t. It builds
// the probes for p on every call; on a hot path, build a [Requirement] once
// and use [Access.Check].
func (a *Access) Has(p Permission, t Target) bool {
	r, err := newRequirement(All, []Permission{p}, false)
	return err == nil && a.Check(r, t).Satisfied()
}

// heldIn returns the divisions, sorted, where a holds the permission
// probed through a policy limited to some divisions.
func (a *Access) heldIn(pr *[shapes]probe) []DivisionID {
	acc := make([]uint64, a.words)
	for shape := range shapes {
		if n := a.perms.find(pr[shape].hash, pr[shape].key); n >= 0 {
			for w := range acc {
				acc[w] |= a.bits[n*a.words+w]
			}
		}
	}
	var out []DivisionID
	for w, x := range acc {
		for x != 0 {
			out = append(out, DivisionID(a.divs.keys[w*64+bits.TrailingZeros64(x)]))
			x &= x - 1
		}
	}
	slices.Sort(out)
	return out
}

// A Result says whether a subject meets a requirement and, if not, what it
// lacks. The zero Result is not satisfied.
type Result struct {
	access *Access
	req    *requirement
	// The target, without its hash: Target works it out again, so that
	// a Result, which Check returns on every request, is two words
	// shorter.
	tdiv         DivisionID
	orgWide, all bool
	ok           bool
	div          divState // whether the target division is the org's, if Check found out
}

// A divState says whether a Result's target division is one of the org's,
// when Check had to find out.
type divState uint8

const (
	divUnasked divState = iota
	divInOrg
	divNotInOrg
)

// A Missing is a permission a requirement needs that the subject lacks at
// the target, with the divisions where the subject does hold it, so that a
// message can say "you have directory:user:edit, but not in division
// Sales". HeldIn is sorted, and lists the divisions named by the subject's
// division-limited grants: a permission held in all divisions is never
// missing at a valid target, so HeldIn is empty when the subject holds the
// permission nowhere, or when the target was invalid.
type Missing struct {
	Permission Permission
	HeldIn     []DivisionID
}

// Satisfied reports whether the requirement is met.
func (r Result) Satisfied() bool { return r.ok }

// Requirement returns the requirement checked.
func (r Result) Requirement() Requirement { return Requirement{r.req} }

// Target returns where the requirement was checked.
func (r Result) Target() Target {
	if r.tdiv != "" {
		return In(r.tdiv)
	}
	return Target{orgWide: r.orgWide, all: r.all}
}

// DivisionUnknown reports whether the target is a division that is not
// one of the org's: another org's, or none at all. Such a target is never
// satisfied, whatever the subject holds.
func (r Result) DivisionUnknown() bool {
	if r.div != divUnasked { // Check found out: the usual case, in line
		return r.div == divNotInOrg
	}
	return r.access.outside(r.tdiv)
}

// outside reports whether div is a division that is not one of the org's.
func (a *Access) outside(div DivisionID) bool {
	return div != "" && a != nil && !a.orgDivs.has(hashKey(string(div)), div)
}

// Missing lists what the subject lacks: for an ALL requirement the
// permissions not held at the target, for an ANY requirement all of them.
// It is nil when the requirement is met. Unlike the check itself, it
// allocates: it finds again, permission by permission, what the check
// found (an access never changes, so the answer is the same).
func (r Result) Missing() []Missing {
	if r.ok || r.req == nil {
		return nil
	}
	a := r.access
	t := r.Target()
	checked := a != nil && len(a.perms.slots) > 0 && t.IsValid()
	var anywhere, inAll bool
	dn := -1
	if checked {
		anywhere, inAll, dn, _ = a.where(t)
	}
	var out []Missing
	for i, p := range r.req.perms {
		if checked && r.req.kind == All && a.holds(&r.req.probes[i], anywhere, inAll, dn) {
			continue
		}
		m := Missing{Permission: p}
		if r.access != nil {
			m.HeldIn = r.access.heldIn(&r.req.probes[i])
		}
		out = append(out, m)
	}
	return out
}

// String explains the result in words, such as "missing in division sales:
// directory:user:edit (held only in home)".
func (r Result) String() string {
	switch {
	case r.ok:
		return "satisfied"
	case r.req == nil:
		return "not satisfied: invalid requirement"
	case !r.Target().IsValid():
		return "not satisfied: invalid target"
	case r.access == nil || len(r.access.perms.slots) == 0:
		return "not satisfied: no access"
	case r.DivisionUnknown():
		return "not satisfied: " + string(r.tdiv) + " is not a division of org " + string(r.access.org)
	}
	var items []string
	for _, m := range r.Missing() {
		held := "held nowhere"
		if len(m.HeldIn) > 0 {
			ids := make([]string, len(m.HeldIn))
			for i, d := range m.HeldIn {
				ids[i] = string(d)
			}
			held = "held only in " + strings.Join(ids, ", ")
		}
		items = append(items, m.Permission.s+" ("+held+")")
	}
	where := r.Target().String()
	if r.req.kind == Any {
		return "needs any of them " + where + ", holds none: " + strings.Join(items, ", ")
	}
	return "missing " + where + ": " + strings.Join(items, ", ")
}
