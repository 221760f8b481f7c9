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
// Genesys writes the parts in camelCase (routing:directRoutingBackup:selfDelete).
// A role's policies may use [Wildcard] as the entity, the action or both
// (directory:user:*, routing:*:*); a requirement may not.
//
// A Permission is an immutable value: comparable with ==, usable as a map
// key. The zero Permission is invalid.
type Permission struct {
	s    string // canonical domain:entity:action
	i, j uint8  // offsets of the two colons
}

// Parse parses a permission in its canonical form (directory:user:add) or
// its admin-UI form (Directory > User > Add, where each part's words join
// in camelCase: Routing > Direct Routing Backup > Self Delete is
// routing:directRoutingBackup:selfDelete; spaces around and between the
// words are free, any other whitespace is an error). Each canonical part
// is an ASCII lower-case letter followed by ASCII letters and digits; the
// entity and the action may instead be [Wildcard]. A rejection is a
// [*ParseError] whose Offset points into s and whose Suggestion, if any, is a
// valid canonical permission.
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
// itself checked without hints).
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
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case isAlnum(c) || c == ':' || c == '*':
		case c == '.' || c == '/' || c == '-' || c == '_' || c == ',':
			return fail(k, ErrCharacter, func() string {
				return hint(strings.Map(func(r rune) rune {
					if r == '.' || r == '/' || r == '-' || r == '_' || r == ',' {
						return ':'
					}
					return r
				}, s))
			}, "%q is not a separator; the parts of a permission are separated by ':'", c)
		case c == ' ' || c == '\t':
			return fail(k, ErrCharacter, func() string {
				// "directory: user: add", then "directory user add".
				return hint(strings.Join(strings.Fields(s), ""), strings.Join(strings.Fields(s), ":"))
			}, "whitespace inside a permission")
		case c >= utf8.RuneSelf:
			r, _ := utf8.DecodeRuneInString(s[k:])
			return fail(k, ErrCharacter, nil, "non-ASCII character %q", r)
		default:
			return fail(k, ErrCharacter, nil, "character %q not allowed", c)
		}
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
		case !('a' <= part[0] && part[0] <= 'z'):
			return fail(at, ErrCharacter, func() string { return hint(lowerParts(parts)) }, "%s %q must start with a lower-case letter", partNames[n], part)
		}
		at += len(part) + 1
	}
	return Permission{s: s, i: uint8(len(parts[0])), j: uint8(len(parts[0]) + 1 + len(parts[1]))}, nil
}

var partNames = [3]string{"domain", "entity", "action"}

// hint returns the first candidate that parses as a canonical permission,
// or "" if none does.
func hint(candidates ...string) string {
	for _, s := range candidates {
		if _, err := parseCanonical(s, s, false); err == nil {
			return s
		}
	}
	return ""
}

// lowerParts lower-cases each part written in capitals (USER gives user),
// and the first letter of the others (DirectRoutingBackup gives
// directRoutingBackup).
func lowerParts(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		switch {
		case p != "" && strings.ToUpper(p) == p:
			p = strings.ToLower(p)
		case p != "" && 'A' <= p[0] && p[0] <= 'Z':
			p = string(p[0]+'a'-'A') + p[1:]
		}
		out[i] = p
	}
	return strings.Join(out, ":")
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

// String returns the canonical form, domain:entity:action, or "" for the
// zero Permission.
func (p Permission) String() string { return p.s }

// IsValid reports whether p is not the zero Permission.
func (p Permission) IsValid() bool { return p.s != "" }

// Domain returns the first part: directory for directory:user:add.
func (p Permission) Domain() string { return p.s[:p.i] }

// Entity returns the second part: user for directory:user:add.
func (p Permission) Entity() string {
	if p.s == "" {
		return ""
	}
	return p.s[p.i+1 : p.j]
}

// Action returns the third part: add for directory:user:add.
func (p Permission) Action() string {
	if p.s == "" {
		return ""
	}
	return p.s[p.j+1:]
}

// IsWildcard reports whether the entity or the action is [Wildcard].
func (p Permission) IsWildcard() bool { return p.Entity() == Wildcard || p.Action() == Wildcard }

// Covers reports whether a policy p grants q: they are equal, or they
// differ only where p has a wildcard. routing:*:* covers routing:queue:view
// and routing:queue:*; directory:user:add covers only itself.
func (p Permission) Covers(q Permission) bool {
	if !p.IsValid() || !q.IsValid() || p.Domain() != q.Domain() {
		return false
	}
	return (p.Entity() == Wildcard || p.Entity() == q.Entity()) && (p.Action() == Wildcard || p.Action() == q.Action())
}

// Label returns the admin-UI form: Directory > User > Add, with camelCase
// parts split into capitalised words (Direct Routing Backup).
func (p Permission) Label() string {
	if !p.IsValid() {
		return ""
	}
	return words(p.Domain()) + " > " + words(p.Entity()) + " > " + words(p.Action())
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
