package permission

import (
	"cmp"
	"fmt"
	"slices"
)

// A DivisionID identifies a division: a partition of an org's resources.
type DivisionID string

// A Division is a partition of an org's resources. Every org has exactly
// one Home division.
type Division struct {
	ID   DivisionID
	Name string
	Home bool
}

// Divisions is an org's list of divisions: unique non-empty IDs and names,
// and exactly one Home division. It is immutable and safe for concurrent
// use.
type Divisions struct {
	list []Division // sorted by ID
	ids  index      // division ID → position in list, for the checks' probes
	home int
}

// NewDivisions validates and returns an org's divisions.
func NewDivisions(ds ...Division) (*Divisions, error) {
	d := &Divisions{list: slices.Clone(ds), ids: newIndex(len(ds)), home: -1}
	slices.SortFunc(d.list, func(a, b Division) int { return cmp.Compare(a.ID, b.ID) })
	names := make(map[string]bool, len(ds))
	for i, div := range d.list {
		switch {
		case div.ID == "":
			return nil, fmt.Errorf("%w: division %q has no ID", ErrInvalid, div.Name)
		case div.Name == "":
			return nil, fmt.Errorf("%w: division %q has no name", ErrInvalid, div.ID)
		case i > 0 && d.list[i-1].ID == div.ID:
			return nil, fmt.Errorf("%w: division ID %q listed twice", ErrInvalid, div.ID)
		case names[div.Name]:
			return nil, fmt.Errorf("%w: division name %q used twice", ErrInvalid, div.Name)
		case div.Home && d.home >= 0:
			return nil, fmt.Errorf("%w: two Home divisions, %q and %q", ErrInvalid, d.list[d.home].ID, div.ID)
		}
		names[div.Name] = true
		if div.Home {
			d.home = i
		}
	}
	if d.home < 0 {
		return nil, fmt.Errorf("%w: no Home division", ErrInvalid)
	}
	for _, div := range d.list {
		d.ids.add(string(div.ID))
	}
	return d, nil
}

// has reports whether the division of hash h and ID id is one of d's,
// with one probe.
func (d *Divisions) has(h uint64, id DivisionID) bool {
	return d != nil && d.ids.find(h, string(id)) >= 0
}

// Home returns the Home division, or the zero Division for a nil or zero
// Divisions, which [NewDivisions] never returns.
func (d *Divisions) Home() Division {
	if d == nil || d.home < 0 || d.home >= len(d.list) {
		return Division{}
	}
	return d.list[d.home]
}

// Lookup returns the division with the given ID.
func (d *Divisions) Lookup(id DivisionID) (Division, bool) {
	if d == nil {
		return Division{}, false
	}
	i, ok := slices.BinarySearchFunc(d.list, id, func(div Division, id DivisionID) int { return cmp.Compare(div.ID, id) })
	if !ok {
		return Division{}, false
	}
	return d.list[i], true
}

// All returns the divisions, sorted by ID, in a new slice.
func (d *Divisions) All() []Division {
	if d == nil {
		return nil
	}
	return slices.Clone(d.list)
}

// A Target says where a requirement must hold: in the division of the
// resource a request touches ([In]), anywhere for an org-wide action that
// is not division-aware ([OrgWide]), or in every division, present and
// future ([AllDivisions]). The zero Target is invalid and satisfies
// nothing, so a division that could not be resolved never widens access
// to "any division".
type Target struct {
	div     DivisionID
	hash    uint64
	orgWide bool
	all     bool
}

// In returns the target of a resource in division id. An empty id gives
// the invalid zero Target.
func In(id DivisionID) Target {
	if id == "" {
		return Target{}
	}
	return Target{div: id, hash: hashKey(string(id))}
}

// OrgWide returns the target of an action that is not division-aware: a
// permission held in any division satisfies it.
func OrgWide() Target { return Target{orgWide: true} }

// AllDivisions returns the target that only a grant in all divisions
// satisfies: holding a permission in every division listed one by one is
// not holding it in the divisions made tomorrow. It answers "could the
// subject act wherever the resource lives?".
func AllDivisions() Target { return Target{all: true} }

// IsValid reports whether t is a division, org-wide or all divisions.
func (t Target) IsValid() bool { return t.orgWide || t.all || t.div != "" }

// IsAllDivisions reports whether t is [AllDivisions].
func (t Target) IsAllDivisions() bool { return t.all }

// IsOrgWide reports whether t is [OrgWide].
func (t Target) IsOrgWide() bool { return t.orgWide }

// Division returns the division of an [In] target, or "".
func (t Target) Division() DivisionID { return t.div }

func (t Target) String() string {
	switch {
	case t.orgWide:
		return "org-wide"
	case t.all:
		return "in all divisions"
	case t.div != "":
		return "in division " + string(t.div)
	}
	return "nowhere (invalid target)"
}
