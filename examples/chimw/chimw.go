package chimw

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/permission"
)

// An Option configures a Middleware.
type Option func(*Middleware)

// WithDivision sets how to find the division of a resource for endpoints
// whose division comes with the request (enforce.DivisionFromRequest),
// such as a divisionId query parameter. Without it such endpoints deny
// with DIVISION_UNRESOLVED.
func WithDivision(f func(*http.Request) permission.DivisionID) Option {
	return func(m *Middleware) { m.division = f }
}

// A Middleware guards a chi router. Build it with New; its Handler is the
// middleware. It is immutable and safe for concurrent use.
type Middleware struct {
	guard    *guard.Guard
	division func(*http.Request) permission.DivisionID
}

// New returns a middleware that decides with g. A nil guard refuses every
// request with 500 MIDDLEWARE_MISCONFIGURED.
func New(g *guard.Guard, opts ...Option) *Middleware {
	m := &Middleware{guard: g}
	for _, opt := range opts {
		if opt != nil {
			opt(m)
		}
	}
	return m
}

// Handler is the chi middleware: r.Use(mw.Handler) on the root router,
// or r.With(mw.Handler) on routes.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		req := guard.Request{Method: r.Method, Path: r.URL.EscapedPath(), Authorization: r.Header.Values("Authorization")}
		var g *guard.Guard
		if m != nil {
			g = m.guard
			if m.division != nil {
				req.Division = m.division(r)
			}
		}
		var o guard.Outcome
		if rctx := chi.RouteContext(ctx); rctx == nil {
			o = g.RouteMissing(ctx, &req, "use the middleware on a chi router, r.Use(mw.Handler) or r.With(mw.Handler), not around it")
		} else {
			pattern, params := routeOf(rctx, r)
			req.Route = guard.BraceRoute(pattern)
			req.Params = params
			o = g.Check(ctx, &req)
		}
		if !o.Allowed() {
			o.WriteHTTP(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(o.Context(ctx)))
	})
}

// routeOf returns the pattern of the route chi dispatches r to, and its
// parameters, or "" when it dispatches to none. Wherever the middleware
// sits, before chi routes (r.Use) or after (r.With, r.Group), the root
// router finds the route, as chi does: the same answer in every place.
// RoutePattern is not used: it drops a trailing '/', so that a route
// "/users/me/" would be judged as "/users/me".
func routeOf(rctx *chi.Context, r *http.Request) (string, params) {
	if rctx.Routes == nil {
		return "", params{}
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	if path == "" {
		path = "/"
	}
	method := rctx.RouteMethod // set by chi, or by a middleware that routes HEAD as GET
	if method == "" {
		method = r.Method
	}
	probe := chi.NewRouteContext()
	return rctx.Routes.Find(probe, method, path), params{rctx: probe, escaped: r.URL.RawPath != ""}
}

// params reads the route's parameters from chi's context, decoded (chi
// routes the escaped path when there is one, and its values are then
// escaped).
type params struct {
	rctx    *chi.Context
	escaped bool
}

func (p params) PathValue(name string) string {
	if p.rctx == nil {
		return ""
	}
	v := p.rctx.URLParam(name)
	if p.escaped {
		var err error
		if v, err = url.PathUnescape(v); err != nil {
			return ""
		}
	}
	return v
}
