package permission

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
)

// An Access is a subject's permissions compiled for fast checks: the
// policies of every role it holds, directly or through its groups, merged
// with the divisions each applies in. Checking a requirement costs a few
// hash probes per permission, however many roles the subject holds, and
// allocates nothing.
//
// An Access is immutable and safe for concurrent use. It is a snapshot:
// changes to roles and grants made after [Compile] are not in it (see
// [Cache]).
type Access struct {
	subject Subject
	perms   index // policy → entry; its slots say which are held in all divisions
	bits    []uint64
	words   int   // division bit set length, in words
	divs    index // division ID → local division number
	shapes  [shapes]bool
}

// Compile gathers the grants of subject s, and of the groups a user s
// belongs to, looks up their roles, and compiles them. A grant that names
// a missing role is an error wrapping ErrRoleNotFound, and a "group" that
// is not a valid group subject or an invalid grant one wrapping ErrInvalid:
// the subject's access cannot be decided.
func Compile(ctx context.Context, st Store, s Subject) (*Access, error) {
	switch {
	case st == nil:
		return nil, fmt.Errorf("%w: no store", ErrInvalid)
	case !s.IsValid():
		return nil, fmt.Errorf("%w: subject %q", ErrInvalid, s)
	}
	holders := []Subject{s}
	if s.Kind == UserSubject {
		groups, err := st.Groups(ctx, s)
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
		gs, err := st.Grants(ctx, h)
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
		r, err := st.Role(ctx, g.Role)
		if err != nil {
			return nil, fmt.Errorf("permission: role %q granted to %s: %w", g.Role, g.Subject, err)
		}
		roles[g.Role] = r
		policies += len(r.Policies)
	}

	a := &Access{subject: s, perms: newIndex(policies), divs: newIndex(16)}
	for _, g := range grants {
		for _, d := range g.Divisions {
			a.divs.add(string(d))
		}
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
				continue
			}
			for _, d := range g.Divisions {
				dn := a.divs.find(maphash.String(seed, string(d)), string(d))
				a.bits[n*a.words+dn/64] |= 1 << (dn % 64)
			}
		}
	}
	for i, s := range a.perms.slots {
		if s.n != 0 {
			a.perms.slots[i].all = all[s.n-1]
		}
	}
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

// Evaluate compiles subject s from st and checks r at t: the simple,
// uncached path, which always sees the store's current state.
func Evaluate(ctx context.Context, st Store, s Subject, r Requirement, t Target) (Result, error) {
	a, err := Compile(ctx, st, s)
	if err != nil {
		return Result{}, err
	}
	return a.Check(r, t), nil
}

// Subject returns the subject a was compiled for.
func (a *Access) Subject() Subject { return a.subject }

// Check reports whether a meets r at t. It does not allocate, whatever
// the outcome; the [Result] explains a failure when asked. The zero
// Requirement and the zero Target are never satisfied, and an Access that
// [Compile] did not make (nil or zero) satisfies nothing, not even
// [NoneRequired].
func (a *Access) Check(r Requirement, t Target) Result {
	res := Result{access: a, req: r.r, target: t}
	if a == nil || len(a.perms.slots) == 0 || r.r == nil || !t.IsValid() {
		if r.r != nil {
			res.missing = allMask(len(r.r.perms))
		}
		return res
	}
	if r.r.kind == None {
		res.ok = true
		return res
	}
	dn := -1
	if !t.orgWide {
		dn = a.divs.find(t.hash, string(t.div))
	}
	var missing uint64
	for i := range r.r.probes {
		if !a.holds(&r.r.probes[i], t.orgWide, dn) {
			missing |= 1 << i
		}
	}
	switch r.r.kind {
	case All:
		res.ok = missing == 0
	case Any:
		res.ok = missing != allMask(len(r.r.perms))
	}
	if !res.ok {
		res.missing = missing
	}
	return res
}

func allMask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

// holds reports whether a policy of one of the four shapes grants the
// permission probed: anywhere for an org-wide target, else in all divisions
// or in local division dn (-1 when a has no grant in the target division).
func (a *Access) holds(pr *[shapes]probe, orgWide bool, dn int) bool {
	for shape := range shapes {
		if a.shapes[shape] && a.grants(&pr[shape], orgWide, dn) {
			return true
		}
	}
	return false
}

// grants probes for one policy key. It compares keys only for an entry
// that would grant, which is all a collision of hashes can falsify: an
// entry that would not grant is passed over whoever owns it, and the
// probe goes on to the end of the chain.
func (a *Access) grants(pr *probe, orgWide bool, dn int) bool {
	x := &a.perms
	mask := uint64(len(x.slots) - 1)
	for i := pr.hash & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		switch {
		case s.n == 0:
			return false
		case s.hash != pr.hash:
			continue
		}
		n := int(s.n - 1)
		if (orgWide || s.all || dn >= 0 && a.bits[n*a.words+dn/64]&(1<<(dn%64)) != 0) && x.keys[n] == pr.key {
			return true
		}
	}
}

// Has reports whether a holds the concrete permission p at t. It builds
// the probes for p on every call; on a hot path, build a [Requirement] once
// and use [Access.Check].
func (a *Access) Has(p Permission, t Target) bool {
	r, err := AllOf(p)
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
	access  *Access
	req     *requirement
	target  Target
	missing uint64
	ok      bool
}

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
func (r Result) Target() Target { return r.target }

// Missing lists what the subject lacks: for an ALL requirement the
// permissions not held at the target, for an ANY requirement all of them.
// It is nil when the requirement is met. Unlike the check itself, it
// allocates.
func (r Result) Missing() []Missing {
	if r.ok || r.req == nil {
		return nil
	}
	var out []Missing
	for i, p := range r.req.perms {
		if r.missing&(1<<i) == 0 {
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
	case !r.target.IsValid():
		return "not satisfied: invalid target"
	case r.access == nil || len(r.access.perms.slots) == 0:
		return "not satisfied: no access"
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
	where := r.target.String()
	if r.req.kind == Any {
		return "needs any of them " + where + ", holds none: " + strings.Join(items, ", ")
	}
	return "missing " + where + ": " + strings.Join(items, ", ")
}
