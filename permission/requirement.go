package permission

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxRequirement is the most distinct permissions one requirement may
// list: real APIs accept any of up to 68 (Genesys's workforce management
// endpoints), so there is room to spare.
const MaxRequirement = 256

// A Kind says how a [Requirement] combines its permissions. The zero Kind
// is invalid.
type Kind uint8

const (
	_ Kind = iota
	// None: no permission is needed.
	None
	// Any: at least one of the permissions.
	Any
	// All: every one of the permissions.
	All
)

var kindWords = [...]string{None: "none", Any: "any", All: "all"}

func (k Kind) String() string {
	if k >= None && k <= All {
		return kindWords[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// A Requirement is what an endpoint demands of its caller: no permission,
// any one of a list, or all of a list, as Genesys Cloud endpoints declare
// them. Requirements name concrete permissions: no wildcards.
//
// A Requirement is immutable, safe for concurrent use and cheap to copy;
// it precomputes what a check needs. The zero Requirement is invalid and
// never satisfied. Requirements are comparable, but == tells whether two
// are the same build: compare [Requirement.String] to compare contents.
type Requirement struct {
	r *requirement
}

type requirement struct {
	kind  Kind
	perms []Permission
	// probes[i] are the keys that may grant perms[i]: the permission
	// itself, then with a wildcard entity, action, or both. A legacy
	// permission has only itself, in all four.
	probes [][shapes]probe
	// keys numbers the probes of an ANY requirement of several
	// permissions, for a check whose cost does not grow with the list.
	keys keyIndex
	// ids[i] are the numbers of probes[i]'s keys, for an ALL requirement
	// or an ANY of one (see [Access.Check]); nil when they are not
	// numbered. idLimit is the largest number + 1.
	ids     [][shapes]uint32
	idLimit uint32
}

// The four shapes of policy that can grant a concrete permission.
const (
	exact = iota
	anyAction
	anyEntity
	anyBoth
	shapes
)

type probe struct {
	hash  uint64
	key   string
	words keyWords
}

var noneRequired = &requirement{kind: None}

// NoneRequired returns the requirement that is always satisfied: an
// endpoint any authenticated caller may use.
func NoneRequired() Requirement { return Requirement{noneRequired} }

// AnyOf returns the requirement that at least one of ps be held. Its
// check costs about the same whatever the length of the list (see
// [Access.Check]). Like [AllOf], it numbers its policy keys in a table
// the package shares, for accesses compiled after it: build requirements
// once, as a policy does, not per request from names a caller sends,
// which would only grow the table (see the package doc, Concurrency).
func AnyOf(ps ...Permission) (Requirement, error) { return newRequirement(Any, ps, true) }

// AllOf returns the requirement that every one of ps be held. An access
// compiled after it checks it with a few bit tests per permission (see
// [Access.Check]); see [AnyOf] on building requirements once.
func AllOf(ps ...Permission) (Requirement, error) { return newRequirement(All, ps, true) }

// newRequirement builds a requirement of kind k. A permission listed
// again changes nothing, and counts once: real tables repeat some. With
// number false, an ALL requirement's keys are not numbered: for a
// requirement built for one check, which would only add to the numbers.
func newRequirement(k Kind, ps []Permission, number bool) (Requirement, error) {
	if len(ps) == 0 {
		return Requirement{}, fmt.Errorf("%w: %s of no permission", ErrEmpty, k)
	}
	r := &requirement{kind: k, perms: make([]Permission, 0, min(len(ps), MaxRequirement)), probes: make([][shapes]probe, 0, min(len(ps), MaxRequirement))}
	seen := make(map[Permission]bool, min(len(ps), MaxRequirement))
	for _, p := range ps {
		switch {
		case !p.IsValid():
			return Requirement{}, fmt.Errorf("%w: zero Permission in a requirement", ErrEmpty)
		case p.IsWildcard():
			return Requirement{}, fmt.Errorf("%w: requirements name concrete permissions, not %s", ErrWildcard, p)
		case seen[p]:
			continue
		case len(r.perms) == MaxRequirement:
			return Requirement{}, fmt.Errorf("%w: more than %d distinct permissions", ErrTooMany, MaxRequirement)
		}
		seen[p] = true
		var pr [shapes]probe
		ks := [shapes]string{p.s, p.s, p.s, p.s}
		if !p.IsLegacy() {
			d, e, a := p.Domain(), p.Entity(), p.Action()
			ks = [shapes]string{
				exact:     p.s,
				anyAction: d + ":" + e + ":*",
				anyEntity: d + ":*:" + a,
				anyBoth:   d + ":*:*",
			}
		}
		for shape, key := range ks {
			pr[shape] = probe{hash: hashKey(key), key: key, words: wordsOf(key)}
		}
		r.perms = append(r.perms, p)
		r.probes = append(r.probes, pr)
	}
	switch {
	case k == Any && len(r.perms) > 1:
		r.keys = newKeyIndex(r)
	case number:
		r.ids, r.idLimit = numberProbes(r.probes)
	}
	return Requirement{r}, nil
}

// MustAllOf is like [AllOf] but panics on error: for requirements written
// in the program's source.
func MustAllOf(ps ...Permission) Requirement { return must(AllOf(ps...)) }

// MustAnyOf is like [AnyOf] but panics on error.
func MustAnyOf(ps ...Permission) Requirement { return must(AnyOf(ps...)) }

func must(r Requirement, err error) Requirement {
	if err != nil {
		panic(err)
	}
	return r
}

// Kind returns None, Any or All, or the invalid zero Kind for the zero
// Requirement.
func (r Requirement) Kind() Kind {
	if r.r == nil {
		return 0
	}
	return r.r.kind
}

// IsValid reports whether r is not the zero Requirement.
func (r Requirement) IsValid() bool { return r.r != nil }

// Permissions returns the permissions r lists, each once, in the order
// first listed, in a new slice.
func (r Requirement) Permissions() []Permission {
	if r.r == nil {
		return nil
	}
	return append([]Permission(nil), r.r.perms...)
}

// String describes r: "none", "any of a:b:c, d:e:f", "all of a:b:c".
func (r Requirement) String() string {
	switch r.Kind() {
	case 0:
		return "invalid requirement"
	case None:
		return "none"
	}
	names := make([]string, len(r.r.perms))
	for i, p := range r.r.perms {
		names[i] = p.s
	}
	return r.r.kind.String() + " of " + strings.Join(names, ", ")
}

type requirementJSON struct {
	None *bool        `json:"none,omitempty"`
	Any  []Permission `json:"any,omitempty"`
	All  []Permission `json:"all,omitempty"`
}

// MarshalJSON writes {"none":true}, {"any":[...]} or {"all":[...]}. The
// zero Requirement does not marshal.
func (r Requirement) MarshalJSON() ([]byte, error) {
	switch r.Kind() {
	case None:
		t := true
		return json.Marshal(requirementJSON{None: &t})
	case Any:
		return json.Marshal(requirementJSON{Any: r.r.perms})
	case All:
		return json.Marshal(requirementJSON{All: r.r.perms})
	}
	return nil, fmt.Errorf("%w: the zero Requirement", ErrEmpty)
}

// UnmarshalJSON reads the forms MarshalJSON writes. Exactly one of none,
// any and all must be present; unknown keys are errors, and so is a key
// given twice (in any case: encoding/json would keep the last list and
// drop the first).
func (r *Requirement) UnmarshalJSON(data []byte) error {
	if key, ok := repeatedKey(data); ok {
		return fmt.Errorf("%w: key %q given twice in a requirement", ErrInvalid, key)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var v requirementJSON
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("permission: reading a requirement: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("permission: reading a requirement: data after the object")
	}
	kinds := 0
	for _, present := range []bool{v.None != nil, v.Any != nil, v.All != nil} {
		if present {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("%w: a requirement is exactly one of {\"none\":true}, {\"any\":[...]} or {\"all\":[...]}", ErrInvalid)
	}
	var (
		req Requirement
		err error
	)
	switch {
	case v.None != nil && *v.None:
		req = NoneRequired()
	case v.None != nil:
		err = fmt.Errorf("%w: {\"none\":false} means nothing; use any or all", ErrInvalid)
	case v.Any != nil:
		req, err = AnyOf(v.Any...)
	default:
		req, err = AllOf(v.All...)
	}
	if err != nil {
		return err
	}
	*r = req
	return nil
}

// repeatedKey returns the first key of the JSON object in data that an
// earlier key matches without regard to case, as encoding/json matches
// them. It reports nothing for data that is not an object, nor past the
// first few keys (a requirement has three; an object with more distinct
// ones has unknown keys): decoding refuses those anyway.
func repeatedKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	var seen []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := t.(string)
		for _, k := range seen {
			if strings.EqualFold(k, key) {
				return key, true
			}
		}
		if seen = append(seen, key); len(seen) > 4 {
			return "", false
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}
