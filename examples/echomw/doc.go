// Package echomw puts the scopegate enforcer in front of an echo server
// (github.com/labstack/echo/v4), through the decision path of package
// guard, which the net/http, chi, gin and gRPC adapters share.
//
//	g := guard.New(enforcer, verifier)
//	e := echo.New()
//	e.Use(echomw.New(g, echomw.WithDivision(fromQuery)).Handle)
//	e.GET("/api/v2/users/:id", getUser) // any parameter names
//
// # What it reads
//
// The route echo matched, [echo.Context.Path], translated to the table's
// form ("/api/v2/users/:id" is "/api/v2/users/{id}"; a catch-all "*"
// matches no endpoint). echo runs middleware added with Use after it has
// routed a request, and for requests that match no route too: those, and
// the requests echo answers with 405 (a known path, another method), are
// judged as unknown endpoints, and denied. Middleware added with Pre runs
// before routing, and sees no route: use Use. The route's parameters come
// from echo (c.Param), decoded, for the division resolver; the division
// of endpoints that take it from the request comes from [WithDivision].
// The bearer token comes from the Authorization header, through the
// guard's token verifier.
//
// # What it writes
//
// A denial gets the enforcer's status, JSON body and WWW-Authenticate
// header; the handler is not called. An allowed request goes on with the
// decision and the token in echo's context ([Decision] and [Token] read
// them, under [DecisionKey] and [TokenKey]) and in the request's context
// ([guard.DecisionFrom] and [guard.TokenFrom]).
//
// A Middleware is immutable and safe for concurrent use. A nil one, or
// one over a nil guard, refuses every request with 500
// MIDDLEWARE_MISCONFIGURED.
package echomw
