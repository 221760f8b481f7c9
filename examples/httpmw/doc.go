// Package httpmw puts the scopegate enforcer in front of net/http handlers:
// it reads the bearer token (RFC 6750 §2.1), turns it into a grant.Token
// through a [TokenVerifier] the service provides, asks an
// [enforce.Enforcer] about the route the [http.ServeMux] matched, and
// either answers the denial itself or calls the handler with the
// [enforce.Decision] in the request's context.
//
// # Wiring
//
// The enforcer must judge the endpoint the mux dispatches to, so the
// middleware reads the pattern the mux matched ([http.Request.Pattern]).
// A ServeMux sets it only on the request it hands to the handler it chose,
// so the middleware must run inside the mux, around each handler, not
// around the mux:
//
//	mw := httpmw.New(enforcer, verifier)
//	mux := http.NewServeMux()
//	for _, ep := range policy.Endpoints() {
//		mw.Handle(mux, ep, handlers[ep.Route()]) // registers ep.Route(), guarded
//	}
//	mux.Handle("/", mw.NotFound()) // unknown routes: a JSON 401 or 404, never the mux's text
//
// [Middleware.Handle] registers a handler under [enforce.Endpoint.Route],
// the pattern the enforcer knows it by; [Middleware.Wrap] guards a handler
// registered some other way. A guarded handler reached without a pattern
// (wrapped around the mux, or under GODEBUG=httpmuxgo121=1) refuses every
// request with 500 ROUTE_PATTERN_MISSING: it fails closed rather than
// guess the route.
//
// # Answers
//
// A denial gets the enforcer's status, its JSON body
// ([enforce.Decision.ErrorBody]) and, for token and scope problems, its
// WWW-Authenticate header ([enforce.Decision.WWWAuthenticate]):
//
//   - no Authorization header: 401 TOKEN_MISSING;
//   - a header that is not exactly "Bearer <token>", several Authorization
//     headers, or a token longer than [MaxTokenLen]: 401 TOKEN_INVALID,
//     with a message that says what is wrong with the header;
//   - a token the verifier rejects: 401 TOKEN_INVALID (or TOKEN_EXPIRED,
//     TOKEN_REVOKED, CLIENT_DISABLED when its error wraps the grant
//     package's sentinel);
//   - an unknown route (through NotFound): 404 ENDPOINT_UNKNOWN once the
//     token is good, 401 before, so that unauthenticated callers cannot map
//     the API;
//   - a missing scope, permission or user: 403 with the code saying which.
//
// A request that is allowed reaches the handler, which finds the decision
// and the token with [DecisionFrom] and [TokenFrom]. A handler that
// refuses on its own, for a rule the endpoint table cannot express, or
// fails, answers with [WriteError] in the same JSON shape.
//
// The middleware never writes a token or a secret to a response or a log:
// header problems are described, not quoted, and the enforcer's messages
// hold none.
//
// # Concurrency
//
// A Middleware is immutable once built and safe for concurrent use, as long
// as its TokenVerifier is. Swap the policy with [enforce.Enforcer.Swap];
// every request is judged wholly by the old or the new one.
//
// # The shared decision path
//
// The middleware is the net/http adapter of package guard, which holds
// the decision path the chi, gin, echo and gRPC adapters share: the
// bearer token, the verifier, the enforcer, the answer and the observers.
// TokenVerifier, VerifierFunc, HeaderError and the header's sentinel
// errors are the guard package's. [WithObserver] adds an observer of every
// decision (promhook for Prometheus, otelhook for OpenTelemetry), and
// [FromGuard] builds the middleware over a guard that other adapters
// share.
//
// Package jwtoken verifies JWT access tokens for it.
package httpmw
