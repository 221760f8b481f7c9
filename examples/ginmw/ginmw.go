package ginmw

import (
	"github.com/gin-gonic/gin"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// Keys under which the middleware stores, in the gin.Context of an allowed
// request, the decision (an enforce.Decision) and the token (a
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
func WithDivision(f func(*gin.Context) permission.DivisionID) Option {
	return func(m *Middleware) { m.division = f }
}

// A Middleware guards a gin engine. Build it with New; its Handle method
// is the gin middleware. It is immutable and safe for concurrent use.
type Middleware struct {
	guard    *guard.Guard
	division func(*gin.Context) permission.DivisionID
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

// Handle is the gin middleware: engine.Use(mw.Handle). It judges the
// route gin matched (FullPath), and denies requests that matched none.
func (m *Middleware) Handle(c *gin.Context) {
	r := c.Request
	ctx := r.Context()
	req := guard.Request{Method: r.Method, Path: r.URL.EscapedPath(), Route: guard.ColonRoute(c.FullPath()),
		Authorization: r.Header.Values("Authorization"), Params: params{c}}
	var g *guard.Guard
	if m != nil {
		g = m.guard
		if m.division != nil {
			req.Division = m.division(c)
		}
	}
	o := g.Check(ctx, &req)
	if !o.Allowed() {
		o.WriteHTTP(c.Writer)
		c.Abort()
		return
	}
	c.Request = r.WithContext(o.Context(ctx))
	c.Set(DecisionKey, o.Decision())
	c.Set(TokenKey, o.Token())
	c.Next()
}

// params reads the route's parameters from gin.
type params struct{ c *gin.Context }

func (p params) PathValue(name string) string { return p.c.Param(name) }

// Decision returns the decision that let the request through, for
// handlers behind the middleware. ok is false outside it.
func Decision(c *gin.Context) (d enforce.Decision, ok bool) {
	v, _ := c.Get(DecisionKey)
	d, ok = v.(enforce.Decision)
	return d, ok
}

// Token returns the verified token of the request, for handlers behind
// the middleware. ok is false outside it.
func Token(c *gin.Context) (t grant.Token, ok bool) {
	v, _ := c.Get(TokenKey)
	t, ok = v.(grant.Token)
	return t, ok
}
