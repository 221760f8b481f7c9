package guard

import (
	"errors"
	"strconv"
	"strings"
)

const (
	// MaxTokenLen is the longest bearer token, in bytes, the middleware
	// hands to the verifier. A longer one is refused with ErrTooLarge
	// without being read.
	MaxTokenLen = 4096
	// maxHeaderLen bounds the whole header value: the scheme, the spaces
	// and the token.
	maxHeaderLen = MaxTokenLen + 64
)

// Sentinel errors of the Authorization header. Every *HeaderError wraps
// one of them.
var (
	// ErrMalformed reports an Authorization header that is not
	// "Bearer <token>": empty, without a token, with characters a bearer
	// token cannot hold, or sent more than once.
	ErrMalformed = errors.New("guard: malformed Authorization header")
	// ErrScheme reports an Authorization header with another scheme than
	// Bearer, such as Basic.
	ErrScheme = errors.New("guard: Authorization header is not Bearer")
	// ErrTooLarge reports a bearer token longer than MaxTokenLen.
	ErrTooLarge = errors.New("guard: bearer token too large")
)

// A HeaderError reports why an Authorization header was refused, and
// where. Unlike most parse errors it does not hold the input: the input is
// a credential, and errors end up in logs.
type HeaderError struct {
	// Offset is the byte offset of the problem in the header value.
	Offset int
	// Err is ErrMalformed, ErrScheme or ErrTooLarge.
	Err error
	// Reason says what is wrong, in words, without quoting the header.
	Reason string
}

func (e *HeaderError) Error() string {
	if e == nil {
		return ErrMalformed.Error()
	}
	err, reason := e.Err, e.Reason
	if err == nil {
		err = ErrMalformed
	}
	if reason == "" {
		reason = "refused"
	}
	return err.Error() + ": " + reason + " (at offset " + strconv.Itoa(e.Offset) + ")"
}

// Unwrap returns Err; for a HeaderError left empty, or a nil one,
// ErrMalformed.
func (e *HeaderError) Unwrap() error {
	if e == nil || e.Err == nil {
		return ErrMalformed
	}
	return e.Err
}

// BearerToken returns the bearer token of a request's Authorization
// values (an HTTP header's, or gRPC's authorization metadata): "" and no
// error when there are none, and a *HeaderError when there are several or
// the one there is not a bearer token (see ParseAuthorization).
func BearerToken(values []string) (string, error) {
	switch len(values) {
	case 0:
		return "", nil
	case 1:
		return ParseAuthorization(values[0])
	}
	return "", &HeaderError{Err: ErrMalformed, Reason: "the request has " + strconv.Itoa(len(values)) + " Authorization headers, want one"}
}

// ParseAuthorization returns the token of an Authorization header value
// of the form RFC 6750 §2.1 defines:
//
//	credentials = "Bearer" 1*SP b64token
//	b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// The scheme is case-insensitive (RFC 9110 §11.1). Anything else is a
// *HeaderError: an empty value, another scheme (ErrScheme), no token, a
// character outside b64token, white space after the token (ErrMalformed),
// or a token longer than MaxTokenLen (ErrTooLarge). It never returns the
// empty string without an error.
func ParseAuthorization(v string) (string, error) {
	if len(v) > maxHeaderLen {
		return "", &HeaderError{Err: ErrTooLarge, Reason: "the header is " + strconv.Itoa(len(v)) + " bytes long; a token may have at most " + strconv.Itoa(MaxTokenLen)}
	}
	if v == "" {
		return "", &HeaderError{Err: ErrMalformed, Reason: "the header is empty"}
	}
	scheme, _, _ := strings.Cut(v, " ")
	if scheme == "" {
		return "", &HeaderError{Err: ErrMalformed, Reason: "the header starts with a space"}
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return "", &HeaderError{Err: ErrScheme, Reason: "the header does not use the Bearer scheme"}
	}
	start := len(scheme) + 1
	for start < len(v) && v[start] == ' ' {
		start++
	}
	token := v[min(start, len(v)):]
	switch {
	case token == "":
		return "", &HeaderError{Offset: len(v), Err: ErrMalformed, Reason: "there is no token after Bearer"}
	case len(token) > MaxTokenLen:
		return "", &HeaderError{Offset: start, Err: ErrTooLarge, Reason: "the token is " + strconv.Itoa(len(token)) + " bytes long, at most " + strconv.Itoa(MaxTokenLen)}
	}
	if i := badTokenByte(token); i >= 0 {
		return "", &HeaderError{Offset: start + i, Err: ErrMalformed, Reason: "the token has a character that a bearer token cannot hold"}
	}
	return token, nil
}

// badTokenByte returns the offset of the first byte of t that breaks the
// b64token grammar, or -1.
func badTokenByte(t string) int {
	i := 0
	for ; i < len(t) && isTokenByte(t[i]); i++ {
	}
	if i == 0 {
		return 0 // b64token starts with at least one non-'=' character
	}
	for ; i < len(t) && t[i] == '='; i++ {
	}
	if i < len(t) {
		return i
	}
	return -1
}

func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
}
