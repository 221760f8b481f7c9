package scope

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error this package returns wraps at least one of
// them, except the JSON syntax and type errors of [ParseCatalogJSON], which
// wrap those of encoding/json. Callers branch with [errors.Is] and inspect
// details with [errors.As] on [*ParseError], [*UnknownError], [*EntryError]
// or [*CycleError].
var (
	// ErrEmpty reports an empty scope, an empty scope string, or a missing
	// required list.
	ErrEmpty = errors.New("scope: empty")
	// ErrSpace reports misplaced whitespace: a leading, trailing or doubled
	// space in a scope string, or any other whitespace character (tab,
	// newline, no-break space, ...). RFC 6749 §3.3 separates scopes with
	// exactly one space (%x20).
	ErrSpace = errors.New("scope: misplaced whitespace")
	// ErrCharacter reports a character a scope may not contain: a control
	// character, a non-ASCII character, or punctuation other than ':', '-'
	// and '_' in their allowed places.
	ErrCharacter = errors.New("scope: character not allowed")
	// ErrColon reports an empty part: a leading, trailing or doubled ':'.
	ErrColon = errors.New("scope: empty part between colons")
	// ErrTooLong reports a scope longer than [MaxLen] bytes.
	ErrTooLong = errors.New("scope: too long")
	// ErrDuplicate reports a scope listed twice in a scope string or a
	// catalog.
	ErrDuplicate = errors.New("scope: duplicate")
	// ErrUnknown reports a scope that is not in the catalog.
	ErrUnknown = errors.New("scope: unknown scope")
	// ErrCycle reports implications that lead back to where they started.
	ErrCycle = errors.New("scope: implication cycle")
	// ErrDescription reports a catalog entry whose description is missing
	// or is not a single line of printable text.
	ErrDescription = errors.New("scope: bad description")
	// ErrRule reports a malformed convention [Rule].
	ErrRule = errors.New("scope: bad rule")
	// ErrTooLarge reports a catalog past one of its limits, [MaxScopes],
	// [MaxRules] or [MaxImplications]; the message names the limit.
	ErrTooLarge = errors.New("scope: catalog too large")
)

// A ParseError reports why a scope or a scope string was rejected, where, and
// what was probably meant.
type ParseError struct {
	// Input is the text that was parsed: one scope for [Parse], the whole
	// scope string for [ParseSet].
	Input string
	// Offset is the byte offset in Input of the problem.
	Offset int
	// Err is one of the package's sentinel errors.
	Err error
	// Reason says what is wrong, in words.
	Reason string
	// Suggestion is what was probably meant, or "" when nothing plausible
	// comes to mind.
	Suggestion string
}

func (e *ParseError) Error() string {
	if e == nil {
		return "scope: invalid scope"
	}
	reason := e.Reason
	if reason == "" {
		reason = "invalid scope"
		if e.Err != nil {
			reason = trimPrefix(e.Err)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "scope: parsing %s at offset %d: %s", quoteClipped(e.Input, e.Offset), e.Offset, reason)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, "; did you mean %q?", e.Suggestion)
	}
	return b.String()
}

func (e *ParseError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// An UnknownError reports a well-formed scope that the catalog does not know,
// with the closest known scopes.
type UnknownError struct {
	Scope Scope
	// Suggestions are the closest known scopes, best first; at most three,
	// possibly none.
	Suggestions []Scope
}

func (e *UnknownError) Error() string {
	if e == nil {
		return ErrUnknown.Error()
	}
	return "scope: unknown scope " + strconv.Quote(e.Scope.String()) + didYouMean(e.Suggestions)
}

func (e *UnknownError) Unwrap() error { return ErrUnknown }

// An EntryError reports a problem with one entry of a catalog being built.
type EntryError struct {
	// Index is the entry's position in the list given to [NewCatalog], or
	// -1 for a problem with a [Rule].
	Index int
	// Scope is the entry's scope (the zero Scope if it was missing).
	Scope Scope
	// Err says what is wrong; it wraps one of the sentinel errors, and may
	// be an [*UnknownError] or a [*CycleError].
	Err error
}

func (e *EntryError) Error() string {
	if e == nil {
		return "scope: invalid catalog entry"
	}
	if e.Index < 0 {
		return fmt.Sprintf("scope: catalog rule: %v", trimPrefix(e.Err))
	}
	if !e.Scope.IsValid() {
		return fmt.Sprintf("scope: catalog entry %d: %v", e.Index, trimPrefix(e.Err))
	}
	return fmt.Sprintf("scope: catalog entry %d (%s): %v", e.Index, e.Scope, trimPrefix(e.Err))
}

func (e *EntryError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// A CycleError reports a chain of implications that returns to its start:
// Path[0] implies Path[1], ..., and the last implies Path[0].
type CycleError struct {
	Path []Scope
}

func (e *CycleError) Error() string {
	if e == nil {
		return ErrCycle.Error()
	}
	parts := make([]string, 0, len(e.Path)+1)
	for _, s := range e.Path {
		parts = append(parts, s.String())
	}
	if len(e.Path) > 0 {
		parts = append(parts, e.Path[0].String())
	}
	return "scope: implication cycle: " + strings.Join(parts, " ⇒ ")
}

func (e *CycleError) Unwrap() error { return ErrCycle }

func didYouMean(ss []Scope) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return "; did you mean " + strconv.Quote(ss[0].String()) + "?"
	}
	var b strings.Builder
	b.WriteString("; did you mean ")
	for i, s := range ss {
		switch {
		case i == len(ss)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s.String()))
	}
	b.WriteString("?")
	return b.String()
}

// trimPrefix drops the "scope: " prefix of a wrapped error's message so that
// nested messages do not repeat it. A nil error, in an error struct that
// was never filled in, reads "invalid".
func trimPrefix(err error) string {
	if err == nil {
		return "invalid"
	}
	return strings.TrimPrefix(err.Error(), "scope: ")
}

// clip is how much of a long input an error message quotes on each side of
// the offset.
const clip = 40

// quoteClipped quotes s for an error message, eliding the middle of long
// inputs while keeping the neighbourhood of offset visible.
func quoteClipped(s string, offset int) string {
	if len(s) <= 2*clip {
		return strconv.Quote(s)
	}
	lo, hi := max(offset-clip, 0), min(offset+clip, len(s))
	out := strconv.Quote(s[lo:hi])
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(s) {
		out += "…"
	}
	return out
}
