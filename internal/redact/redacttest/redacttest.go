// Package redacttest is test support for the types that hold a secret:
// [NeverPrints] prints a value in every place a secret may end up in a
// log line, in every way, and fails the test where any form of the secret
// shows. The module's secrets are checked with it in package redact's
// tests, and jwtoken's private keys in the examples module's. It uses the
// standard library only.
package redacttest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/internal/redact"
)

// verbs are the fmt verbs a careless log line might use, with flags,
// width and precision, and the ones that make fmt bypass a type's methods
// (%p, and any verb that does not suit the operand).
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%T", "%p",
	"%t", "%o", "%b", "%e", "%U", "%c", "%10.3v", "%-20s", "%08x",
}

type exported[T any] struct{ Field T }

type unexported[T any] struct{ field T }

type unexportedPointer[T any] struct{ field *T }

type shape struct {
	name string
	v    any
}

// shapes returns v in every place a secret may end up in a log line.
func shapes[T any](v T) []shape {
	return []shape{
		{"value", v},
		{"pointer", &v},
		{"exported field", exported[T]{v}},
		{"unexported field", unexported[T]{v}},
		{"pointer in an unexported field", unexportedPointer[T]{&v}},
		{"slice", []T{v}},
		{"map", map[string]T{"k": v}},
	}
}

// leaks returns the forms the secret text s would take in a leak: parts
// of its text, and its first bytes in hexadecimal, decimal, octal, binary,
// Unicode and base64, as fmt and encoding/json write a string or []byte.
func leaks(s string) []string {
	b := []byte(s[:8])
	list := func(format string) string { return strings.Trim(fmt.Sprintf(format, b), "[]") }
	return []string{
		s[:8], s[8:16], s[len(s)-8:],
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)), list("% x"),
		list("%d"), list("%o"), list("%b"), list("%U"),
		base64.StdEncoding.EncodeToString(b[:6]), base64.RawURLEncoding.EncodeToString(b[:6]),
	}
}

// NeverPrints checks that v hides the secrets it holds, each 16 bytes or
// longer: by value and by pointer, in exported and unexported fields, in
// slices and maps, under every fmt verb, in log/slog's text and JSON
// handlers, and in JSON, none of their forms shows (a part of the text,
// or its first bytes in hexadecimal, decimal, octal, binary, Unicode or
// base64). Printed by value or by pointer, v shows [redact.Redacted], and
// json.Marshal fails with an error that is marshalErr, or, when
// marshalErr is nil, marshals v with its secrets redacted. Each place is a
// subtest of t, named name/place.
func NeverPrints[T any](t *testing.T, name string, v T, secrets []string, marshalErr error) {
	t.Helper()
	for _, s := range secrets {
		if len(s) < 16 {
			t.Fatalf("redacttest: %s: a secret of %d bytes: give 16 or more, so that its parts tell a leak", name, len(s))
		}
	}
	for _, sh := range shapes(v) {
		t.Run(name+"/"+sh.name, func(t *testing.T) {
			for _, p := range problems(sh, secrets, marshalErr) {
				t.Error(p)
			}
		})
	}
}

// problems returns what is wrong with the way v, in the place sh, prints
// and marshals: each form of a secret that shows, and, by value or by
// pointer, a missing [redact.Redacted] or the wrong marshalling.
func problems(sh shape, secrets []string, marshalErr error) []string {
	var forms []string
	for _, s := range secrets {
		forms = append(forms, leaks(s)...)
	}
	outs := map[string]string{}
	for _, verb := range verbs {
		outs[verb] = fmt.Sprintf(verb, sh.v)
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", sh.v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", sh.v)
	outs["slog text"], outs["slog JSON"] = text.String(), js.String()
	b, err := json.Marshal(sh.v)
	outs["json.Marshal"] = string(b)
	if err != nil {
		outs["json.Marshal error"] = err.Error()
	}
	var bad []string
	for _, what := range slices.Sorted(maps.Keys(outs)) {
		for _, leak := range forms {
			if strings.Contains(outs[what], leak) {
				bad = append(bad, fmt.Sprintf("%s printed %q, which holds %q", what, outs[what], leak))
				break
			}
		}
	}
	if sh.name != "value" && sh.name != "pointer" {
		return bad
	}
	for _, what := range []string{"%v", "slog JSON"} {
		if !strings.Contains(outs[what], redact.Redacted) {
			bad = append(bad, fmt.Sprintf("%s printed %q, without %s", what, outs[what], redact.Redacted))
		}
	}
	switch {
	case marshalErr != nil && !errors.Is(err, marshalErr):
		bad = append(bad, fmt.Sprintf("json.Marshal: error %v; want %v: a secret does not marshal", err, marshalErr))
	case marshalErr == nil && err != nil:
		bad = append(bad, fmt.Sprintf("json.Marshal: %v; want its secrets redacted", err))
	}
	return bad
}
