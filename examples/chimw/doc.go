// Package chimw puts the scopegate enforcer in front of a chi router
// (github.com/go-chi/chi/v5), through the decision path of package guard,
// which the net/http, gin, echo and gRPC adapters share.
//
//	g := guard.New(enforcer, verifier)
//	r := chi.NewRouter()
//	r.Use(chimw.New(g, chimw.WithDivision(fromQuery)).Handler)
//	r.Get("/api/v2/users/{id}", getUser) // any parameter names
//
// # What it reads
//
// The route chi matched, in chi's syntax: "/api/v2/users/{id}", a
// regular expression "{id:[0-9]+}" read as "{id}", the catch-all "*"
// matching no endpoint ([guard.BraceRoute]). A parameter must be a whole
// segment, as in the table: a route such as "/conversations/{id}.{format}"
// or "/files/v{version}" matches no endpoint, and is denied.
//
// The middleware may sit anywhere chi runs middleware: on a router's Use,
// before chi routes, or in a route's own chain (r.With, r.Group), after.
// In every place the root router finds the route the request reaches
// ([chi.Routes.Find]), from the path as chi routes it, so that every
// place gives the same answer. The route is judged as registered, its
// trailing '/' included: a route "/api/v2/users/me/" is not
// "/api/v2/users/me" (which [chi.Context.RoutePattern] would say), and is
// denied, as the table has no path ending in '/'. A request that reaches
// no route is judged as an unknown endpoint, and denied. So is one that
// reaches its route only because a middleware before this one rewrote
// chi's routing path (middleware.StripSlashes): the route is found from
// the path as sent. A middleware that runs outside chi, with no route
// context, refuses with 500 ROUTE_PATTERN_MISSING.
//
// The route's parameters come from chi's context, by chi's names, decoded
// (chi routes the escaped path when there is one), for the division
// resolver; the division of endpoints that take it from the request comes
// from [WithDivision]. The bearer token comes from the Authorization
// header, through the guard's token verifier.
//
// # What it writes
//
// A denial gets the enforcer's status, JSON body and WWW-Authenticate
// header ([guard.Outcome.WriteHTTP]); the handler is not called. An
// allowed request reaches the handler with the decision and the token in
// its context: [guard.DecisionFrom] and [guard.TokenFrom] read them.
//
// A Middleware is immutable and safe for concurrent use. A nil one, or
// one over a nil guard, refuses every request with 500
// MIDDLEWARE_MISCONFIGURED.
package chimw
