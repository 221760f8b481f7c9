package httpmw

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// A TokenVerifier turns a bearer token into the claims it stands for
// (see guard.TokenVerifier): the service implements it over its token
// format; jwtoken.Verifier is one, for JWT access tokens.
type TokenVerifier = guard.TokenVerifier

// VerifierFunc adapts a function to a TokenVerifier.
type VerifierFunc = guard.VerifierFunc

// An Option configures a Middleware.
type Option func(*Middleware)

// WithDivision sets how to find the division of a resource for endpoints
// whose division comes with the request (enforce.DivisionFromRequest),
// such as a divisionId query parameter. Without it such endpoints deny
// with DIVISION_UNRESOLVED.
func WithDivision(f func(*http.Request) permission.DivisionID) Option {
	return func(m *Middleware) { m.division = f }
}

// WithLogger logs requests the middleware could not decide on: the
// enforcer's errors (a store that failed) and handlers reached without a
// route pattern. It never logs a token. Without it nothing is logged;
// use enforce.WithHook for an audit log of every decision.
func WithLogger(l *slog.Logger) Option {
	return func(m *Middleware) { m.opts = append(m.opts, guard.WithLogger(l)) }
}

// WithObserver adds an observer of every decision, for metrics and traces
// (see guard.Observer; promhook and otelhook are two).
func WithObserver(o guard.Observer) Option {
	return func(m *Middleware) { m.opts = append(m.opts, guard.WithObserver(o)) }
}

// A Middleware guards handlers with an enforcer. Build it with New. It is
// immutable and safe for concurrent use.
type Middleware struct {
	guard    *guard.Guard
	division func(*http.Request) permission.DivisionID
	opts     []guard.Option // gathered by New
}

// New returns a middleware that verifies tokens with v and decides with e.
// Neither may be nil: a middleware without them refuses every request with
// 500 MIDDLEWARE_MISCONFIGURED.
func New(e *enforce.Enforcer, v TokenVerifier, opts ...Option) *Middleware {
	m := &Middleware{}
	for _, opt := range opts {
		if opt != nil {
			opt(m)
		}
	}
	m.guard = guard.New(e, v, m.opts...)
	m.opts = nil
	return m
}

// FromGuard returns a middleware over a guard that other adapters may
// share, with its verifier, logger and observers. Of opts, only
// WithDivision counts.
func FromGuard(g *guard.Guard, opts ...Option) *Middleware {
	m := &Middleware{}
	for _, opt := range opts {
		if opt != nil {
			opt(m)
		}
	}
	m.guard, m.opts = g, nil
	return m
}

// Handle registers h on mux under ep.Route(), the pattern the enforcer
// knows the endpoint by, guarded by m. Like mux.Handle it panics if the
// pattern is malformed or conflicts with another one, or if mux or h is
// nil: a mistake in the program, found when it starts.
func (m *Middleware) Handle(mux *http.ServeMux, ep enforce.Endpoint, h http.Handler) {
	switch {
	case mux == nil:
		panic("httpmw: Handle with a nil *http.ServeMux")
	case h == nil:
		panic("httpmw: Handle with a nil handler")
	}
	mux.Handle(ep.Route(), m.Wrap(h))
}

// HandleFunc is Handle for a handler function.
func (m *Middleware) HandleFunc(mux *http.ServeMux, ep enforce.Endpoint, h func(http.ResponseWriter, *http.Request)) {
	if h == nil {
		m.Handle(mux, ep, nil)
		return
	}
	m.Handle(mux, ep, http.HandlerFunc(h))
}

// Wrap returns h guarded by m. Register the result on an http.ServeMux,
// under the route of an endpoint of the enforcer's table: the middleware
// judges the pattern the mux matched, and refuses requests that come
// without one.
func (m *Middleware) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(w, r, h) })
}

// NotFound returns the handler to register under "/" on the mux, for the
// routes no other pattern matches: it answers with the enforcer's JSON
// (401 for a bad or missing token, 404 ENDPOINT_UNKNOWN otherwise) instead
// of the mux's plain-text 404 or 405.
func (m *Middleware) NotFound() http.Handler {
	return m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reached only if the table has an endpoint at the catch-all
		// pattern itself; still, nothing is served here.
		WriteError(w, http.StatusNotFound, "ENDPOINT_UNKNOWN", "no endpoint matches "+r.Method+" "+strconv.Quote(r.URL.EscapedPath()))
	}))
}

func (m *Middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	ctx := r.Context()
	req := guard.Request{Method: r.Method, Path: r.URL.EscapedPath(), Route: r.Pattern,
		Authorization: r.Header.Values("Authorization"), Params: r}
	var g *guard.Guard // a nil or zero Middleware refuses, through a nil guard
	if m != nil {
		g = m.guard
		if m.division != nil {
			req.Division = m.division(r)
		}
	}
	var o guard.Outcome
	if r.Pattern == "" {
		o = g.RouteMissing(ctx, &req,
			"register each guarded handler on an http.ServeMux (httpmw.Middleware.Handle), not around it")
	} else {
		o = g.Check(ctx, &req)
	}
	if !o.Allowed() {
		o.WriteHTTP(w)
		return
	}
	if next == nil {
		g.HandlerMissing(ctx, &req).WriteHTTP(w)
		return
	}
	next.ServeHTTP(w, r.WithContext(o.Context(ctx)))
}

// WriteError answers a request with an error in the shape of the
// enforcer's denials, {"error": {"message": ..., "code": ..., "status": ...}},
// written as [enforce.Decision.ErrorBody] writes it ('<', '>' and '&' as
// they are, no trailing newline), with the same headers as a denial
// (Content-Type, Cache-Control: no-store). Handlers behind the middleware
// use it for the checks an endpoint table cannot express, and for their
// own errors, so that a client meets one error format.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	guard.WriteError(w, status, code, message)
}

// DecisionFrom returns the decision that let the request through, for
// handlers behind the middleware (or any adapter of the guard package):
// the scope used (MatchedScope), the division checked, the route. ok is
// false outside the middleware.
func DecisionFrom(ctx context.Context) (d enforce.Decision, ok bool) { return guard.DecisionFrom(ctx) }

// TokenFrom returns the verified token of the request, for handlers behind
// the middleware: its user (for GET /users/me), client and org. ok is
// false outside the middleware.
func TokenFrom(ctx context.Context) (t grant.Token, ok bool) { return guard.TokenFrom(ctx) }
