package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/internal/nopanic"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs or nil options,
// return an error, refuse the request or report nothing; none panics
// (issue 11). Handle and HandleFunc panic by contract, as
// http.ServeMux.Handle does, on a mistake in the program found when it
// starts; WriteError, like http.Error, needs a ResponseWriter, which a
// handler always has.
func TestZeroValuesDoNotPanic(t *testing.T) {
	const contract = "panics like http.ServeMux.Handle on a nil mux or handler or a malformed pattern"
	except := nopanic.Except{
		"(*httpmw.Middleware).Handle":     contract,
		"(*httpmw.Middleware).HandleFunc": contract,
	}
	except.CheckPackage(t,
		httpmw.HeaderError{}, (*httpmw.HeaderError)(nil),
		httpmw.Middleware{}, (*httpmw.Middleware)(nil),
		httpmw.Option(nil), (*httpmw.Option)(nil),
		httpmw.VerifierFunc(nil), (*httpmw.VerifierFunc)(nil),
	)
	serve := func(mw *httpmw.Middleware, h http.Handler) int {
		mux := http.NewServeMux()
		ep := sample.Endpoints()[0]
		mux.Handle(ep.Route(), mw.Wrap(h))
		mux.Handle("/", mw.NotFound())
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(ep.Method, ep.Path, nil))
		return w.Code
	}
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	except.CheckFuncs(t, map[string]any{
		"BearerToken":        httpmw.BearerToken,
		"ParseAuthorization": httpmw.ParseAuthorization,
		"DecisionFrom":       httpmw.DecisionFrom,
		"TokenFrom":          httpmw.TokenFrom,
		"WithDivision":       httpmw.WithDivision,
		"WithLogger":         httpmw.WithLogger,
		"New":                httpmw.New,
		"New(nil options)": func() *httpmw.Middleware {
			return httpmw.New(nil, nil, nil, httpmw.WithDivision(nil), httpmw.WithLogger(nil))
		},
		"WriteError(recorder)":       func() { httpmw.WriteError(httptest.NewRecorder(), 0, "", "") },
		"(*Middleware)(nil) serving": func() int { return serve(nil, ok) },
		"(&Middleware{}) serving":    func() int { return serve(&httpmw.Middleware{}, ok) },
		"New(nil, nil) serving":      func() int { return serve(httpmw.New(nil, nil), ok) },
		"Wrap(nil) serving":          func() int { return serve(httpmw.New(nil, nil), nil) },
		"Wrap(nil) serving an allowed request": func() int {
			f := newFixture(t, nil)
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users/me", f.mw.Wrap(nil))
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/api/v2/users/me", nil)
			r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
			mux.ServeHTTP(w, r)
			return w.Code
		},
		"VerifierFunc(nil) serving": func() int {
			f := newFixture(t, nil)
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users/me", httpmw.New(f.enforcer, httpmw.VerifierFunc(nil)).Wrap(ok))
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/api/v2/users/me", nil)
			r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
			mux.ServeHTTP(w, r)
			return w.Code
		},
	})
}

// TestMisconfiguredMiddlewareRefuses: a nil or zero Middleware, a nil
// handler, and a nil VerifierFunc answer with an error in the enforcer's
// format; none reaches a handler, and none panics while serving.
func TestMisconfiguredMiddlewareRefuses(t *testing.T) {
	f := newFixture(t, nil)
	called := false
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
	for _, tc := range []struct {
		name    string
		mw      *httpmw.Middleware
		handler http.Handler
		status  int
		code    string
	}{
		{"nil middleware", nil, h, 500, "MIDDLEWARE_MISCONFIGURED"},
		{"zero middleware", &httpmw.Middleware{}, h, 500, "MIDDLEWARE_MISCONFIGURED"},
		{"nil handler", f.mw, nil, 500, "HANDLER_MISSING"},
		{"nil VerifierFunc", httpmw.New(f.enforcer, httpmw.VerifierFunc(nil)), h, 503, "UNAVAILABLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called = false
			mux := http.NewServeMux()
			mux.Handle("GET /api/v2/users/me", tc.mw.Wrap(tc.handler))
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/api/v2/users/me", nil)
			r.Header.Set("Authorization", "Bearer "+f.token("agent", "users:readonly"))
			mux.ServeHTTP(w, r)
			require.False(t, called, "the handler is not reached")
			require.Equal(t, tc.status, w.Code)
			e := decodeError(t, w.Body.Bytes())
			require.Equal(t, tc.code, e.Error.Code)
			require.Equal(t, tc.status, e.Error.Status)
		})
	}
	require.PanicsWithValue(t, "httpmw: Handle with a nil *http.ServeMux", func() {
		f.mw.Handle(nil, sample.Endpoints()[0], h)
	}, "a mistake in the program, found when it starts")
	require.PanicsWithValue(t, "httpmw: Handle with a nil handler", func() {
		f.mw.HandleFunc(http.NewServeMux(), sample.Endpoints()[0], nil)
	})
}

// TestWriteErrorRefusesBadStatus: a status net/http would refuse to
// write is written as 500, in the header and in the body.
func TestWriteErrorRefusesBadStatus(t *testing.T) {
	for _, status := range []int{0, -1, 99, 1000} {
		w := httptest.NewRecorder()
		httpmw.WriteError(w, status, "X", "m")
		require.Equal(t, 500, w.Code)
		require.Equal(t, 500, decodeError(t, w.Body.Bytes()).Error.Status)
	}
}

// TestEmptyHeaderErrorReads: a HeaderError left empty, or nil, still says
// what kind of error it is and matches ErrMalformed.
func TestEmptyHeaderErrorReads(t *testing.T) {
	require.Equal(t, "guard: malformed Authorization header: refused (at offset 0)", (&httpmw.HeaderError{}).Error())
	require.Equal(t, "guard: malformed Authorization header", (*httpmw.HeaderError)(nil).Error())
	require.ErrorIs(t, &httpmw.HeaderError{}, httpmw.ErrMalformed)
	require.ErrorIs(t, (*httpmw.HeaderError)(nil), httpmw.ErrMalformed)
	_, err := httpmw.VerifierFunc(nil).VerifyToken(ctx, "t")
	require.ErrorIs(t, err, enforce.ErrVerifierUnavailable)
}
