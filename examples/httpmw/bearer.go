package httpmw

import (
	"net/http"

	"github.com/scopegate/scopegate/examples/guard"
)

// MaxTokenLen is the longest bearer token, in bytes, the middleware
// hands to the verifier. A longer one is refused with ErrTooLarge
// without being read.
const MaxTokenLen = guard.MaxTokenLen

// Sentinel errors of the Authorization header, the guard package's. Every
// *HeaderError wraps one of them.
var (
	// ErrMalformed reports an Authorization header that is not
	// "Bearer <token>": empty, without a token, with characters a bearer
	// token cannot hold, or sent more than once.
	ErrMalformed = guard.ErrMalformed
	// ErrScheme reports an Authorization header with another scheme than
	// Bearer, such as Basic.
	ErrScheme = guard.ErrScheme
	// ErrTooLarge reports a bearer token longer than MaxTokenLen.
	ErrTooLarge = guard.ErrTooLarge
)

// A HeaderError reports why an Authorization header was refused, and
// where, without quoting it (see guard.HeaderError).
type HeaderError = guard.HeaderError

// BearerToken returns the bearer token of a request's headers: "" and no
// error when there is no Authorization header, and a *HeaderError when
// there are several or the one there is not a bearer token (see
// ParseAuthorization).
func BearerToken(h http.Header) (string, error) {
	return guard.BearerToken(h.Values("Authorization"))
}

// ParseAuthorization returns the token of an Authorization header value,
// "Bearer <token>" as RFC 6750 §2.1 defines it, or a *HeaderError (see
// guard.ParseAuthorization).
func ParseAuthorization(v string) (string, error) { return guard.ParseAuthorization(v) }
