package permission

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest permission, in bytes, that [Parse] accepts.
const MaxLen = 128

// Wildcard is the entity or action of a policy that matches every entity
// or action: routing:*:* covers every routing permission.
const Wildcard = "*"

// A Permission names something a user may do: domain:entity:action, such
// as directory:user:add, shown in the admin UI as Directory > User > Add.
// Genesys writes the parts in camelCase (routing:directRoutingBackup:selfDelete),
// and some start with a digit or a capital (chat:1on1Message:add,
// messaging:XIntegration:edit): names are case-sensitive and kept exactly
// as written. A role's policies may use [Wildcard] as the entity, the
// action or both (directory:user:*, routing:*:*); a requirement may not.
//
// A legacy permission is one word without parts, such as admin or
// content_management_user, which Genesys still lists beside the
// three-part names ([Permission.IsLegacy]). Roles hold it and requirements
// name it like any other, but it is matched only by itself: no wildcard
// policy covers it.
//
// A Permission is an immutable value: comparable with ==, usable as a map
// key. The zero Permission is invalid.
type Permission struct {
	s    string // canonical domain:entity:action, or the legacy word
	i, j uint8  // offsets of the two colons; both 0 for a legacy word
}

// Parse parses a permission in its canonical form (directory:user:add) or
// its admin-UI form (Directory > User > Add, where each part's words join
// in camelCase: Routing > Direct Routing Backup > Self Delete is
// routing:directRoutingBackup:selfDelete; spaces around and between the
// words are free, any other whitespace is an error). Each canonical part
// is ASCII letters and digits, in any case and in any order (1on1Message,
// XIntegration); the entity and the action may instead be [Wildcard]. The
// canonical form is kept exactly: Parse(p.String()) == p, and names that
// differ in case are different permissions. A string without ':' is a
// legacy one-word permission: an ASCII lower-case letter followed by
// lower-case letters, digits and '_' (admin, content_management_user).
//
// A rejection is a [*ParseError] whose Offset points into s and whose
// Suggestion, if any, is a valid three-part permission that differs from s
// only in its separators (directory.user.add suggests directory:user:add):
// never in case or letters, which make the name. Prose where a permission
// should be ("They are enforced by the backend") is refused without a
// suggestion.
func Parse(s string) (Permission, error) {
	if strings.Contains(s, ">") {
		return parseLabel(s)
	}
	return parseCanonical(s, s, true)
}

// MustParse is like [Parse] but panics on error: for permissions written in
// the program's source.
func MustParse(s string) Permission {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// parseCanonical parses s, reporting errors against input. With hints it
// suggests what was probably meant; without, it only decides (a hint is
// itself checked without hints). A suggestion only ever replaces
// separators: it never changes the case or the letters of a name, which
// are the name.
func parseCanonical(input, s string, hints bool) (Permission, error) {
	fail := func(at int, err error, hint func() string, format string, args ...any) (Permission, error) {
		pe := &ParseError{Input: input, Offset: at, Err: err, Reason: fmt.Sprintf(format, args...)}
		if hints && hint != nil {
			pe.Suggestion = hint()
		}
		return Permission{}, pe
	}
	switch {
	case s == "":
		return fail(0, ErrEmpty, nil, "empty permission")
	case len(s) > MaxLen:
		return fail(MaxLen, ErrTooLong, nil, "longer than %d bytes", MaxLen)
	}
	legacy := strings.IndexByte(s, ':') < 0
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case isAlnum(c) || c == ':' || c == '*':
		case c == '_' && legacy:
		case c == '.' || c == '/' || c == '-' || c == '_' || c == ',':
			return fail(k, ErrCharacter, func() string {
				// A word joiner in a string without ':' may be a
				// misspelt legacy name (content-management-user) as
				// much as a three-part one: no guess.
				return hint(strings.Map(func(r rune) rune {
					if r == '.' || r == '/' || r == ',' || !legacy && (r == '-' || r == '_') {
						return ':'
					}
					return r
				}, s))
			}, "%q is not a separator; the parts of a permission are separated by ':'", c)
		case c == ' ' || c == '\t':
			words := strings.Fields(s)
			if legacy && len(words) != 3 {
				// "They are enforced by the backend": a sentence where a
				// permission should be. It names nothing: no suggestion.
				return fail(k, ErrCharacter, nil, "%d words separated by spaces: this reads as prose, not as a permission (domain:entity:action, or a legacy one-word name such as admin)", len(words))
			}
			return fail(k, ErrCharacter, func() string {
				// "directory: user: add", then "directory user add".
				return hint(strings.Join(words, ""), strings.Join(words, ":"))
			}, "whitespace inside a permission")
		case c >= utf8.RuneSelf:
			r, _ := utf8.DecodeRuneInString(s[k:])
			return fail(k, ErrCharacter, nil, "non-ASCII character %q", r)
		default:
			return fail(k, ErrCharacter, nil, "character %q not allowed", c)
		}
	}
	if legacy {
		return parseLegacy(fail, s)
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return fail(0, ErrSegments, func() string {
			return hint(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ':' }), ":"))
		}, "%d parts; a permission has three: domain:entity:action", len(parts))
	}
	at := 0
	for n, part := range parts {
		switch {
		case part == "":
			return fail(at, ErrSegments, nil, "empty %s", partNames[n])
		case part == Wildcard && n == 0:
			return fail(at, ErrWildcard, nil, "the domain cannot be a wildcard")
		case part == Wildcard:
		case strings.Contains(part, Wildcard):
			return fail(at+strings.Index(part, Wildcard), ErrWildcard, nil, "a wildcard must be a whole part, as in directory:user:*")
		}
		at += len(part) + 1
	}
	return Permission{s: s, i: uint8(len(parts[0])), j: uint8(len(parts[0]) + 1 + len(parts[1]))}, nil
}

// parseLegacy parses a legacy one-word permission, s having no ':' and
// only letters, digits, '_' and '*'.
func parseLegacy(fail func(int, error, func() string, string, ...any) (Permission, error), s string) (Permission, error) {
	if k := strings.IndexByte(s, '*'); k >= 0 {
		return fail(k, ErrWildcard, nil, "a legacy one-word permission cannot be a wildcard")
	}
	if !('a' <= s[0] && s[0] <= 'z') {
		return fail(0, ErrCharacter, nil, "a legacy one-word permission starts with a lower-case letter; one with parts is domain:entity:action")
	}
	for k := 1; k < len(s); k++ {
		if c := s[k]; 'A' <= c && c <= 'Z' {
			return fail(k, ErrCharacter, nil, "a legacy one-word permission is lower-case letters, digits and '_'; one with parts is domain:entity:action")
		}
	}
	return Permission{s: s}, nil
}

var partNames = [3]string{"domain", "entity", "action"}

// hint returns the first candidate that parses as a permission of three
// parts, or "" if none does. A legacy one-word name is never suggested:
// joining the words of a sentence makes one.
func hint(candidates ...string) string {
	for _, s := range candidates {
		if p, err := parseCanonical(s, s, false); err == nil && !p.IsLegacy() {
			return s
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseLabel parses the admin-UI form, Directory > User > Add. Spaces
// separate words; any other whitespace or control character is an error,
// as in the canonical form.
func parseLabel(s string) (Permission, error) {
	fail := func(at int, err error, format string, args ...any) (Permission, error) {
		return Permission{}, &ParseError{Input: s, Offset: at, Err: err, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.Count(s, ">") != 2 {
		return fail(0, ErrSegments, "%d parts; the admin-UI form is Domain > Entity > Action", strings.Count(s, ">")+1)
	}
	var parts [3]string
	var starts [3]int // where each part's first word starts in s
	n, at := 0, 0     // the part, and where its label starts
	for _, label := range strings.Split(s, ">") {
		var b strings.Builder
		words := 0
		for i := 0; i < len(label); {
			if label[i] == ' ' {
				i++
				continue
			}
			end := strings.IndexByte(label[i:], ' ')
			if end < 0 {
				end = len(label)
			} else {
				end += i
			}
			w := label[i:end]
			if words == 0 {
				starts[n] = at + i
			}
			words++
			if w == Wildcard {
				b.WriteString(w)
				i = end
				continue
			}
			for k := 0; k < len(w); k++ {
				switch c := w[k]; {
				case isAlnum(c):
				case c == '*':
					return fail(at+i+k, ErrWildcard, "a wildcard must be a whole part, as in Directory > User > *")
				case c >= utf8.RuneSelf:
					r, _ := utf8.DecodeRuneInString(w[k:])
					return fail(at+i+k, ErrCharacter, "character %q not allowed in %q", r, w)
				default:
					return fail(at+i+k, ErrCharacter, "character %q not allowed in %q", c, w)
				}
			}
			if words == 1 {
				b.WriteString(strings.ToLower(w))
			} else {
				b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
			}
			i = end
		}
		switch {
		case words == 0:
			return fail(at, ErrSegments, "empty %s", partNames[n])
		case words > 1 && strings.Contains(b.String(), Wildcard):
			return fail(starts[n], ErrWildcard, "a wildcard must be a whole part, as in Directory > User > *")
		}
		parts[n] = b.String()
		n, at = n+1, at+len(label)+1
	}
	canonical := strings.Join(parts[:], ":")
	p, err := parseCanonical(canonical, canonical, true)
	var pe *ParseError
	if errors.As(err, &pe) {
		// Point at the start of the part the problem is in.
		pe.Input, pe.Offset = s, starts[strings.Count(canonical[:min(pe.Offset, len(canonical))], ":")]
		return Permission{}, pe
	}
	return p, err
}

// String returns the canonical form, domain:entity:action or the legacy
// word, or "" for the zero Permission.
func (p Permission) String() string { return p.s }

// IsValid reports whether p is not the zero Permission.
func (p Permission) IsValid() bool { return p.s != "" }

// IsLegacy reports whether p is a legacy one-word permission (admin,
// content_management_user): it has no parts, and only a policy of the
// same word grants it.
func (p Permission) IsLegacy() bool { return p.s != "" && p.i == 0 }

// Domain returns the first part: directory for directory:user:add; "" for
// a legacy permission.
func (p Permission) Domain() string { return p.s[:p.i] }

// Entity returns the second part: user for directory:user:add; "" for a
// legacy permission.
func (p Permission) Entity() string {
	if p.i == 0 {
		return ""
	}
	return p.s[p.i+1 : p.j]
}

// Action returns the third part: add for directory:user:add; "" for a
// legacy permission.
func (p Permission) Action() string {
	if p.i == 0 {
		return ""
	}
	return p.s[p.j+1:]
}

// IsWildcard reports whether the entity or the action is [Wildcard].
func (p Permission) IsWildcard() bool { return p.Entity() == Wildcard || p.Action() == Wildcard }

// Covers reports whether a policy p grants q: they are equal, or they
// differ only where p has a wildcard. routing:*:* covers routing:queue:view
// and routing:queue:*; directory:user:add covers only itself, and so does
// a legacy permission.
func (p Permission) Covers(q Permission) bool {
	switch {
	case !p.IsValid() || !q.IsValid():
		return false
	case p.IsLegacy() || q.IsLegacy():
		return p == q
	case p.Domain() != q.Domain():
		return false
	}
	return (p.Entity() == Wildcard || p.Entity() == q.Entity()) && (p.Action() == Wildcard || p.Action() == q.Action())
}

// Label returns the admin-UI form: Directory > User > Add, with camelCase
// parts split into capitalised words (Direct Routing Backup). The
// admin-UI form folds case, so it cannot spell every name: where [Parse]
// would read the label back as another permission (messaging:XIntegration:add
// would come back as messaging:xIntegration:add), and for a legacy
// permission, Label returns the canonical form. Parse(p.Label()) == p for
// every valid p.
func (p Permission) Label() string {
	if !p.IsValid() || p.IsLegacy() {
		return p.s
	}
	l := words(p.Domain()) + " > " + words(p.Entity()) + " > " + words(p.Action())
	if back, err := parseLabel(l); err != nil || back != p {
		return p.s
	}
	return l
}

func words(part string) string {
	var b strings.Builder
	for i, r := range part {
		switch {
		case i == 0:
			b.WriteRune(unicode.ToUpper(r))
		case unicode.IsUpper(r):
			b.WriteByte(' ')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarshalText implements [encoding.TextMarshaler]. The zero Permission
// does not marshal.
func (p Permission) MarshalText() ([]byte, error) {
	if !p.IsValid() {
		return nil, fmt.Errorf("%w: zero Permission", ErrEmpty)
	}
	return []byte(p.s), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse].
func (p *Permission) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
