package guard_test

import (
	"strings"
	"testing"

	"github.com/scopegate/scopegate/examples/guard"
)

// outside returns the parts of a translated route outside its braces, and
// the insides of its braces.
func outside(route string) (out, in string) {
	var o, i strings.Builder
	depth := 0
	for _, c := range []byte(route) {
		switch {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case depth > 0:
			i.WriteByte(c)
		default:
			o.WriteByte(c)
		}
	}
	return o.String(), i.String()
}

// FuzzColonRoute: no panic; a route without the syntax's characters is
// unchanged; a translated one keeps no ':' or '*' outside its braces.
func FuzzColonRoute(f *testing.F) {
	for _, s := range []string{"/api/v2/users/:id", "/files/*filepath", "/*", "/a/:b:c/*", "/x/v:y", "/{a}", ":", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, route string) {
		got := guard.ColonRoute(route)
		if !strings.ContainsAny(route, ":*{}") && got != route {
			t.Fatalf("%q: changed to %q", route, got)
		}
		if strings.ContainsAny(route, "{}") && got != guard.NoRoute {
			t.Fatalf("%q: a brace gives %q, want NoRoute", route, got)
		}
		if out, _ := outside(got); strings.ContainsAny(out, ":*") {
			t.Fatalf("%q: %q keeps a parameter", route, got)
		}
	})
}

// FuzzBraceRoute: no panic; a route without chi's extra syntax is
// unchanged, or NoRoute when its braces do not balance or a parameter is
// not a whole segment; a translated one has no '*' outside its braces, no
// regular expression inside them, and each of its segments is static text
// or one parameter.
func FuzzBraceRoute(f *testing.F) {
	for _, s := range []string{"/api/v2/users/{id}", "/a/{id:[0-9]{3}}", "/static/*", "/{a:", "/{", "}", "/a/{b}/*",
		"/c/{id}.{format}", "/f/v{v}", "/{$}", "/{a/b}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, route string) {
		got := guard.BraceRoute(route)
		if !strings.ContainsAny(route, ":*") && got != route && got != guard.NoRoute {
			t.Fatalf("%q: changed to %q", route, got)
		}
		if got == guard.NoRoute {
			return
		}
		out, in := outside(got)
		if strings.Contains(out, "*") || strings.Contains(in, ":") {
			t.Fatalf("%q: %q", route, got)
		}
		for _, seg := range strings.Split(got, "/") {
			if !strings.ContainsAny(seg, "{}") {
				continue
			}
			name, open := strings.CutPrefix(seg, "{")
			name, closed := strings.CutSuffix(name, "}")
			if !open || !closed || strings.ContainsAny(name, "{}") {
				t.Fatalf("%q: %q has the segment %q", route, got, seg)
			}
		}
	})
}
