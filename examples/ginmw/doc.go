// Package ginmw puts the scopegate enforcer in front of a gin engine
// (github.com/gin-gonic/gin), through the decision path of package guard,
// which the net/http, chi, echo and gRPC adapters share.
//
//	g := guard.New(enforcer, verifier)
//	r := gin.New()
//	r.Use(ginmw.New(g, ginmw.WithDivision(fromQuery)).Handle)
//	r.GET("/api/v2/users/:id", getUser) // any parameter names
//
// # What it reads
//
// The route gin matched, [gin.Context.FullPath], translated to the
// table's form ("/api/v2/users/:id" is "/api/v2/users/{id}"; a catch-all
// "*filepath" matches no endpoint). gin runs an engine's middleware after
// it has routed a request, and for requests that match no route too (with
// FullPath empty): those are judged as unknown endpoints, and denied, so
// use the middleware on the engine, not on a route group. The route's
// parameters come from gin (c.Param, decoded, as gin routes the decoded
// path by default), for the division resolver; the division of endpoints
// that take it from the request comes from [WithDivision]. The bearer
// token comes from the Authorization header, through the guard's token
// verifier.
//
// # What it writes
//
// A denial gets the enforcer's status, JSON body and WWW-Authenticate
// header, and aborts the chain. An allowed request goes on with the
// decision and the token in gin's context ([Decision] and [Token] read
// them, under [DecisionKey] and [TokenKey]) and in the request's context
// ([guard.DecisionFrom] and [guard.TokenFrom]).
//
// A Middleware is immutable and safe for concurrent use. A nil one, or
// one over a nil guard, refuses every request with 500
// MIDDLEWARE_MISCONFIGURED.
package ginmw
