package chimw_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/chimw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/permission"
)

// division reads the divisionId query parameter.
func division(r *http.Request) permission.DivisionID {
	return permission.DivisionID(r.URL.Query().Get("divisionId"))
}

func handled(w http.ResponseWriter, r *http.Request) { adaptertest.WriteHandled(w, r.Context()) }

// routes registers the test's handlers on r, GET /api/v2/users/{userId}
// as {id}, with a regular expression.
func routes(r chi.Router) {
	r.Get("/api/v2/users", handled)
	r.Get("/api/v2/users/me", handled)
	r.Post("/api/v2/users", handled)
	r.Get("/api/v2/users/{id:u-[a-z]+}", handled)
	r.Get("/api/v2/schedules", handled)
}

// Every placement of the middleware answers every case alike: on the root
// router (before chi routes), in the routes' own chain (after), and on a
// mounted router.
func TestMiddleware(t *testing.T) {
	for _, tc := range []struct {
		name string
		// escapedSlash is the answer to a parameter holding %2F..%2F:
		// chi routes the escaped path, so %2F stays in the parameter.
		// The regular expression refuses it (no route); without one, the
		// parameter names no user.
		escapedSlash int
		build        func(mw *chimw.Middleware) http.Handler
	}{
		{"r.Use on the root router", 404, func(mw *chimw.Middleware) http.Handler {
			r := chi.NewRouter()
			r.Use(mw.Handler)
			routes(r)
			return r
		}},
		{"r.With on each route, NotFound and MethodNotAllowed guarded", 404, func(mw *chimw.Middleware) http.Handler {
			r := chi.NewRouter()
			routes(r.With(mw.Handler))
			r.NotFound(mw.Handler(http.NotFoundHandler()).ServeHTTP)
			r.MethodNotAllowed(mw.Handler(http.NotFoundHandler()).ServeHTTP)
			return r
		}},
		{"r.Use on a mounted router", 403, func(mw *chimw.Middleware) http.Handler {
			sub := chi.NewRouter()
			sub.Use(mw.Handler)
			sub.Get("/users", handled)
			sub.Get("/users/me", handled)
			sub.Post("/users", handled)
			sub.Get("/users/{id}", handled)
			sub.Get("/schedules", handled)
			r := chi.NewRouter()
			r.Use(mw.Handler)
			r.Mount("/api/v2", sub)
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := adaptertest.New(t, adaptertest.Options{})
			srv := httptest.NewServer(tc.build(chimw.New(f.Guard, chimw.WithDivision(division))))
			defer srv.Close()
			good := "Bearer " + f.Token("agent", "users:readonly")
			code := map[int]string{403: "PERMISSIONS_INSUFFICIENT", 404: "ENDPOINT_UNKNOWN"}[tc.escapedSlash]
			f.Run(t, srv.URL, append(f.Cases(),
				adaptertest.Case{Name: "crafted path, escaped slash", Method: "GET", Target: "/api/v2/users/u-home%2F..%2F..%2Fschedules",
					Auth: []string{good}, Status: tc.escapedSlash, Code: code},
				adaptertest.Case{Name: "crafted path, dot segments", Method: "GET", Target: "/api/v2/users/me/../../schedules",
					Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
				adaptertest.Case{Name: "crafted path, trailing slash", Method: "GET", Target: "/api/v2/users/",
					Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
			))
		})
	}
}

// placements are the places the middleware may sit, each building a
// router over the routes register adds: register gets the router and the
// prefix of the paths it registers, "/api/v2" but on a router mounted
// there.
var placements = []struct {
	name  string
	build func(mw *chimw.Middleware, register func(r chi.Router, prefix string)) http.Handler
}{
	{"r.Use on the root router", func(mw *chimw.Middleware, register func(chi.Router, string)) http.Handler {
		r := chi.NewRouter()
		r.Use(mw.Handler)
		register(r, "/api/v2")
		return r
	}},
	{"r.With on each route", func(mw *chimw.Middleware, register func(chi.Router, string)) http.Handler {
		r := chi.NewRouter()
		register(r.With(mw.Handler), "/api/v2")
		r.NotFound(mw.Handler(http.NotFoundHandler()).ServeHTTP)
		r.MethodNotAllowed(mw.Handler(http.NotFoundHandler()).ServeHTTP)
		return r
	}},
	{"r.Use in r.Group", func(mw *chimw.Middleware, register func(chi.Router, string)) http.Handler {
		r := chi.NewRouter()
		r.Group(func(r chi.Router) {
			r.Use(mw.Handler)
			register(r, "/api/v2")
		})
		r.NotFound(mw.Handler(http.NotFoundHandler()).ServeHTTP)
		r.MethodNotAllowed(mw.Handler(http.NotFoundHandler()).ServeHTTP)
		return r
	}},
	{"r.Use on a mounted router", func(mw *chimw.Middleware, register func(chi.Router, string)) http.Handler {
		sub := chi.NewRouter()
		sub.Use(mw.Handler)
		register(sub, "")
		r := chi.NewRouter()
		r.Mount("/api/v2", sub)
		return r
	}},
	{"r.With on a mounted router's routes", func(mw *chimw.Middleware, register func(chi.Router, string)) http.Handler {
		r := chi.NewRouter()
		r.Route("/api/v2", func(sub chi.Router) {
			register(sub.With(mw.Handler), "")
		})
		return r
	}},
}

// unlisted is the handler of a route the table does not have: it records
// that it ran.
type unlisted struct{ reached atomic.Bool }

func (u *unlisted) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	u.reached.Store(true)
	w.WriteHeader(http.StatusTeapot)
}

// A chi route with two parameters in one segment, not in the table, is
// unknown, wherever the middleware sits: it is not judged as the table's
// GET /api/v2/conversations/{conversationId}, whose segment is one
// parameter, and its handler never runs.
func TestTwoParametersInOneSegmentAreUnknown(t *testing.T) {
	for _, p := range placements {
		t.Run(p.name, func(t *testing.T) {
			f := adaptertest.New(t, adaptertest.Options{})
			h := &unlisted{}
			srv := httptest.NewServer(p.build(chimw.New(f.Guard), func(r chi.Router, prefix string) {
				r.Get(prefix+"/conversations/{id}.{format}", h.ServeHTTP)
			}))
			defer srv.Close()
			f.Run(t, srv.URL, []adaptertest.Case{
				{Name: "two parameters in one segment", Method: "GET", Target: "/api/v2/conversations/c-1.json",
					Auth: []string{"Bearer " + f.Token("agent", "conversations:readonly")}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
			})
			require.False(t, h.reached.Load(), "the unlisted route's handler ran")
		})
	}
}

// A route with a trailing slash is not the route without it, wherever
// the middleware sits: chi routes /api/v2/users/me/ to its own route,
// which the table does not have, so it is unknown and its handler never
// runs, while /api/v2/users/me is the table's GET /api/v2/users/me.
func TestTrailingSlashRouteIsNotTheRouteWithout(t *testing.T) {
	for _, p := range placements {
		t.Run(p.name, func(t *testing.T) {
			f := adaptertest.New(t, adaptertest.Options{})
			slash := &unlisted{}
			srv := httptest.NewServer(p.build(chimw.New(f.Guard), func(r chi.Router, prefix string) {
				r.Get(prefix+"/users/me", handled)
				r.Get(prefix+"/users/me/", slash.ServeHTTP)
			}))
			defer srv.Close()
			good := []string{"Bearer " + f.Token("agent", "users:readonly")}
			f.Run(t, srv.URL, []adaptertest.Case{
				{Name: "with the slash", Method: "GET", Target: "/api/v2/users/me/", Auth: good, Status: 404, Code: "ENDPOINT_UNKNOWN"},
				{Name: "without", Method: "GET", Target: "/api/v2/users/me", Auth: good, Status: 200,
					Handled: adaptertest.Handled{Route: "GET /api/v2/users/me", Scope: "users:readonly", User: "agent"}},
			})
			require.False(t, slash.reached.Load(), "the handler of /api/v2/users/me/ ran")
		})
	}
}

// Around the router, or on a handler outside chi, the middleware cannot
// know the route: it refuses.
func TestNoRouteContextFailsClosed(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	reached := false
	mw := chimw.New(f.Guard)
	h := mw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	r := httptest.NewRequest("GET", "/api/v2/users", nil)
	r.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, 500, w.Code)
	require.Equal(t, guard.CodeRouteMissing, adaptertest.DecodeError(t, w.Body.Bytes()).Error.Code)
	require.False(t, reached)
	require.Contains(t, f.Logs.String(), "without a route pattern")

	for _, mw := range []*chimw.Middleware{nil, chimw.New(nil), {}} {
		router := chi.NewRouter()
		router.Use(mw.Handler)
		router.Get("/api/v2/users", handled)
		w := httptest.NewRecorder()
		router.ServeHTTP(w, r)
		require.Equal(t, 500, w.Code)
		require.Equal(t, guard.CodeMisconfigured, adaptertest.DecodeError(t, w.Body.Bytes()).Error.Code)
	}
}

func BenchmarkMiddleware(b *testing.B) {
	f := adaptertest.New(b, adaptertest.Options{})
	r := chi.NewRouter()
	r.Use(chimw.New(f.Guard).Handler)
	r.Get("/api/v2/users/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	req := httptest.NewRequest("GET", "/api/v2/users/u-home", nil)
	req.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			b.Fatal(w.Code, w.Body)
		}
	}
}
