// Package guard is the decision path that every scopegate adapter shares:
// httpmw (net/http), chimw (chi), ginmw (gin), echomw (echo) and grpcmw
// (gRPC). An adapter is the few lines that read its framework's request
// into a [Request] and write the [Outcome] back; everything between is
// here, once:
//
//  1. the bearer token is read from the Authorization values (RFC 6750
//     §2.1, [ParseAuthorization]): a malformed or repeated header, or a
//     token over [MaxTokenLen] bytes, is refused with a message that says
//     what is wrong, without quoting it;
//  2. the [TokenVerifier] the service provides turns it into a
//     grant.Token (any format: jwtoken.Verifier reads JWT access
//     tokens);
//  3. the enforcer judges the route the framework matched
//     ([Request.Route], in http.ServeMux's syntax: [ColonRoute] and
//     [BraceRoute] translate gin's, echo's and chi's), or, when it matched
//     none ([NoRoute]), denies it as an unknown endpoint;
//  4. the [Outcome] says how to answer: the status, the JSON body and the
//     WWW-Authenticate header of a denial ([Outcome.WriteHTTP]), the code,
//     reason and remedy apart ([Outcome.Explain], for gRPC), and, when
//     allowed, the context that carries the decision and the token to the
//     handler ([Outcome.Context], read with [DecisionFrom] and
//     [TokenFrom]);
//  5. the [Observer]s, if any, learn of the outcome and how long it took:
//     promhook counts decisions for Prometheus, otelhook records them on
//     the request's span and in OpenTelemetry metrics. A guard without
//     observers reads no clock and builds no Observation.
//
// # Refusals of its own
//
// A guard never lets a request through that it could not judge. A guard
// built without an enforcer or a verifier (or a nil *Guard) refuses every
// request with 500 MIDDLEWARE_MISCONFIGURED, and an adapter that cannot
// tell the route asks [Guard.RouteMissing] for 500 ROUTE_PATTERN_MISSING.
// Both are logged with [WithLogger], like a decision that could not be
// made (a store that failed: 503 UNAVAILABLE). A log line names the
// method, path and route, never the token.
//
// # Concurrency
//
// A Guard is immutable once built and safe for concurrent use, as long as
// its TokenVerifier and Observers are. Swap the policy with
// enforce.Enforcer.Swap: every request is judged wholly by the old or the
// new one.
package guard
