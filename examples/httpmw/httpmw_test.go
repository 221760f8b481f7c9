package httpmw_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

var _ httpmw.TokenVerifier = httpmw.VerifierFunc(nil)

func TestMiddleware(t *testing.T) {
	f := newFixture(t, nil)
	good := f.token("agent", "users:readonly conversations:readonly")
	admin := f.token("admin", "users:manage")
	expired := f.token("agent", "users:readonly", func(t *grant.Token) { t.IssuedAt, t.ExpiresAt = now.Add(-2*time.Hour), now.Add(-time.Hour) })
	tampered := good[:20] + strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, good[20:21]) + good[21:]
	headerHint := ". To fix: send one header, Authorization: Bearer <token>, with a token of at most 4096 bytes."
	const invalidToken = `Bearer realm="api", error="invalid_token", error_description="The access token is invalid"`

	for _, tc := range []struct {
		name    string
		method  string
		target  string
		auth    []string
		status  int
		code    string // "" when the handler answers
		message string // checked when set
		www     string
		handled handled
	}{
		{name: "allowed", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + good}, status: 200,
			handled: handled{Route: "GET /api/v2/users", Scope: "users:readonly", User: "agent"}},
		{name: "scheme in lower case, two spaces", method: "GET", target: "/api/v2/users/me", auth: []string{"bearer  " + good}, status: 200,
			handled: handled{Route: "GET /api/v2/users/me", Scope: "users:readonly", User: "agent"}},
		{name: "HEAD is judged as GET", method: "HEAD", target: "/api/v2/users", auth: []string{"Bearer " + good}, status: 200},
		{name: "division from the path", method: "GET", target: "/api/v2/users/u-home", auth: []string{"Bearer " + good}, status: 200,
			handled: handled{Route: "GET /api/v2/users/{userId}", Scope: "users:readonly", User: "agent"}},
		{name: "division from the request", method: "POST", target: "/api/v2/users?divisionId=sales", auth: []string{"Bearer " + admin}, status: 200,
			handled: handled{Route: "POST /api/v2/users", Scope: "users:manage", User: "admin"}},

		{name: "no header", method: "GET", target: "/api/v2/users", status: 401, code: "TOKEN_MISSING", www: `Bearer realm="api"`,
			message: "the request carries no access token. To fix: send an access token in the Authorization header: Authorization: Bearer <token>."},
		{name: "empty header", method: "GET", target: "/api/v2/users", auth: []string{""}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the header is empty" + headerHint},
		{name: "basic auth", method: "GET", target: "/api/v2/users", auth: []string{"Basic c2VjcmV0OnNlY3JldA=="}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the header does not use the Bearer scheme" + headerHint},
		{name: "token without scheme", method: "GET", target: "/api/v2/users", auth: []string{good}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the header does not use the Bearer scheme" + headerHint},
		{name: "scheme without token", method: "GET", target: "/api/v2/users", auth: []string{"Bearer"}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: there is no token after Bearer" + headerHint},
		{name: "two tokens", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + good + " " + good}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the token has a character that a bearer token cannot hold" + headerHint},
		{name: "two headers", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + good, "Bearer " + good}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the request has 2 Authorization headers, want one" + headerHint},
		{name: "quoted token", method: "GET", target: "/api/v2/users", auth: []string{`Bearer "` + good + `"`}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the Authorization header was refused: the token has a character that a bearer token cannot hold" + headerHint},
		{name: "oversized token", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + strings.Repeat("x", httpmw.MaxTokenLen+1)}, status: 401,
			code: "TOKEN_INVALID", www: invalidToken, message: "the Authorization header was refused: the token is 4097 bytes long, at most 4096" + headerHint},
		{name: "huge header", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + strings.Repeat("x", 1<<20)}, status: 401,
			code: "TOKEN_INVALID", www: invalidToken, message: "the Authorization header was refused: the header is 1048583 bytes long; a token may have at most 4096" + headerHint},
		{name: "bad signature", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + tampered}, status: 401, code: "TOKEN_INVALID", www: invalidToken,
			message: "the access token is not valid. To fix: get a new access token (sign in again)."},
		{name: "not our format", method: "GET", target: "/api/v2/users", auth: []string{"Bearer abc.def.ghi"}, status: 401, code: "TOKEN_INVALID", www: invalidToken},
		{name: "expired", method: "GET", target: "/api/v2/users", auth: []string{"Bearer " + expired}, status: 401, code: "TOKEN_EXPIRED",
			www:     `Bearer realm="api", error="invalid_token", error_description="The access token expired"`,
			message: "the access token expired at 2026-03-01T11:00:00Z. To fix: get a new access token (sign in again)."},

		{name: "missing scope", method: "GET", target: "/api/v2/schedules", auth: []string{"Bearer " + good}, status: 403, code: "SCOPE_AND_PERMISSIONS_INSUFFICIENT",
			www: `Bearer realm="api", error="insufficient_scope", scope="scheduling:readonly"`},
		{name: "permission only in another division", method: "GET", target: "/api/v2/users/u-sales", auth: []string{"Bearer " + good}, status: 403,
			code: "PERMISSIONS_INSUFFICIENT", message: "the user lacks directory:user:view. To fix: assign the user a role with directory:user:view."},
		{name: "no division in the request", method: "POST", target: "/api/v2/users", auth: []string{"Bearer " + admin}, status: 403, code: "DIVISION_UNRESOLVED"},
		{name: "no such resource, for a caller who may read any", method: "GET", target: "/api/v2/users/u-nobody", auth: []string{"Bearer " + admin}, status: 404, code: "RESOURCE_NOT_FOUND"},
		{name: "no such resource, for a caller who may not read every one", method: "GET", target: "/api/v2/users/u-nobody", auth: []string{"Bearer " + good}, status: 403,
			code: "PERMISSIONS_INSUFFICIENT", message: "the user lacks directory:user:view. To fix: assign the user a role with directory:user:view."},

		{name: "unknown route", method: "GET", target: "/api/v2/nothing", auth: []string{"Bearer " + good}, status: 404, code: "ENDPOINT_UNKNOWN",
			message: `no endpoint matches GET "/api/v2/nothing". To fix: check the method and path against the API reference.`},
		{name: "unknown method on a known path", method: "DELETE", target: "/api/v2/schedules", auth: []string{"Bearer " + good}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "endpoint in the table without a handler", method: "GET", target: "/api/v2/conversations", auth: []string{"Bearer " + good}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "unknown route without a token", method: "GET", target: "/api/v2/nothing", status: 401, code: "TOKEN_MISSING", www: `Bearer realm="api"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do(tc.method, tc.target, tc.auth...)
			require.Equal(t, tc.status, w.Code, "body: %s", w.Body)
			require.Equal(t, tc.www, w.Header().Get("WWW-Authenticate"))
			if tc.code == "" {
				if tc.method == "HEAD" {
					return
				}
				var got handled
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
				if diff := cmp.Diff(tc.handled, got); diff != "" {
					t.Errorf("what the handler saw (-want +got):\n%s", diff)
				}
				return
			}
			require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			body := decodeError(t, w.Body.Bytes())
			require.Equal(t, tc.code, body.Error.Code)
			require.Equal(t, tc.status, body.Error.Status)
			if tc.message != "" {
				require.Equal(t, tc.message, body.Error.Message)
				// Written as the enforcer writes its bodies: no HTML
				// escapes, so that "<token>" reads as written.
				require.NotContains(t, w.Body.String(), `\u003c`)
			}
			for _, a := range tc.auth {
				if _, tok, ok := strings.Cut(a, " "); ok && len(tok) > 8 {
					require.NotContains(t, w.Body.String(), tok, "the answer must not echo the token")
				}
			}
		})
	}
	require.Empty(t, f.logs.String(), "nothing went wrong that needed logging")
}

// The body of a denial is the enforcer's, byte for byte.
func TestDenialIsTheEnforcersBody(t *testing.T) {
	f := newFixture(t, nil)
	tok := f.token("agent", "users:readonly")
	w := f.do("GET", "/api/v2/schedules", "Bearer "+tok)

	claims, err := f.ver.VerifyToken(ctx, tok)
	require.NoError(t, err)
	d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Pattern: "GET /api/v2/schedules", Path: "/api/v2/schedules", Token: claims})
	require.NoError(t, err)
	require.Equal(t, string(d.ErrorBody()), w.Body.String())
	require.Equal(t, d.WWWAuthenticate(), w.Header().Get("WWW-Authenticate"))
	require.Equal(t, d.Status(), w.Code)
}

// A guarded handler outside a mux cannot know its route: it refuses.
func TestNoPatternFailsClosed(t *testing.T) {
	f := newFixture(t, nil)
	reached := false
	h := f.mw.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	for _, tc := range []struct {
		name    string
		handler http.Handler
	}{
		{"handler called directly", h},
		{"middleware around the mux", f.mw.Wrap(f.mux)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.logs.Reset()
			r := httptest.NewRequest("GET", "/api/v2/users", nil)
			r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
			w := httptest.NewRecorder()
			tc.handler.ServeHTTP(w, r)
			require.Equal(t, 500, w.Code)
			require.Equal(t, "ROUTE_PATTERN_MISSING", decodeError(t, w.Body.Bytes()).Error.Code)
			require.False(t, reached)
			require.Contains(t, f.logs.String(), "without a route pattern")
		})
	}
	t.Run("middleware without an enforcer or a verifier", func(t *testing.T) {
		for _, mw := range []*httpmw.Middleware{
			httpmw.New(nil, f.ver, httpmw.WithLogger(slog.New(slog.NewTextHandler(f.logs, nil)))),
			httpmw.New(f.enforcer, nil, httpmw.WithLogger(slog.New(slog.NewTextHandler(f.logs, nil)))),
		} {
			f.logs.Reset()
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users", mw.Wrap(h))
			r := httptest.NewRequest("GET", "/api/v2/users", nil)
			r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			require.Equal(t, 500, w.Code)
			require.Equal(t, "MIDDLEWARE_MISCONFIGURED", decodeError(t, w.Body.Bytes()).Error.Code)
			require.False(t, reached)
			require.Contains(t, f.logs.String(), "without an enforcer or a token verifier")
		}
	})
	t.Run("the same handler on a mux", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.Handle("GET /api/v2/users", h)
		r := httptest.NewRequest("GET", "/api/v2/users", nil)
		r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		require.Equal(t, 200, w.Code)
		require.True(t, reached)
	})
}

// The verifier's answers: errors that name a cause, and a verifier that
// accepts a token without returning its claims.
func TestVerifierAnswers(t *testing.T) {
	f := newFixture(t, nil)
	valid := grant.Token{ID: grant.NewTokenID(), Client: f.app.ID, Org: org, GrantType: client.AuthorizationCode, User: "agent",
		Scopes: scope.MustParseSet("users:readonly"), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	for _, tc := range []struct {
		name   string
		verify httpmw.VerifierFunc
		status int
		code   string
	}{
		{"valid", func(context.Context, string) (grant.Token, error) { return valid, nil }, 200, ""},
		{"revoked", func(context.Context, string) (grant.Token, error) {
			return grant.Token{}, fmt.Errorf("introspection: %w", grant.ErrRevoked)
		}, 401, "TOKEN_REVOKED"},
		{"expired", func(context.Context, string) (grant.Token, error) { return grant.Token{}, grant.ErrExpired }, 401, "TOKEN_EXPIRED"},
		{"other error", func(context.Context, string) (grant.Token, error) { return grant.Token{}, errors.New("no") }, 401, "TOKEN_INVALID"},
		{"no error and no claims", func(context.Context, string) (grant.Token, error) { return grant.Token{}, nil }, 401, "TOKEN_INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mw := httpmw.New(f.enforcer, tc.verify)
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users", mw.Wrap(http.HandlerFunc(echo)))
			r := httptest.NewRequest("GET", "/api/v2/users", nil)
			r.Header.Set("Authorization", "Bearer opaque-token")
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			require.Equal(t, tc.status, w.Code, "body: %s", w.Body)
			if tc.code != "" {
				require.Equal(t, tc.code, decodeError(t, w.Body.Bytes()).Error.Code)
			}
		})
	}
}

// A store that fails gives 503, and a log line without the token.
func TestUndecidable(t *testing.T) {
	f := newFixture(t, failingAccess{})
	tok := f.token("agent", "users:readonly")
	w := f.do("GET", "/api/v2/users", "Bearer "+tok)
	require.Equal(t, 503, w.Code)
	require.Equal(t, "UNAVAILABLE", decodeError(t, w.Body.Bytes()).Error.Code)
	require.Contains(t, f.logs.String(), "connection refused")
	require.NotContains(t, f.logs.String(), tok)
}

func TestContextOutsideMiddleware(t *testing.T) {
	_, ok := httpmw.DecisionFrom(context.Background())
	require.False(t, ok)
	_, ok = httpmw.TokenFrom(context.Background())
	require.False(t, ok)
}

func TestParseAuthorization(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		token  string
		err    error
		offset int
	}{
		{"bearer", "Bearer abc", "abc", nil, 0},
		{"any case", "BEARER abc", "abc", nil, 0},
		{"several spaces", "Bearer   abc", "abc", nil, 0},
		{"every b64token character", "Bearer aZ09-._~+/==", "aZ09-._~+/==", nil, 0},
		{"longest token", "Bearer " + strings.Repeat("a", httpmw.MaxTokenLen), strings.Repeat("a", httpmw.MaxTokenLen), nil, 0},
		{"empty", "", "", httpmw.ErrMalformed, 0},
		{"leading space", " Bearer abc", "", httpmw.ErrMalformed, 0},
		{"other scheme", "Basic abc", "", httpmw.ErrScheme, 0},
		{"scheme run on", "Bearerabc", "", httpmw.ErrScheme, 0},
		{"no token", "Bearer", "", httpmw.ErrMalformed, 6},
		{"only spaces", "Bearer   ", "", httpmw.ErrMalformed, 9},
		{"trailing space", "Bearer abc ", "", httpmw.ErrMalformed, 10},
		{"tab", "Bearer\tabc", "", httpmw.ErrScheme, 0},
		{"tab before the token", "Bearer \tabc", "", httpmw.ErrMalformed, 7},
		{"padding only", "Bearer ==", "", httpmw.ErrMalformed, 7},
		{"padding inside", "Bearer ab=c", "", httpmw.ErrMalformed, 10},
		{"comma", "Bearer abc, Basic x", "", httpmw.ErrMalformed, 10},
		{"control character", "Bearer ab\x00c", "", httpmw.ErrMalformed, 9},
		{"non-ASCII", "Bearer abç", "", httpmw.ErrMalformed, 9},
		{"token too long", "Bearer " + strings.Repeat("a", httpmw.MaxTokenLen+1), "", httpmw.ErrTooLarge, 7},
		{"header too long", "Bearer " + strings.Repeat(" ", 100) + strings.Repeat("a", httpmw.MaxTokenLen), "", httpmw.ErrTooLarge, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := httpmw.ParseAuthorization(tc.header)
			require.Equal(t, tc.token, got)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
			var he *httpmw.HeaderError
			require.ErrorAs(t, err, &he)
			require.Equal(t, tc.offset, he.Offset)
			if strings.Contains(tc.header, "abc") {
				require.NotContains(t, err.Error(), "abc", "an error must not quote the header")
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tok, err := httpmw.BearerToken(http.Header{})
	require.NoError(t, err)
	require.Empty(t, tok)
	tok, err = httpmw.BearerToken(http.Header{"Authorization": {"Bearer abc"}})
	require.NoError(t, err)
	require.Equal(t, "abc", tok)
	_, err = httpmw.BearerToken(http.Header{"Authorization": {"Bearer abc", "Bearer abc"}})
	require.ErrorIs(t, err, httpmw.ErrMalformed)
}

// Requests run while the policy is swapped (for itself): no data race, and
// every request is allowed. examples/demoapi swaps policies that differ.
func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t, nil)
	tok := "Bearer " + f.token("agent", "users:readonly")
	old := f.enforcer.Policy()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			f.enforcer.Swap(old)
		}
	}()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 50 {
				if w := f.do("GET", "/api/v2/users", tok); w.Code != 200 {
					errs <- fmt.Errorf("status %d: %s", w.Code, w.Body)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	<-done
}

// The context the handler gets keeps the request's own values and its
// cancellation, beside the decision and the token.
func TestContextKeepsTheRequests(t *testing.T) {
	f := newFixture(t, nil)
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "outer"))
	var got any
	var done <-chan struct{}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v2/users", f.mw.Wrap(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got, done = r.Context().Value(key{}), r.Context().Done()
		_, ok := httpmw.TokenFrom(r.Context())
		require.True(t, ok)
	})))
	r := httptest.NewRequest("GET", "/api/v2/users", nil).WithContext(parent)
	r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
	mux.ServeHTTP(httptest.NewRecorder(), r)
	require.Equal(t, "outer", got)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler's context was not cancelled with the request's")
	}
}

// BenchmarkMiddleware: the enforcer alone, on a token already verified,
// beside the whole middleware path (the header, the verifier, the
// enforcer, the context) with the verifier's cache and without it. The
// handler does nothing; the recorder's allocations count in all but the
// first.
func BenchmarkMiddleware(b *testing.B) {
	f := newFixture(b, nil)
	tok := f.token("agent", "users:readonly")
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	b.Run("enforce-only", func(b *testing.B) {
		claims, err := f.ver.VerifyToken(ctx, tok)
		if err != nil {
			b.Fatal(err)
		}
		req := enforce.Request{Method: "GET", Pattern: "GET /api/v2/users", Path: "/api/v2/users", Token: claims}
		b.ReportAllocs()
		for b.Loop() {
			if d, err := f.enforcer.Enforce(ctx, &req); err != nil || !d.Allowed() {
				b.Fatal(d.Code(), err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) { // the mux and the recorder, no middleware
		mux := http.NewServeMux()
		mux.Handle("GET /api/v2/users", ok)
		r := httptest.NewRequest("GET", "/api/v2/users", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			if w.Code != http.StatusNoContent {
				b.Fatal(w.Code)
			}
		}
	})
	for _, cached := range []bool{true, false} {
		name := "verify+enforce/uncached"
		mw := httpmw.New(f.enforcer, f.uncached)
		if cached {
			name, mw = "verify+enforce/cached", f.mw
		}
		b.Run(name, func(b *testing.B) {
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users", mw.Wrap(ok))
			r := httptest.NewRequest("GET", "/api/v2/users", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				mux.ServeHTTP(w, r)
				if w.Code != http.StatusNoContent {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// The middleware answers the cases every adapter of the guard package
// answers alike, over real HTTP, with the route's parameter renamed.
func TestSharedCases(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	mw := httpmw.FromGuard(f.Guard, httpmw.WithDivision(func(r *http.Request) permission.DivisionID {
		return permission.DivisionID(r.URL.Query().Get("divisionId"))
	}))
	mux := http.NewServeMux()
	handled := func(w http.ResponseWriter, r *http.Request) { adaptertest.WriteHandled(w, r.Context()) }
	for _, route := range adaptertest.Routes {
		mux.Handle(strings.ReplaceAll(route, "{userId}", "{id}"), mw.Wrap(http.HandlerFunc(handled)))
	}
	mux.Handle("/", mw.NotFound())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f.Run(t, srv.URL, f.Cases())
}

// A nil or zero Middleware refuses rather than panics.
func TestZeroMiddlewareRefuses(t *testing.T) {
	for _, mw := range []*httpmw.Middleware{nil, {}} {
		mux := http.NewServeMux()
		mux.Handle("GET /api/v2/users", mw.Wrap(http.HandlerFunc(echo)))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/api/v2/users", nil))
		require.Equal(t, 500, w.Code)
		require.Equal(t, "MIDDLEWARE_MISCONFIGURED", decodeError(t, w.Body.Bytes()).Error.Code)
	}
}
