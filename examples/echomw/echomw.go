package echomw

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// Keys under which the middleware stores, in the echo.Context of an
// allowed request, the decision (an enforce.Decision) and the token (a
// grant.Token). [Decision] and [Token] read them.
const (
	DecisionKey = "scopegate.decision"
	TokenKey    = "scopegate.token"
)

// An Option configures a Middleware.
type Option func(*Middleware)

// WithDivision sets how to find the division of a resource for endpoints
// whose division comes with the request (enforce.DivisionFromRequest),
// such as a divisionId query parameter. Without it such endpoints deny
// with DIVISION_UNRESOLVED.
func WithDivision(f func(echo.Context) permission.DivisionID) Option {
	return func(m *Middleware) { m.division = f }
}

// A Middleware guards an echo server. Build it with New; its Handle
// method is the echo middleware. It is immutable and safe for concurrent
// use.
type Middleware struct {
	guard    *guard.Guard
	division func(echo.Context) permission.DivisionID
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

// Handle is the echo middleware: e.Use(mw.Handle). It judges the route
// echo matched (Path), and denies requests that matched none.
func (m *Middleware) Handle(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		req := guard.Request{Method: r.Method, Path: r.URL.EscapedPath(), Route: routeOf(c),
			Authorization: r.Header.Values("Authorization"), Params: params{c: c, escaped: r.URL.RawPath != ""}}
		var g *guard.Guard
		if m != nil {
			g = m.guard
			if m.division != nil {
				req.Division = m.division(c)
			}
		}
		o := g.Check(ctx, &req)
		if !o.Allowed() {
			o.WriteHTTP(c.Response())
			return nil
		}
		c.SetRequest(r.WithContext(o.Context(ctx)))
		c.Set(DecisionKey, o.Decision())
		c.Set(TokenKey, o.Token())
		return next(c)
	}
}

// routeOf returns the route echo matched, in the table's form. For a
// path that echo knows, but not for the request's method, Path is the
// route of the other methods, and the handler answers 405: that request
// reaches no route.
func routeOf(c echo.Context) string {
	if c.Get(echo.ContextKeyHeaderAllow) != nil {
		return guard.NoRoute
	}
	return guard.ColonRoute(c.Path())
}

// params reads the route's parameters from echo, decoded (echo routes the
// escaped path when there is one, and its values are then escaped).
type params struct {
	c       echo.Context
	escaped bool
}

func (p params) PathValue(name string) string {
	v := p.c.Param(name)
	if p.escaped {
		var err error
		if v, err = url.PathUnescape(v); err != nil {
			return ""
		}
	}
	return v
}

// Decision returns the decision that let the request through, for
// handlers behind the middleware. ok is false outside it.
func Decision(c echo.Context) (d enforce.Decision, ok bool) {
	d, ok = c.Get(DecisionKey).(enforce.Decision)
	return d, ok
}

// Token returns the verified token of the request, for handlers behind
// the middleware. ok is false outside it.
func Token(c echo.Context) (t grant.Token, ok bool) {
	t, ok = c.Get(TokenKey).(grant.Token)
	return t, ok
}
