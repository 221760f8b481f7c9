package client

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with [errors.Is]; validation
// problems also come as [*FieldError] values for [errors.As].
var (
	// ErrInvalid reports a client that breaks a rule; every [*FieldError]
	// matches it.
	ErrInvalid = errors.New("client: invalid client")
	// ErrNotFound reports an unknown client ID.
	ErrNotFound = errors.New("client: no such client")
	// ErrExists reports a client ID that is already registered.
	ErrExists = errors.New("client: client already exists")
	// ErrConflict reports an update based on a stale copy of a client: it
	// was changed since it was read.
	ErrConflict = errors.New("client: client changed since it was read")
	// ErrNotAuthorized reports that a client has no authorization in an
	// org.
	ErrNotAuthorized = errors.New("client: client not authorized in this org")
	// ErrForbidden reports an actor without the permission an operation
	// needs.
	ErrForbidden = errors.New("client: permission denied")
	// ErrDisabled reports an operation on a disabled client.
	ErrDisabled = errors.New("client: client is disabled")
	// ErrGrantType reports an operation that does not fit the client's
	// grant type.
	ErrGrantType = errors.New("client: wrong grant type")
	// ErrScope reports scopes that cannot be granted, such as scopes the
	// client does not request.
	ErrScope = errors.New("client: scope cannot be granted")
	// ErrSyntax reports a client ID, grant type or authorization URL that
	// does not parse.
	ErrSyntax = errors.New("client: syntax error")
	// ErrSecret reports an attempt to marshal a [Secret]; secrets leave
	// the program only through [Secret.Reveal].
	ErrSecret = errors.New("client: refusing to marshal a secret")
)

// A FieldError reports one problem with one field of a client. Validation
// returns every problem at once, joined with [errors.Join].
type FieldError struct {
	// Field names the field as an API would: "name", "token_lifetime",
	// "redirect_uris[1]", "roles[0].divisions".
	Field string
	// Err says what is wrong. It may wrap errors of other packages, such
	// as a *scope.UnknownError for an unknown scope.
	Err error
}

func (e *FieldError) Error() string {
	if e == nil {
		return ErrInvalid.Error()
	}
	field, err := e.Field, any(e.Err)
	if field == "" {
		field = "a field"
	}
	if e.Err == nil {
		err = "invalid"
	}
	return fmt.Sprintf("client: %s: %v", field, err)
}

// Unwrap returns [ErrInvalid] and the underlying problem, so that both
// errors.Is(err, ErrInvalid) and, say, errors.Is(err, scope.ErrUnknown)
// hold.
func (e *FieldError) Unwrap() []error {
	if e == nil || e.Err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.Err}
}

// problems collects FieldErrors.
type problems []error

func (p *problems) add(field string, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Err: fmt.Errorf(format, args...)})
}

func (p *problems) wrap(field string, err error) {
	*p = append(*p, &FieldError{Field: field, Err: err})
}

func (p problems) err() error {
	if len(p) == 1 {
		return p[0]
	}
	return errors.Join(p...)
}
