package review

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/scope"
)

// Sentinel errors. Every error this package returns wraps one of them,
// or an error of the scope package (an unknown scope wraps
// [scope.ErrUnknown]). Callers branch with [errors.Is] and read the
// details of a call that could not be resolved with [errors.As] on
// [*CallError].
var (
	// ErrUnknownCall reports a call that names no endpoint of the table.
	ErrUnknownCall = errors.New("review: unknown call")
	// ErrMalformedCall reports a call that is neither an endpoint name
	// nor "METHOD /path".
	ErrMalformedCall = errors.New("review: malformed call")
	// ErrNoCalls reports an empty list of calls.
	ErrNoCalls = errors.New("review: no calls")
	// ErrNotCovered reports scopes that do not let every call pass, where
	// they must: the scopes a [Doc] documents.
	ErrNotCovered = errors.New("review: scopes do not cover the calls")
	// ErrNoRole reports a permission a call needs that no role of the
	// org holds: no set of grants lets the call pass.
	ErrNoRole = errors.New("review: no role holds a permission the calls need")
	// ErrUnknownRole reports a held role that is not among the org's
	// roles.
	ErrUnknownRole = errors.New("review: unknown role")
	// ErrInvalid reports any other invalid argument: a nil policy or one
	// not made by enforce.NewPolicy, an Index not made by New, a zero
	// client ID, a period that ends before it starts, an empty application
	// name, a note or reason that is not one line of text, a change with
	// no reason, a malformed date or documentation JSON.
	ErrInvalid = errors.New("review: invalid input")
)

// A CallError reports a call that could not be resolved to an endpoint,
// with the routes or names it was probably meant to be.
type CallError struct {
	// Index is the call's position in the list, from 0.
	Index int
	// Call is the call as given.
	Call string
	// Err is [ErrUnknownCall] or [ErrMalformedCall].
	Err error
	// Reason says what is wrong, in words.
	Reason string
	// Suggestions are the closest calls the table knows, best first: at
	// most three routes or endpoint names, possibly none.
	Suggestions []string
}

func (e *CallError) Error() string {
	if e == nil {
		return "review: call not resolved"
	}
	reason := e.Reason
	if reason == "" {
		reason = "not resolved"
		if e.Err != nil {
			reason = strings.TrimPrefix(e.Err.Error(), "review: ")
		}
	}
	var b strings.Builder
	b.WriteString("review: call ")
	b.WriteString(strconv.Itoa(e.Index))
	b.WriteByte(' ')
	b.WriteString(strconv.Quote(e.Call))
	b.WriteString(": ")
	b.WriteString(reason)
	if len(e.Suggestions) > 0 {
		b.WriteString("; did you mean ")
		for i, s := range e.Suggestions {
			switch {
			case i == 0:
			case i == len(e.Suggestions)-1:
				b.WriteString(" or ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(s))
		}
		b.WriteByte('?')
	}
	return b.String()
}

func (e *CallError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// A ChangeError reports documented scopes that changed since the previous
// version of a [Doc] without a [DocInput].Reason to say why. It wraps
// [ErrInvalid].
type ChangeError struct {
	// Since is the previous version's date.
	Since Date
	// Added and Removed are the scopes added and removed since.
	Added, Removed scope.Set
}

func (e *ChangeError) Error() string {
	if e == nil {
		return ErrInvalid.Error()
	}
	return fmt.Sprintf("%v: the scopes changed since %s (added %q, removed %q): say why in Reason", ErrInvalid, e.Since, e.Added, e.Removed)
}

func (e *ChangeError) Unwrap() error { return ErrInvalid }
