package permission

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error this package makes wraps one of them. Errors
// from a store are passed on wrapped (test them with [errors.Is] against
// your store's own errors), and so are the JSON syntax errors of
// [Requirement.UnmarshalJSON].
var (
	// ErrEmpty reports an empty permission, or an empty list where one is
	// needed.
	ErrEmpty = errors.New("permission: empty")
	// ErrSegments reports a permission without exactly three parts.
	ErrSegments = errors.New("permission: not domain:entity:action")
	// ErrCharacter reports a character a permission may not contain.
	ErrCharacter = errors.New("permission: character not allowed")
	// ErrWildcard reports a wildcard where none is allowed: in the domain,
	// or in a requirement.
	ErrWildcard = errors.New("permission: wildcard not allowed here")
	// ErrTooLong reports a permission longer than MaxLen bytes.
	ErrTooLong = errors.New("permission: too long")
	// ErrDuplicate reported a permission listed twice in a requirement.
	//
	// Deprecated: a repeat in a requirement counts once, and nothing
	// returns ErrDuplicate any more.
	ErrDuplicate = errors.New("permission: duplicate")
	// ErrTooMany reports a requirement of more than MaxRequirement
	// permissions.
	ErrTooMany = errors.New("permission: too many permissions")
	// ErrInvalid reports a malformed role, grant, division list or
	// subject.
	ErrInvalid = errors.New("permission: invalid")
	// ErrRoleNotFound reports a role ID that names no role of the org.
	ErrRoleNotFound = errors.New("permission: role not found")
	// ErrUnknownOrg reports an org a store does not know.
	ErrUnknownOrg = errors.New("permission: unknown org")
)

// A ParseError reports why text is not a permission, where, and what was
// probably meant.
type ParseError struct {
	// Input is the text that was parsed.
	Input string
	// Offset is the byte offset of the problem in Input.
	Offset int
	// Err is one of the sentinel errors.
	Err error
	// Reason says what is wrong, in words.
	Reason string
	// Suggestion is the permission probably meant, or "": the same name
	// as scope.ParseError's.
	Suggestion string
}

func (e *ParseError) Error() string {
	if e == nil {
		return "permission: invalid permission"
	}
	in := e.Input
	if len(in) > 64 {
		in = in[:64] + "…"
	}
	reason := e.Reason
	if reason == "" {
		reason = "invalid permission"
		if e.Err != nil {
			reason = strings.TrimPrefix(e.Err.Error(), "permission: ")
		}
	}
	msg := fmt.Sprintf("permission: parsing %s at offset %d: %s", strconv.Quote(in), e.Offset, reason)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg
}

func (e *ParseError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}
