// Package otelhook records scopegate's decisions with OpenTelemetry
// (go.opentelemetry.io/otel, the project's Go API): an [Observer] of
// package guard, added to a guard (and so to every adapter over it:
// httpmw, chimw, ginmw, echomw, grpcmw) with guard.WithObserver.
//
//	obs, err := otelhook.New(meterProvider)
//	g := guard.New(enforcer, verifier, guard.WithObserver(obs))
//
// On the request's span, the one in the context the adapter gets (from
// otelhttp, otelgrpc or your own middleware), it sets the attributes
// scopegate.route, scopegate.code, scopegate.allowed, scopegate.client
// (the OAuth client's ID) and scopegate.scope (the scope used): never a
// token or a secret, never the user. A span that is not recording costs a
// context lookup.
//
// Its metrics come from the meter provider passed in:
//
//	scopegate.decisions          counter, {decision}, by scopegate.route and scopegate.code
//	scopegate.decision.duration  histogram, seconds, by scopegate.route and scopegate.code
//
// Both attributes come from bounded sets: the endpoint table's routes (or
// "unmatched"), never the request's path or an ID, and the decision
// codes. Each pair's attribute set is made once and reused.
//
// A guard without observers pays nothing for them: it reads no clock and
// builds no observation. An Observer's own cost is measured by
// BenchmarkObserve.
package otelhook
