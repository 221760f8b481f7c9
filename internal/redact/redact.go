// Package redact keeps secrets out of fmt, log/slog and encodings. It is
// what client.Secret, grant.Code, grant.CodeVerifier and jwtoken.Key
// share: a [Text] holds a secret behind a pointer, and [Format] is their
// fmt.Formatter.
//
// The methods of such a type print [Redacted] for every fmt verb and log
// it with slog, but fmt does not always ask them: it prints a struct that
// it reaches through an unexported field by reflection, field by field,
// and %p, or a verb that does not suit its operand, prints the operand
// by reflection too. There it prints a nested pointer to a string as an
// address, but a pointer to a slice, array, struct or map in full when
// the verb does not suit a pointer. So a secret is safe only as a
// pointer to a string, as in [Text]; a string or []byte field holding one
// leaks, whatever the methods of the type that holds it say.
//
// The package's tests guard the module's secrets: TestSecretsNeverPrint
// prints every type that holds one in every place and every way, with
// package redacttest (jwtoken's tests check its keys the same way), and
// TestSecretsCompareInConstantTime type-checks the module's source and
// fails on a secret, a code's hash, a PKCE challenge or verifier, or a MAC
// compared with == or bytes.Equal rather than crypto/subtle or
// hmac.Equal.
package redact

import (
	"fmt"
	"io"
	"log/slog"
)

// Redacted is what prints in place of a secret.
const Redacted = "[redacted]"

// A Text is a secret's text. It sits behind a pointer to a string so that
// fmt, which may print a Text by reflection, prints an address. The zero Text holds
// no text. A Text is immutable, safe for concurrent use.
type Text struct{ p *string }

// New returns a Text that holds s.
func New(s string) Text { return Text{&s} }

// Reveal returns the text in clear.
func (t Text) Reveal() string {
	if t.p == nil {
		return ""
	}
	return *t.p
}

// IsZero reports whether t holds no text, or the empty text.
func (t Text) IsZero() bool { return t.Reveal() == "" }

// String returns Redacted, or "" when t is zero: a printed request still
// shows which secrets it carries.
func (t Text) String() string {
	if t.IsZero() {
		return ""
	}
	return Redacted
}

// GoString returns the Go syntax of a value of the named type that holds
// t: name([redacted]), or name{} when t is zero.
func (t Text) GoString(name string) string {
	if t.IsZero() {
		return name + "{}"
	}
	return name + "(" + Redacted + ")"
}

// LogValue returns String as a slog value.
func (t Text) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Format is the fmt.Formatter of a type that holds a secret: %#v prints
// goString, every other verb s, with no flag, width or precision. It
// writes only what it is given, and nothing without a state to write to
// (fmt always gives one).
func Format(f fmt.State, verb rune, s, goString string) {
	if f == nil {
		return
	}
	if verb == 'v' && f.Flag('#') {
		s = goString
	}
	io.WriteString(f, s)
}
