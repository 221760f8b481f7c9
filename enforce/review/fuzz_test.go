package review_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopegate/scopegate/enforce/review"
)

// FuzzResolve: resolving a call never panics; a call that reaches no
// endpoint is a *CallError naming it, with one of the two sentinels; and
// the route a call resolves to resolves to itself.
func FuzzResolve(f *testing.F) {
	for _, c := range []string{
		"GET /api/v2/users/me", "GET /api/v2/users/{id}", "GET /api/v2/users/123", "getUsersMe", "get /api/v2/users",
		"GET /v2/users/me", "GET  /api/v2/users", " GET /x", "GET /api/v2/users?x", "GET https://h/api/v2/users", "/api/v2/users",
		"", "GET", "GET /", "GET //", "GET /api/v2/users/%2F", "GET /api/v2/users/{", "HEAD /api/v2/users/{userId}", "GET\x00/",
		"PATCH /api/v2/users/{a}/presence", "GET /api/v2/users/../users/me", "GET /api/v2/users/ü",
	} {
		f.Add(c)
	}
	ix := sampleIndex(f)
	f.Fuzz(func(t *testing.T, call string) {
		routes, err := ix.Resolve([]string{call})
		if err != nil {
			var ce *review.CallError
			if !errors.As(err, &ce) {
				t.Fatalf("Resolve(%q): %v is not a *CallError", call, err)
			}
			if ce.Call != call || ce.Index != 0 || !errors.Is(err, review.ErrUnknownCall) && !errors.Is(err, review.ErrMalformedCall) {
				t.Fatalf("Resolve(%q): %#v", call, ce)
			}
			if len(ce.Suggestions) > 3 {
				t.Fatalf("Resolve(%q): %d suggestions", call, len(ce.Suggestions))
			}
			return
		}
		again, err := ix.Resolve(routes)
		if err != nil || again[0] != routes[0] {
			t.Fatalf("Resolve(%q) = %q, which resolves to %q, %v", call, routes[0], again, err)
		}
	})
}

// FuzzParseDocJSON: parsing never panics, and what parses marshals back to
// JSON that parses to an equal Doc.
func FuzzParseDocJSON(f *testing.F) {
	if data, err := os.ReadFile("testdata/agent-desktop.json"); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		`{}`, `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01"}`,
		`{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","scopes":[{"scope":"users"}],"changes":[{"date":"2026-03-01","initial":true,"added":["users"],"reason":"r"}]}`,
		`{"application":"A","updated":"2026-02-30","next_review":"2026-06-01"}`, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := review.ParseDocJSON(data)
		if err != nil {
			if !errors.Is(err, review.ErrInvalid) {
				t.Fatalf("ParseDocJSON: %v does not wrap ErrInvalid", err)
			}
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("marshalling a parsed Doc: %v", err)
		}
		back, err := review.ParseDocJSON(out)
		if err != nil {
			t.Fatalf("parsing %s: %v", out, err)
		}
		// An empty list and no list are the same: both marshal to nothing.
		if diff := cmp.Diff(d, back, scopeText, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b review.Date) bool { return a == b })); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
