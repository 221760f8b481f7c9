package grant

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/internal/redact"
	"github.com/scopegate/scopegate/scope"
)

// ErrSecret reports an attempt to marshal a [Code] or a [CodeVerifier]:
// they leave the program only through their Reveal methods.
var ErrSecret = errors.New("grant: refusing to marshal a code or a code verifier")

// A Code is an authorization code in clear text, to send to the client's
// redirect URI. Only its hash is stored. A token endpoint makes one with
// [CodeFrom] from the code a client sends. Like a client secret, a Code,
// or a pointer to one, prints as "[redacted]" with every fmt verb and with
// log/slog, also inside structs, slices and maps, and refuses to marshal;
// the zero Code prints as "". [Code.Reveal] returns it. A Code is an
// immutable value, safe for concurrent use.
type Code struct {
	// Behind a pointer to a string, like client.Secret's text: fmt
	// prints it as an address even where it bypasses Format.
	text redact.Text
}

func newCode(s string) Code { return Code{redact.New(s)} }

// CodeFrom returns a Code that holds text: the code parameter of a token
// request, to pass on in an [ExchangeRequest].
func CodeFrom(text string) Code { return newCode(text) }

// Reveal returns the code in clear text.
func (c Code) Reveal() string { return c.text.Reveal() }

// String returns "[redacted]", or "" for the zero Code.
func (c Code) String() string { return c.text.String() }

// GoString returns "grant.Code([redacted])", or "grant.Code{}" for the
// zero Code.
func (c Code) GoString() string { return c.text.GoString("grant.Code") }

// Format implements [fmt.Formatter]: every verb prints [Code.String], and
// %#v prints [Code.GoString].
func (c Code) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String(), c.GoString()) }

// LogValue implements [slog.LogValuer] with [Code.String].
func (c Code) LogValue() slog.Value { return c.text.LogValue() }

// MarshalText refuses with [ErrSecret], so that a Code cannot leak into
// JSON or any other text encoding by accident.
func (c Code) MarshalText() ([]byte, error) { return nil, ErrSecret }

// A CodeVerifier is a PKCE code verifier (RFC 7636 §4.1) in clear text,
// as a client sends it to exchange a code. It prints, logs and refuses to
// marshal as a [Code] does. A CodeVerifier is an immutable value, safe for
// concurrent use.
type CodeVerifier struct {
	text redact.Text // behind a pointer, as in Code
}

// CodeVerifierFrom returns a CodeVerifier that holds text: the
// code_verifier parameter of a token request.
func CodeVerifierFrom(text string) CodeVerifier { return CodeVerifier{redact.New(text)} }

// Reveal returns the verifier in clear text.
func (v CodeVerifier) Reveal() string { return v.text.Reveal() }

// String returns "[redacted]", or "" for the zero CodeVerifier.
func (v CodeVerifier) String() string { return v.text.String() }

// GoString returns "grant.CodeVerifier([redacted])", or
// "grant.CodeVerifier{}" for the zero CodeVerifier.
func (v CodeVerifier) GoString() string { return v.text.GoString("grant.CodeVerifier") }

// Format implements [fmt.Formatter]: every verb prints
// [CodeVerifier.String], and %#v prints [CodeVerifier.GoString].
func (v CodeVerifier) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, v.String(), v.GoString())
}

// LogValue implements [slog.LogValuer] with [CodeVerifier.String].
func (v CodeVerifier) LogValue() slog.Value { return v.text.LogValue() }

// MarshalText refuses with [ErrSecret].
func (v CodeVerifier) MarshalText() ([]byte, error) { return nil, ErrSecret }

// The requests below carry their secrets as [client.Secret], [Code] and
// [CodeVerifier], so they print with fmt, nested or not, with those fields
// redacted. They log with slog as groups, and marshal to JSON with
// "[redacted]" in place of each secret they carry.

// LogValue implements [slog.LogValuer], with Secret, Code and
// CodeVerifier redacted.
func (r ExchangeRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client", r.Client.String()),
		slog.String("secret", r.Secret.String()),
		slog.String("code", r.Code.String()),
		slog.String("redirect_uri", r.RedirectURI),
		slog.String("code_verifier", r.CodeVerifier.String()),
	)
}

// MarshalJSON writes the request's fields, with Secret, Code and
// CodeVerifier redacted.
func (r ExchangeRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Client       client.ID
		Secret       string
		Code         string
		RedirectURI  string
		CodeVerifier string
	}{r.Client, r.Secret.String(), r.Code.String(), r.RedirectURI, r.CodeVerifier.String()})
}

// LogValue implements [slog.LogValuer], with Secret redacted.
func (r ClientCredentialsRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("org", string(r.Org)),
		slog.String("client", r.Client.String()),
		slog.String("secret", r.Secret.String()),
	)
}

// MarshalJSON writes the request's fields, with Secret redacted.
func (r ClientCredentialsRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Org    client.OrgID
		Client client.ID
		Secret string
	}{r.Org, r.Client, r.Secret.String()})
}

// LogValue implements [slog.LogValuer], with Secret redacted.
func (r SAML2BearerRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("org", string(r.Org)),
		slog.String("client", r.Client.String()),
		slog.String("secret", r.Secret.String()),
		slog.String("user", r.User),
		slog.String("scopes", r.Scopes.String()),
	)
}

// MarshalJSON writes the request's fields, with Secret redacted.
func (r SAML2BearerRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Org    client.OrgID
		Client client.ID
		Secret string
		User   string
		Scopes scope.Set
	}{r.Org, r.Client, r.Secret.String(), r.User, r.Scopes})
}
