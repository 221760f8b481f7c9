package httpmw_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/grant"
)

// FuzzParseAuthorization: no panic; a refusal is a *HeaderError wrapping
// a sentinel; an accepted token is non-empty, at most MaxTokenLen bytes,
// and reads back the same from its canonical header.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer  a.b.c", "Basic dXNlcg==", "Bearer", "Bearer ==", "Bearer a=b", "Bearer \x00", "Bearer é",
		"Bearer " + strings.Repeat("a", httpmw.MaxTokenLen), ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := httpmw.ParseAuthorization(header)
		if err != nil {
			var he *httpmw.HeaderError
			if !errors.As(err, &he) || !(errors.Is(err, httpmw.ErrMalformed) || errors.Is(err, httpmw.ErrScheme) || errors.Is(err, httpmw.ErrTooLarge)) {
				t.Fatalf("%q: error without a sentinel: %v", header, err)
			}
			if he.Offset < 0 || he.Offset > len(header) {
				t.Fatalf("%q: offset %d out of range", header, he.Offset)
			}
			if tok != "" {
				t.Fatalf("%q: a token with an error", header)
			}
			return
		}
		if tok == "" || len(tok) > httpmw.MaxTokenLen || strings.ContainsAny(tok, " \t\r\n\",;") {
			t.Fatalf("%q: accepted token %q", header, tok)
		}
		again, err := httpmw.ParseAuthorization("Bearer " + tok)
		if err != nil || again != tok {
			t.Fatalf("%q: canonical header reads back %q, %v", header, again, err)
		}
	})
}

// FuzzMiddleware sends arbitrary methods, paths and Authorization headers
// through the guarded mux: it never panics, never answers 500, and lets
// nothing through but the one genuine token on a route it allows.
func FuzzMiddleware(f *testing.F) {
	fx := newFixture(f, nil)
	// The same token in every fuzzing process: no random ID.
	id, err := grant.ParseTokenID("7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f")
	if err != nil {
		f.Fatal(err)
	}
	good := fx.token("agent", "users:readonly", func(t *grant.Token) { t.ID = id })
	f.Add("GET", "/api/v2/users", "Bearer "+good)
	f.Add("GET", "/api/v2/users/u-sales", "Bearer "+good)
	f.Add("POST", "/api/v2/users", "Bearer "+good)
	f.Add("GET", "/api/v2/users/%2e%2e/schedules", "Bearer "+good)
	f.Add("GET", "/api/v2//users", "bearer "+good)
	f.Add("DELETE", "/", "Bearer "+good[:len(good)-2])
	f.Add("GET", "/api/v2/users", "Basic Zm9vOmJhcg==")
	f.Fuzz(func(t *testing.T, method, path, auth string) {
		if !validMethod(method) {
			return // net/http refuses such requests before any handler
		}
		r := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{"Authorization": {auth}}, Host: "example.com"}
		w := httptest.NewRecorder()
		fx.mux.ServeHTTP(w, r)
		switch {
		case w.Code >= 500:
			t.Fatalf("%s %q: %d %s", method, path, w.Code, w.Body)
		case w.Code < 300 && method != "CONNECT":
			if tok, err := httpmw.ParseAuthorization(auth); err != nil || tok != good {
				t.Fatalf("%s %q with %q: allowed", method, path, auth)
			}
		}
	})
}

// validMethod reports whether m is an HTTP token, as net/http requires.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range []byte(m) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
