package grant

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// redacted is what is printed in place of a secret.
const redacted = "[redacted]"

// redact returns redacted for a non-empty s, so that a printed request
// still shows which secrets it carried.
func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// A Code is an authorization code in clear text, to send to the client's
// redirect URI. Only its hash is stored. Like a client secret it prints as
// "[redacted]" with every fmt verb and with log/slog, and refuses to
// marshal; [Code.Reveal] returns it. A Code is an immutable value, safe
// for concurrent use.
type Code struct {
	// Behind a pointer, like client.Secret's text: fmt prints a nested
	// pointer as an address even for a verb that bypasses Format.
	p *string
}

func newCode(s string) Code { return Code{&s} }

// Reveal returns the code in clear text.
func (c Code) Reveal() string {
	if c.p == nil {
		return ""
	}
	return *c.p
}

// String returns "[redacted]".
func (c Code) String() string { return redacted }

// GoString returns "grant.Code([redacted])".
func (c Code) GoString() string { return "grant.Code([redacted])" }

// Format implements [fmt.Formatter]: every verb prints "[redacted]", and
// %#v prints [Code.GoString].
func (c Code) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, c.GoString())
		return
	}
	io.WriteString(f, redacted)
}

// LogValue implements [slog.LogValuer] with "[redacted]".
func (c Code) LogValue() slog.Value { return slog.StringValue(redacted) }

var errMarshalCode = errors.New("grant: refusing to marshal an authorization code")

// MarshalText refuses, so that a Code cannot leak into JSON or any other
// text encoding by accident.
func (c Code) MarshalText() ([]byte, error) { return nil, errMarshalCode }

// The requests below carry secrets in plain strings, as they arrive from
// a token endpoint's form. They print (%v, %+v, %s) and log with those
// fields redacted. fmt's %p of a request value is the one exception: it
// bypasses every method, so never use it on one.

// Format implements [fmt.Formatter], with Secret, Code and CodeVerifier
// redacted.
func (r ExchangeRequest) Format(f fmt.State, verb rune) {
	type exchangeRequest ExchangeRequest // without methods: printed field by field
	r.Secret, r.Code, r.CodeVerifier = redact(r.Secret), redact(r.Code), redact(r.CodeVerifier)
	fmt.Fprintf(f, fmt.FormatString(f, verb), exchangeRequest(r))
}

// LogValue implements [slog.LogValuer], with Secret, Code and
// CodeVerifier redacted.
func (r ExchangeRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client", r.Client.String()),
		slog.String("secret", redact(r.Secret)),
		slog.String("code", redact(r.Code)),
		slog.String("redirect_uri", r.RedirectURI),
		slog.String("code_verifier", redact(r.CodeVerifier)),
	)
}

// Format implements [fmt.Formatter], with Secret redacted.
func (r ClientCredentialsRequest) Format(f fmt.State, verb rune) {
	type clientCredentialsRequest ClientCredentialsRequest
	r.Secret = redact(r.Secret)
	fmt.Fprintf(f, fmt.FormatString(f, verb), clientCredentialsRequest(r))
}

// LogValue implements [slog.LogValuer], with Secret redacted.
func (r ClientCredentialsRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("org", string(r.Org)),
		slog.String("client", r.Client.String()),
		slog.String("secret", redact(r.Secret)),
	)
}

// Format implements [fmt.Formatter], with Secret redacted.
func (r SAML2BearerRequest) Format(f fmt.State, verb rune) {
	type saml2BearerRequest SAML2BearerRequest
	r.Secret = redact(r.Secret)
	fmt.Fprintf(f, fmt.FormatString(f, verb), saml2BearerRequest(r))
}

// LogValue implements [slog.LogValuer], with Secret redacted.
func (r SAML2BearerRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("org", string(r.Org)),
		slog.String("client", r.Client.String()),
		slog.String("secret", redact(r.Secret)),
		slog.String("user", r.User),
		slog.String("scopes", r.Scopes.String()),
	)
}
