package scope

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest scope, in bytes, that [Parse] accepts.
const MaxLen = 128

// A Scope is one OAuth scope token, such as users:readonly,
// conversations:call:control, users or user-basic-info.
//
// A Scope is an immutable value: comparable with ==, usable as a map key, and
// cheap to copy. The zero Scope is invalid; [Parse] never returns it without
// an error.
type Scope struct {
	name string
}

// Parse parses one scope. The grammar is
//
//	scope = part *( ":" part )
//	part  = alnum *( alnum / "-" / "_" ) ; ends with alnum
//	alnum = ASCII letter or digit
//
// Letters keep their case (Genesys uses camelCase parts such as
// conversationDetail), so Users:Readonly parses but is not users:readonly;
// checking a scope against a [Catalog] catches that. A rejection is a
// [*ParseError] that says what is wrong, where, and, when it can tell, what
// was probably meant.
func Parse(s string) (Scope, error) {
	if !wellFormed(s) {
		return Scope{}, check(s, s, 0, "")
	}
	return Scope{name: s}, nil
}

// MustParse is like [Parse] but panics on error. Use it only for scopes
// written in the program's source, such as package-level tables.
func MustParse(s string) Scope {
	sc, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return sc
}

// String returns the scope's canonical text, or "" for the zero Scope.
func (s Scope) String() string { return s.name }

// IsValid reports whether s is a parsed scope rather than the zero Scope.
func (s Scope) IsValid() bool { return s.name != "" }

// Resource returns the first part of the scope: users for users:readonly
// and for users.
func (s Scope) Resource() string {
	if i := strings.IndexByte(s.name, ':'); i >= 0 {
		return s.name[:i]
	}
	return s.name
}

// Action returns the second part of the scope (call for
// conversations:call:control, readonly for users:readonly), or "" for a
// bare scope such as users.
func (s Scope) Action() string {
	_, rest, ok := strings.Cut(s.name, ":")
	if !ok {
		return ""
	}
	action, _, _ := strings.Cut(rest, ":")
	return action
}

// Qualifier returns everything after the second part (control for
// conversations:call:control, contact:add for
// conversations:external:contact:add), or "" when there is none.
func (s Scope) Qualifier() string {
	_, rest, ok := strings.Cut(s.name, ":")
	if !ok {
		return ""
	}
	_, q, _ := strings.Cut(rest, ":")
	return q
}

// IsBare reports whether s has a single part, like users or
// user-basic-info.
func (s Scope) IsBare() bool { return s.name != "" && strings.IndexByte(s.name, ':') < 0 }

// MarshalText implements [encoding.TextMarshaler]. The zero Scope cannot be
// marshalled: it would come back as an error.
func (s Scope) MarshalText() ([]byte, error) {
	if s.name == "" {
		return nil, ErrEmpty
	}
	return []byte(s.name), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse].
func (s *Scope) UnmarshalText(text []byte) error {
	sc, err := Parse(string(text))
	if err != nil {
		return err
	}
	*s = sc
	return nil
}

// Byte classes for wellFormed.
const (
	other = iota
	alnum
	colon
	joiner // '-' or '_'
	space  // ' ', between the scopes of a set
)

var class = func() (t [256]uint8) {
	for c := range t {
		switch {
		case isAlnum(byte(c)):
			t[c] = alnum
		case c == ':':
			t[c] = colon
		case c == '-' || c == '_':
			t[c] = joiner
		case c == ' ':
			t[c] = space
		}
	}
	return t
}()

// wellFormed reports whether tok satisfies the grammar. It is the fast
// path of parsing; check explains a failure.
func wellFormed(tok string) bool {
	if tok == "" || len(tok) > MaxLen {
		return false
	}
	prev := uint8(colon) // the start behaves like the position after a colon
	for i := 0; i < len(tok); i++ {
		c := class[tok[i]]
		switch {
		case c == other, c == space,
			c == colon && prev != alnum,  // an empty part, or one ending in '-' or '_'
			c == joiner && prev == colon: // a part starting with '-' or '_'
			return false
		}
		prev = c
	}
	return prev == alnum
}

// check validates tok, which starts at byte offset base of input, and
// returns a *ParseError describing the first problem, or nil. next is the
// scope that follows tok in a scope string ("" if none); it lets the error
// for "users: manage" suggest "users:manage".
func check(input, tok string, base int, next string) *ParseError {
	fail := func(at int, err error, suggestion, format string, args ...any) *ParseError {
		return &ParseError{Input: input, Offset: base + at, Err: err, Reason: fmt.Sprintf(format, args...), Suggestion: valid(suggestion)}
	}
	if tok == "" {
		return fail(0, ErrEmpty, "", "empty scope")
	}
	if len(tok) > MaxLen {
		return fail(MaxLen, ErrTooLong, "", "scope longer than %d bytes", MaxLen)
	}
	// Characters first: a tab or a non-ASCII letter is a clearer complaint
	// than the structural problems it may cause.
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case isAlnum(c) || c == ':' || c == '-' || c == '_':
			continue
		case c == ' ':
			return fail(i, ErrSpace, strings.ReplaceAll(tok, " ", ""), "space inside a scope")
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return fail(i, ErrSpace, "", "%s inside a scope; separate scopes with a single space", controlName[c])
		case c < 0x20 || c == 0x7f:
			return fail(i, ErrCharacter, "", "control character U+%04X", c)
		case c >= utf8.RuneSelf:
			r, _ := utf8.DecodeRuneInString(tok[i:])
			if unicode.IsSpace(r) {
				return fail(i, ErrSpace, "", "non-ASCII space U+%04X; separate scopes with a single space", r)
			}
			return fail(i, ErrCharacter, "", "non-ASCII character %q (U+%04X)", r, r)
		case c == ',' || c == ';':
			list := strings.Map(func(r rune) rune {
				if r == ',' || r == ';' {
					return ' '
				}
				return r
			}, tok)
			return fail(i, ErrCharacter, respace(list), "%q does not separate scopes; separate them with a single space", c)
		case c == '.' || c == '/' || c == '=' || c == '|':
			return fail(i, ErrCharacter, strings.ReplaceAll(tok, string(c), ":"), "%q is not a separator; the parts of a scope are separated by ':'", c)
		default:
			return fail(i, ErrCharacter, "", "character %q not allowed", c)
		}
	}
	// Structure: the parts between colons are non-empty and start and end
	// with a letter or digit.
	start := 0
	for i := 0; i <= len(tok); i++ {
		if i < len(tok) && tok[i] != ':' {
			continue
		}
		part := tok[start:i]
		switch {
		case part == "" && start == 0:
			return fail(0, ErrColon, "", "scope starts with ':'")
		case part == "" && i == len(tok):
			suggestion := ""
			if next != "" {
				suggestion = tok + next
			}
			return fail(i-1, ErrColon, suggestion, "scope ends with ':'")
		case part == "":
			return fail(i, ErrColon, collapseColons(tok), "doubled ':'")
		case !isAlnum(part[0]):
			return fail(start, ErrCharacter, "", "part %q starts with %q", part, part[0])
		case !isAlnum(part[len(part)-1]):
			return fail(i-1, ErrCharacter, "", "part %q ends with %q", part, part[len(part)-1])
		}
		start = i + 1
	}
	return nil
}

// valid returns s if it is a valid scope string, and "" otherwise, so that
// a suggestion is never itself a mistake.
func valid(s string) string {
	if _, ok := parseSetFast(s); !ok {
		return ""
	}
	return s
}

var controlName = map[byte]string{'\t': "tab", '\n': "newline", '\r': "carriage return", '\v': "vertical tab", '\f': "form feed"}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// collapseColons removes empty parts: users::manage gives users:manage.
func collapseColons(tok string) string {
	return strings.Join(strings.FieldsFunc(tok, func(r rune) bool { return r == ':' }), ":")
}
